from django.urls import path

from shokuba.support import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask, name="ask"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("faq/", views.faq, name="faq"),
    path("topics/", views.topics, name="topics"),
    path("saved-answers/", views.saved_answers, name="saved_answers"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/reply/", views.reply, name="reply"),
    path("consultations/<int:pk>/status/", views.status, name="status"),
    path("consultations/<int:pk>/assign/", views.assign, name="assign"),
    path("consultations/<int:pk>/consent/", views.consent, name="consent"),
    path("consultations/<int:pk>/refer/", views.refer, name="refer"),
    path("consultations/<int:pk>/faq/", views.faq_create, name="faq_create"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
]

from django.urls import path

from shokuba.network import views

app_name = "network"
urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/<str:code>/", views.member_home, name="member_home"),
    path("members/<str:code>/organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/contacts/", views.contact_create, name="contact_create"),
    path("organisations/<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
    # Accounts (the secretariat).
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/handover/", views.account_handover, name="account_handover"),
    path("accounts/<int:pk>/disable/", views.account_disable, name="account_disable"),
    path("accounts/<int:pk>/enable/", views.account_enable, name="account_enable"),
    path("accounts/<int:pk>/two-factor-reset/", views.account_two_factor_reset, name="account_two_factor_reset"),
    path("accounts/<int:pk>/setup-link/", views.account_setup_link, name="account_setup_link"),
    path("local-governments/", views.local_government_search, name="local_government_search"),
]

from django.urls import path

from shokuba.events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.event_new, name="event_new"),
    path("my.ics", views.my_ics, name="my_ics"),
    path("<int:pk>/", views.event_page, name="event"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/register/", views.event_register, name="event_register"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/materials/", views.materials, name="materials"),
    path("<int:pk>/survey/", views.survey, name="survey"),
    path("<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
]

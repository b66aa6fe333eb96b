from django.urls import path

from shokuba.plans import views

app_name = "plans"
urlpatterns = [
    path("network/", views.network_page, name="network"),
    path("members/<str:code>/", views.plan_page, name="plan"),
    path("members/<str:code>/edit/", views.plan_edit, name="plan_edit"),
    path("members/<str:code>/approve/", views.plan_approve, name="approve"),
    path("members/<str:code>/revise/", views.plan_revise, name="revise"),
    path("members/<str:code>/kpis/new/", views.kpi_add, name="kpi_add"),
    path("members/<str:code>/initiatives/new/", views.initiative_add, name="initiative_add"),
    path("members/<str:code>/reviews/<int:year>/", views.review_edit, name="review_edit"),
    path("members/<str:code>/reports/", views.report_list, name="reports"),
    path("kpis/<int:pk>/", views.kpi_page, name="kpi"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/delete/", views.kpi_delete, name="kpi_delete"),
    path("kpis/<int:pk>/values/", views.kpi_value_add, name="kpi_value_add"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("reports/<int:pk>/", views.report_job, name="report_job"),
    path("reports/<int:pk>/<str:kind>/", views.report_download, name="report_download"),
]

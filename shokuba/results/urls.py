from django.urls import path

from shokuba.results import views

app_name = "results"

urlpatterns = [
    path("surveys/waves/<int:pk>/results/", views.overview, name="overview"),
    path("surveys/waves/<int:pk>/results/items/", views.items, name="items"),
    path("surveys/waves/<int:pk>/results/crosstab/", views.crosstab, name="crosstab"),
    path("surveys/waves/<int:pk>/results/change/", views.change, name="change"),
    path("surveys/waves/<int:pk>/results/free-text/", views.free_text, name="free_text"),
    path(
        "surveys/waves/<int:pk>/results/<str:page>/<str:name>.<str:fmt>",
        views.download,
        name="download",
    ),
]

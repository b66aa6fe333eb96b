from django.urls import path, register_converter

from shokuba.public import views


class FiscalYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class OpenDataFormatConverter:
    regex = "csv|cp932\\.csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FiscalYearConverter, "fy")
register_converter(OpenDataFormatConverter, "odfmt")

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("members/<str:code>/", views.member, name="member"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/feed.atom", views.jobs_atom, name="jobs_atom"),
    path("jobs/feed.json", views.jobs_json, name="jobs_json"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/dictionary/", views.open_data_dictionary, name="open_data_dictionary"),
    path("open-data/dictionary.csv", views.open_data_dictionary_csv, name="open_data_dictionary_csv"),
    path("open-data/<str:code>/<fy:year>.<odfmt:fmt>", views.open_data_file, name="open_data_file"),
]

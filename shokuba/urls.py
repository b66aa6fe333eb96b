from django.contrib.auth.views import LoginView, LogoutView
from django.urls import include, path

from shokuba.api.api import api
from shokuba.core import views as core_views

urlpatterns = [
    # The survey URLs first: the respondents' answering page is the busiest URL (see surveys/urls.py).
    path("", include("shokuba.surveys.urls")),
    path("", core_views.home, name="home"),
    # Django's login; django-axes (core/lockout.py) refuses locked attempts and answers with the lock page.
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shokuba.core.urls")),
    path("", include("shokuba.network.urls")),
    path("guidebook/", include("shokuba.guidebook.urls")),
    path("regional/", include("shokuba.regional.urls")),
    path("workplace/", include("shokuba.workplace.urls")),
    path("", include("shokuba.results.urls")),
    path("plans/", include("shokuba.plans.urls")),
    path("api/v1/", api.urls),
]

# Under /api/ a refused or failed request answers in the API's error shape; elsewhere, the templates 400.html /
# 500.html.
handler400 = "shokuba.api.errors.project_bad_request"
handler500 = "shokuba.api.errors.project_server_error"

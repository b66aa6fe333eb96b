from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeDoneView,
    PasswordResetCompleteView,
    PasswordResetDoneView,
)
from django.urls import include, path

from shokuba.api.api import api
from shokuba.core import account_views, passkey_views, two_factor_views
from shokuba.core import views as core_views
from shokuba.public import views as public_views

urlpatterns = [
    # The survey URLs first: the respondents' answering page is the busiest URL (see surveys/urls.py).
    path("", include("shokuba.surveys.urls")),
    path("", core_views.home, name="home"),
    # Django's login; django-axes (core/lockout.py) refuses locked attempts and answers with the lock page.
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    # One's own account (core/account_views.py) and the second step of logging in (core/two_factor_views.py).
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/two-factor/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", two_factor_views.two_factor_verify_view, name="two_factor_verify"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    # Passkeys (core/passkey_views.py): one's own list, and the library's JSON ceremonies under its namespace.
    path("account/two-factor/passkeys/", passkey_views.two_factor_passkeys, name="two_factor_passkeys"),
    path("account/two-factor/passkeys/name/", passkey_views.two_factor_passkey_name, name="two_factor_passkey_name"),
    path(
        "account/two-factor/passkeys/delete/",
        passkey_views.two_factor_passkey_delete,
        name="two_factor_passkey_delete",
    ),
    path("account/two-factor/passkeys/webauthn/", include(passkey_views.webauthn_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shokuba.core.urls")),
    path("", include("shokuba.network.urls")),
    path("guidebook/", include("shokuba.guidebook.urls")),
    path("regional/", include("shokuba.regional.urls")),
    path("workplace/", include("shokuba.workplace.urls")),
    path("", include("shokuba.results.urls")),
    path("plans/", include("shokuba.plans.urls")),
    path("support/", include("shokuba.support.urls")),
    path("jobads/", include("shokuba.jobads.urls")),
    # The public site (no login) and where members and organisations choose what it shows.
    path("public/", include("shokuba.public.urls")),
    path("sitemap.xml", public_views.sitemap, name="sitemap"),
    path("publishing/", include("shokuba.public.manage_urls")),
    path("learning/", include("shokuba.learning.urls")),
    path("forum/", include("shokuba.forum.urls")),
    path("materials/", include("shokuba.materials.urls")),
    path("events/", include("shokuba.events.urls")),
    path("api/v1/", api.urls),
]

# Under /api/ a refused or failed request answers in the API's error shape; elsewhere, the templates 400.html /
# 500.html.
handler400 = "shokuba.api.errors.project_bad_request"
handler500 = "shokuba.api.errors.project_server_error"

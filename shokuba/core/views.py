"""Log-in, the role-dependent home page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shokuba.core.permissions import has_perm
from shokuba.core.throttle import login_failure_record, login_failures_clear, login_is_locked


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginView(auth_views.LoginView):
    """Django's login with a lock after repeated failures (HTTP 429)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        address = client_address(request)
        if login_is_locked(username=username, address=address):
            # An unbound form: binding it would run authenticate() and spend a password hash for nothing.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form)
            context["locked_message"] = _(
                "ログインの失敗が続いたため、しばらくの間ログインできません。15分ほど待ってからもう一度お試しください。"
            )
            return self.render_to_response(context, status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            login_failures_clear(username=username)
        else:
            login_failure_record(username=username, address=address)
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if has_perm(user, "network.view_board"):
        return redirect("guidebook:board")
    if user.member_id:
        return redirect("network:member_home", user.member_id)
    if user.organisation_id:  # an organisation admin starts on their workplace dashboard
        return redirect("workplace:dashboard", user.organisation_id)
    return render(request, "core/no_role.html", status=403)

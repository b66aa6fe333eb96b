"""The role-dependent home page. (Logging in is Django's LoginView; the lock-out is core/lockout.py.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from shokuba.core.permissions import has_perm


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

"""Guidebook pages (being built: step editing, evidence files, board exports)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from shokuba.core.permissions import require, visible_members
from shokuba.guidebook.models import Step
from shokuba.guidebook.selectors import progress_board


@login_required
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_board")
    steps, rows = progress_board(user=request.user)
    return render(request, "guidebook/board.html", {"steps": steps, "rows": rows})


@login_required
def step_detail(request: HttpRequest, code: str, step_code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.view_details", member)
    step = get_object_or_404(Step, code=step_code)
    return render(request, "guidebook/step_detail.html", {"member": member, "step": step})

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shokuba.core.notifications import unread_count
from shokuba.core.permissions import has_perm
from shokuba.core.two_factor import two_factor_pending


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the logged-in user's role: only places the user may open."""
    # No user when a request is refused before the authentication middleware ran (a Host header not allowed
    # answers the 400 page): then there is no menu.
    user: Any = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or two_factor_pending(request):
        # No menu before the second step: every place in it would send the person back to that step.
        return {"nav_items": [], "notifications_unread": None}
    items: list[tuple[str, str]] = [(reverse("home"), _("ホーム"))]
    if has_perm(user, "network.view_board"):
        items.append((reverse("guidebook:board"), _("進捗一覧")))
        items.append((reverse("network:member_list"), _("参加自治体")))
    if getattr(user, "member_id", None):
        items.append((reverse("network:member_home", args=[user.member_id]), _("自治体のページ")))
    if getattr(user, "organisation_id", None):
        items.append((reverse("network:organisation_detail", args=[user.organisation_id]), _("自社・団体のページ")))
    if getattr(user, "member_id", None):
        items.append((reverse("surveys:member_surveys", args=[user.member_id]), _("アンケート")))
    elif has_perm(user, "network.view_board") or getattr(user, "organisation_id", None):
        items.append((reverse("surveys:index"), _("アンケート")))
    if has_perm(user, "regional.view"):
        own = getattr(user, "member_id", None)
        items.append((reverse("regional:area", args=[own]) if own else reverse("regional:index"), _("人口移動")))
    if getattr(user, "organisation_id", None):
        items.append((reverse("workplace:dashboard", args=[user.organisation_id]), _("職場の指標")))
    elif getattr(user, "member_id", None):
        items.append((reverse("workplace:picture", args=[user.member_id]), _("職場の指標")))
    elif has_perm(user, "workplace.view_network_picture"):
        items.append((reverse("workplace:network_picture"), _("職場の指標")))
    if getattr(user, "member_id", None):
        items.append((reverse("plans:plan", args=[user.member_id]), _("アクションプラン")))
    elif has_perm(user, "plans.view_network"):
        items.append((reverse("plans:network"), _("アクションプラン")))
    jobads_member = getattr(user, "member_id", None) or getattr(getattr(user, "organisation", None), "member_id", None)
    if jobads_member:
        items.append((reverse("jobads:check", args=[jobads_member]), _("求人票チェック")))
    if has_perm(user, "learning.view"):
        items.append((reverse("learning:index"), _("事例")))
    if has_perm(user, "forum.view"):
        items.append((reverse("forum:index"), _("フォーラム")))
    if has_perm(user, "materials.view"):
        items.append((reverse("materials:index"), _("研修素材")))
    if has_perm(user, "events.view"):
        items.append((reverse("events:index"), _("研修・交流会")))
    items.append((reverse("network:local_government_search"), _("団体コード検索")))
    if has_perm(user, "network.view_accounts"):
        items.append((reverse("network:account_list"), _("アカウント")))
    if has_perm(user, "support.view_list"):
        items.append((reverse("support:index"), _("相談")))
    if has_perm(user, "network.view_audit"):
        items.append((reverse("core:audit_list"), _("操作記録")))
    path = request.path
    return {
        "nav_items": [{"url": url, "label": label, "current": url == path} for url, label in items],
        "notifications_unread": unread_count(user),
    }

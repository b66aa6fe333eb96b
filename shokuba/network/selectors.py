"""Reads of local governments, members and organisations. Tenancy comes from core.permissions."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from shokuba.core.codes import CodeError, normalise_local_government_code
from shokuba.network.models import LocalGovernment, Member, Organisation, User
from shokuba.network.permissions import visible_members, visible_organisations, visible_users


def _katakana(text: str) -> str:
    """ひらがな → カタカナ: the reference kana is katakana, but an IME types hiragana by default."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def local_government_search(query: str, *, limit: int = 50) -> QuerySet[LocalGovernment]:
    """By code (5 or 6 digits, full-width allowed) or by a part of the name or kana (katakana or hiragana)."""
    text = unicodedata.normalize("NFKC", query).strip()
    governments = LocalGovernment.objects.all()
    if not text:
        return governments.none()
    if text.isdigit():
        if len(text) in (5, 6):
            try:
                return governments.filter(pk=normalise_local_government_code(text))
            except CodeError:
                return governments.none()
        return governments.filter(pk__startswith=text)[:limit]
    kana = _katakana(text)
    return governments.filter(
        Q(city_name__contains=text)
        | Q(prefecture_name__contains=text)
        | Q(city_kana__contains=kana)
        | Q(prefecture_kana__contains=kana)
    )[:limit]


def member_list(*, user: Any, region_block: str = "", kind: str = "") -> QuerySet[Member]:
    members = visible_members(user).annotate(organisation_count=Count("organisations"))
    if region_block:
        members = members.filter(region_block=region_block)
    if kind:
        members = members.filter(kind=kind)
    return members


def region_blocks() -> list[str]:
    """The seed's blocks in the order its table lists them."""
    order = ["北海道", "東北", "関東", "甲信越", "東海", "北陸", "近畿", "中国", "四国", "九州・沖縄"]
    present = set(Member.objects.values_list("region_block", flat=True))
    return [b for b in order if b in present] + sorted(present - set(order))


def organisation_list(*, user: Any, member: Member | None = None) -> QuerySet[Organisation]:
    organisations = visible_organisations(user)
    if member is not None:
        organisations = organisations.filter(member=member)
    return organisations


def account_list(*, user: Any, member_code: str = "") -> QuerySet[User]:
    """Accounts the user may see, by member (the network's staff first), each with whether its two-factor login
    is set up (`two_factor`)."""
    accounts = visible_users(user).select_related("member__local_government", "organisation__member")
    if member_code:
        accounts = accounts.filter(Q(member_id=member_code) | Q(organisation__member_id=member_code))
    return accounts.annotate(
        two_factor=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
    ).order_by("member_id", "organisation__member_id", "role", "username")

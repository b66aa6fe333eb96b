"""Every change to organisations and their contacts. Each service checks permission, validates, writes,
and records the change in the audit log inside one transaction."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from shokuba.api.services import api_token_revoke
from shokuba.core.audit import audit_record, snapshot
from shokuba.core.codes import CheckDigitError, CodeError, normalise_corporate_number, normalise_local_government_code
from shokuba.core.login import normalise_username, user_sessions_end
from shokuba.core.mail import account_setup_mail_send
from shokuba.core.models import AuditAction
from shokuba.core.permissions import has_perm, require
from shokuba.core.two_factor import two_factor_devices_remove
from shokuba.core.validation import texts_check, texts_require
from shokuba.network.models import Contact, LocalGovernment, Member, Organisation, Role, User

# Fields an organisation admin may change on their own organisation. Programme fields (which programme,
# joining date, notes by the programme) stay with the coordinators.
ORGANISATION_SELF_FIELDS = ("name", "corporate_number", "industry", "size_band", "location")
ORGANISATION_FIELDS = (*ORGANISATION_SELF_FIELDS, "joined_on", "notes")


def organisation_name_key(name: str) -> str:
    """What makes two names the same organisation: NFKC (full-width letters, digits and spaces folded), no
    spaces at all, case folded. 「株式会社　但馬精工」 and 「株式会社但馬精工」 are one."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _clean_organisation(member: Member, data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Normalise codes and check uniqueness within the programme; field errors are collected, not raised one by one."""
    # Refused as sent, before any normalising (spaces folded) could hide what was wrong.
    texts_require(
        {
            field: (label, data[field], multiline)
            for field, label, multiline in (("name", _("名称"), False), ("notes", _("備考"), True))
            if field in data
        }
    )
    errors: dict[str, list[Any]] = {}
    cleaned = dict(data)
    if "name" in cleaned:
        # One space for any run of spaces (full-width U+3000 included), none at the ends.
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"]:
            errors.setdefault("name", []).append(ValidationError(_("名称を入力してください。"), code="blank"))
    if "corporate_number" in cleaned:
        raw = cleaned["corporate_number"]
        if raw in (None, ""):
            cleaned["corporate_number"] = None
        else:
            try:
                cleaned["corporate_number"] = normalise_corporate_number(str(raw))
            except CodeError as exc:
                code = "check_digit" if isinstance(exc, CheckDigitError) else "code_invalid"
                errors.setdefault("corporate_number", []).append(ValidationError(str(exc), code=code))
    if "location" in cleaned and not isinstance(cleaned["location"], LocalGovernment):
        try:
            code = normalise_local_government_code(str(cleaned["location"] or ""))
            cleaned["location"] = LocalGovernment.objects.get(pk=code)
        except CodeError as exc:
            code = "check_digit" if isinstance(exc, CheckDigitError) else "code_invalid"
            errors.setdefault("location", []).append(ValidationError(str(exc), code=code))
        except LocalGovernment.DoesNotExist:
            errors.setdefault("location", []).append(
                ValidationError(
                    _("団体コード「%(code)s」の地方公共団体は見つかりません。") % {"code": cleaned["location"]},
                    code="reference",
                )
            )
    others = Organisation.objects.filter(member=member)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if cleaned.get("name"):
        key = organisation_name_key(cleaned["name"])
        twin = next((n for n in others.values_list("name", flat=True) if organisation_name_key(n) == key), None)
        if twin is not None:
            errors.setdefault("name", []).append(
                ValidationError(
                    _("「%(name)s」はこの取組にすでに登録されています（登録済みの名称：「%(twin)s」）。")
                    % {"name": cleaned["name"], "twin": twin},
                    code="duplicate",
                )
            )
    if cleaned.get("corporate_number") and others.filter(corporate_number=cleaned["corporate_number"]).exists():
        errors.setdefault("corporate_number", []).append(
            ValidationError(
                _("法人番号 %(number)s の企業・団体はこの取組にすでに登録されています。")
                % {"number": cleaned["corporate_number"]},
                code="duplicate",
            )
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save(instance: Organisation) -> None:
    try:
        with transaction.atomic():
            instance.full_clean(validate_unique=False, validate_constraints=False)
            instance.save()
    except IntegrityError as exc:  # a concurrent insert of the same name or number
        raise ValidationError(
            {
                "name": [
                    ValidationError(_("同じ名称または法人番号の企業・団体がすでに登録されています。"), code="duplicate")
                ]
            }
        ) from exc


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    member: Member,
    name: str,
    industry: str,
    size_band: str,
    location: LocalGovernment | str,
    joined_on: dt.date,
    corporate_number: str | None = None,
    notes: str = "",
) -> Organisation:
    require(actor, "member.add_organisation", member)
    cleaned = _clean_organisation(
        member,
        {"name": name, "corporate_number": corporate_number, "location": location, "notes": notes},
    )
    organisation = Organisation(
        member=member,
        name=cleaned["name"],
        corporate_number=cleaned["corporate_number"],
        industry=industry,
        size_band=size_band,
        location=cleaned["location"],
        joined_on=joined_on,
        notes=cleaned["notes"],
    )
    _save(organisation)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=organisation,
        before=None,
        after=snapshot(organisation),
        member_code=member.pk,
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    require(actor, "organisation.change", organisation)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(
            {field: [ValidationError(_("この項目は変更できません。"), code="role")] for field in sorted(unknown)}
        )
    if not has_perm(actor, "organisation.change_programme_fields", organisation):
        forbidden = set(changes) - set(ORGANISATION_SELF_FIELDS)
        if forbidden:
            raise ValidationError(
                {
                    field: [ValidationError(_("この項目は自治体の担当者だけが変更できます。"), code="role")]
                    for field in sorted(forbidden)
                }
            )
    before = snapshot(organisation)
    cleaned = _clean_organisation(organisation.member, changes, exclude_pk=organisation.pk)
    for field, value in cleaned.items():
        setattr(organisation, field, value)
    # Compare before saving: the save itself bumps updated_at, which would make every no-op form submit look
    # like a change and fill the audit log with empty entries.
    if snapshot(organisation) == before:
        return organisation
    _save(organisation)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=organisation,
        before=before,
        after=snapshot(organisation),
        member_code=organisation.member_id,
    )
    return organisation


@transaction.atomic
def organisation_delete(*, actor: Any, organisation: Organisation) -> None:
    require(actor, "organisation.delete", organisation)
    if organisation.admins.exists():
        raise ValidationError(
            {
                "__all__": [
                    ValidationError(
                        _(
                            "この企業・団体には管理者アカウントがあるため削除できません。"
                            "先にアカウントを停止してください。"
                        ),
                        code="has_accounts",
                    )
                ]
            }
        )
    if organisation.survey_links.exists():
        # Survey links and responses keep their organisation (PROTECT): deleting it would rewrite results.
        raise _organisation_protected()
    member_code = organisation.member_id
    # Contacts go with the organisation (CASCADE); each is recorded, so no personal data leaves unlogged.
    for contact in organisation.contacts.all():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=contact,
            before=snapshot(contact),
            after=None,
            member_code=member_code,
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=organisation,
        before=snapshot(organisation),
        after=None,
        member_code=member_code,
    )
    try:
        organisation.delete()
    except (ProtectedError, RestrictedError) as exc:  # raising rolls back the audit entries written above
        raise _organisation_protected() from exc


def _organisation_protected() -> ValidationError:
    return ValidationError(
        {
            "__all__": [
                ValidationError(
                    _(
                        "この企業・団体は調査に参加した記録（回答用リンク・回答）があるため削除できません。"
                        "回答と集計を守るため、調査に参加した企業・団体は残します。"
                        "参加をやめたときは備考に記録してください。"
                    ),
                    code="protected",
                )
            ]
        }
    )


@transaction.atomic
def contact_create(
    *, actor: Any, organisation: Organisation, name: str, department: str = "", email: str = "", phone: str = ""
) -> Contact:
    require(actor, "organisation.change", organisation)
    texts_require(
        {
            "name": (_("氏名"), name, False),
            "department": (_("部署・役職"), department, False),
            "phone": (_("電話番号"), phone, False),
        }
    )
    contact = Contact(organisation=organisation, name=name.strip(), department=department, email=email, phone=phone)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=contact,
        before=None,
        after=snapshot(contact),
        member_code=organisation.member_id,
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    require(actor, "organisation.change", contact.organisation)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=contact,
        before=snapshot(contact),
        after=None,
        member_code=contact.organisation.member_id,
    )
    contact.delete()


def _account_member_code(user: User) -> str:
    if user.member_id:
        return str(user.member_id)
    return user.organisation.member_id if user.organisation_id and user.organisation else ""


def _account_view(user: User) -> dict[str, Any]:
    """What the audit log keeps of an account (never the password)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "member_id": user.member_id,
        "organisation_id": user.organisation_id,
        "is_active": user.is_active,
    }


def _username_errors(typed: str) -> tuple[str, list[str]]:
    username = normalise_username(typed)
    if not username:
        return username, [_("ユーザー名を入力してください。")]
    if User.objects.filter(username=username).exists():
        if typed.strip() == username:
            return username, [_("ユーザー名「%(name)s」はすでに使われています。") % {"name": username}]
        return username, [
            _("ユーザー名「%(typed)s」は、半角・小文字にそろえると「%(name)s」になり、すでに使われています。")
            % {"typed": typed, "name": username}
        ]
    try:
        User.username_validator(username)
    except ValidationError:
        return username, [_("ユーザー名に使えるのは、文字・数字と @ . + - _ だけです（空白は使えません）。")]
    return username, []


def _email_errors(email: str, *, required: bool) -> list[str]:
    if not email:
        return [_("メールアドレスを入力してください。設定用のリンクをお送りします。")] if required else []
    try:
        validate_email(email)
    except ValidationError:
        return [_("メールアドレス「%(email)s」の形が正しくありません。") % {"email": email}]
    return []


@transaction.atomic
def account_create(
    *,
    actor: Any,
    username: str,
    role: str,
    password: str = "",
    member_code: str = "",
    organisation_id: int | None = None,
    display_name: str = "",
    email: str = "",
    site_url: str = "",
) -> User:
    """A staff account. Run by the secretariat (or, with actor=None, by whoever runs manage.py on the server).

    The user name is stored in its normal form (core.login.normalise_username: half-width, lower case), which is
    also what logging in compares; a name that equals an existing one in that form is refused.

    With a password (the shell), it is checked with the configured validators. Without one (the secretariat's
    page), the account has no usable password until its person sets one through the link e-mailed to `email`
    (core.mail.account_setup_mail_send; `site_url` is the site's address for the link). The role decides which
    tenant link is required.
    """
    if actor is not None:
        require(actor, "network.add_account")
    email = (email or "").strip()
    errors: dict[str, list[Any]] = texts_check(
        {"display_name": (_("表示名"), display_name, False), "email": (_("メールアドレス"), email, False)}
    )
    if role not in Role.values:
        errors["role"] = [
            _("役割「%(role)s」はありません。%(choices)s から選んでください。")
            % {"role": role, "choices": " / ".join(Role.values)}
        ]
    username, name_errors = _username_errors(username)
    if name_errors:
        errors["username"] = name_errors
    if "email" not in errors:
        email_errors = _email_errors(email, required=not password)
        if email_errors:
            errors["email"] = email_errors
    member = None
    organisation = None
    if role == Role.COORDINATOR:
        try:
            member = Member.objects.get(pk=normalise_local_government_code(member_code))
        except (CodeError, Member.DoesNotExist):
            errors["member"] = [_("自治体担当者には参加自治体の団体コードが必要です（例：282090）。")]
    elif member_code:
        errors["member"] = [_("参加自治体を指定できるのは、役割が自治体担当者のときだけです。")]
    if role == Role.ORGANISATION_ADMIN:
        organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        if organisation is None:
            errors["organisation"] = [_("企業・団体管理者には企業・団体のIDが必要です。")]
    user = User(
        username=username, role=role, member=member, organisation=organisation, display_name=display_name, email=email
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=user,
        before=None,
        after=snapshot(user),
        member_code=member.pk if member else (organisation.member_id if organisation else ""),
    )
    if not password:
        account_setup_mail_send(user=user, site_url=site_url)
    return user


def _account_require_change(actor: Any, account: User) -> None:
    require(actor, "account.manage", account)


def _account_cut_off(*, actor: Any, account: User) -> dict[str, int]:
    """End every way the account's person is in: sessions, API tokens (revoked, audited each), two-factor devices
    (removed, audited each)."""
    tokens = 0
    for token in account.api_tokens.filter(revoked_at__isnull=True):
        api_token_revoke(token=token, actor=actor)
        tokens += 1
    devices = two_factor_devices_remove(actor=actor, user=account)
    transaction.on_commit(lambda: user_sessions_end(account.pk))
    return {"tokens_revoked": tokens, "two_factor_devices_removed": devices}


@transaction.atomic
def account_disable(*, actor: Any, account: User) -> User:
    """The account can no longer log in: its sessions end, its API tokens are revoked (and a disabled account's
    tokens are refused anyway). Its history stays with it. Disabling twice changes nothing."""
    _account_require_change(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        return account
    before = _account_view(account)
    account.is_active = False
    account.save(update_fields=["is_active"])
    cut = _account_cut_off(actor=actor, account=account)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=account,
        before=before,
        after={**_account_view(account), **cut},
        member_code=_account_member_code(account),
    )
    return account


@transaction.atomic
def account_enable(*, actor: Any, account: User) -> User:
    """A disabled account may log in again (with its password; its two-factor login is set up again)."""
    _account_require_change(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        return account
    before = _account_view(account)
    account.is_active = True
    account.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=account,
        before=before,
        after=_account_view(account),
        member_code=_account_member_code(account),
    )
    return account


@transaction.atomic
def account_two_factor_reset(*, actor: Any, account: User) -> int:
    """Remove the account's authenticator and recovery codes (a lost phone): its person sets up again at the next
    login. Their sessions end, so no session verified with the old device lives on."""
    _account_require_change(actor, account)
    removed = two_factor_devices_remove(actor=actor, user=account)
    transaction.on_commit(lambda: user_sessions_end(account.pk))
    return removed


@transaction.atomic
def account_setup_link_send(*, actor: Any, account: User, site_url: str) -> None:
    """E-mail the set-up link again (the first one expired or was lost). Only for an active account with an
    address; the link works until a password is set (or PASSWORD_RESET_TIMEOUT)."""
    _account_require_change(actor, account)
    if not account.is_active:
        raise ValidationError({"account": [_("無効なアカウントには設定用のリンクを送れません。")]})
    if not account.email:
        raise ValidationError({"email": [_("このアカウントにはメールアドレスがありません。")]})
    account_setup_mail_send(user=account, site_url=site_url)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=account,
        before=None,
        after={"setup_link_sent_to": account.email},
        member_code=_account_member_code(account),
    )


@transaction.atomic
def account_handover(*, actor: Any, account: User, username: str, display_name: str, email: str, site_url: str) -> User:
    """The April rotation: the account's person changes. The old account is disabled (sessions, tokens and
    two-factor devices cut off) and a new account with the same role and tenant is made for the new person, who
    sets a password through the e-mailed link. Two accounts, not one renamed: everything the old person did stays
    under their own name in the audit log. Both entries name the other account."""
    _account_require_change(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        raise ValidationError({"account": [_("無効なアカウントは引き継げません。")]})
    successor = account_create(
        actor=actor,
        username=username,
        role=account.role,
        member_code=account.member_id or "",
        organisation_id=account.organisation_id,
        display_name=display_name,
        email=email,
        site_url=site_url,
    )
    before = _account_view(account)
    account.is_active = False
    account.save(update_fields=["is_active"])
    cut = _account_cut_off(actor=actor, account=account)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=account,
        before=before,
        after={**_account_view(account), **cut, "handed_over_to": successor.username},
        member_code=_account_member_code(account),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=successor,
        before=None,
        after={"handed_over_from": account.username},
        member_code=_account_member_code(successor),
    )
    return successor

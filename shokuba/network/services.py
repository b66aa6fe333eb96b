"""Every change to organisations and their contacts. Each service checks permission, validates, writes,
and records the change in the audit log inside one transaction."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, snapshot
from shokuba.core.codes import CheckDigitError, CodeError, normalise_corporate_number, normalise_local_government_code
from shokuba.core.login import normalise_username
from shokuba.core.models import AuditAction
from shokuba.core.permissions import has_perm, require
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


@transaction.atomic
def account_create(
    *,
    actor: Any,
    username: str,
    role: str,
    password: str,
    member_code: str = "",
    organisation_id: int | None = None,
    display_name: str = "",
) -> User:
    """A staff account. Run by the secretariat (or, with actor=None, by whoever runs manage.py on the server).

    The user name is stored in its normal form (core.login.normalise_username: half-width, lower case), which is
    also what logging in compares; a name that equals an existing one in that form is refused.

    The password is checked with the configured validators; the role decides which tenant link is required.
    """
    if actor is not None:
        require(actor, "network.add_account")
    errors: dict[str, list[Any]] = texts_check({"display_name": (_("表示名"), display_name, False)})
    if role not in Role.values:
        errors["role"] = [
            _("役割「%(role)s」はありません。%(choices)s から選んでください。")
            % {"role": role, "choices": " / ".join(Role.values)}
        ]
    typed, username = username, normalise_username(username)
    if User.objects.filter(username=username).exists():
        if typed.strip() == username:
            message = _("ユーザー名「%(name)s」はすでに使われています。") % {"name": username}
        else:
            message = _(
                "ユーザー名「%(typed)s」は、半角・小文字にそろえると「%(name)s」になり、すでに使われています。"
            ) % {"typed": typed, "name": username}
        errors["username"] = [message]
    member = None
    organisation = None
    if role == Role.COORDINATOR:
        try:
            member = Member.objects.get(pk=normalise_local_government_code(member_code))
        except (CodeError, Member.DoesNotExist):
            errors["member"] = [_("自治体担当者には参加自治体の団体コードが必要です（例：282090）。")]
    if role == Role.ORGANISATION_ADMIN:
        organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        if organisation is None:
            errors["organisation"] = [_("企業・団体管理者には企業・団体のIDが必要です。")]
    user = User(username=username, role=role, member=member, organisation=organisation, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
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
    return user

"""The case library's services: the review workflow, what a submitted case must hold (what failed and why), versions,
comments (and who is told of them), 「参考になった」, evidence links, refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shokuba.core.models import AuditEntry, Notification
from shokuba.learning import services
from shokuba.learning.models import Case, CaseComment, CaseHelpful, CaseState
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.network.models import Member, User
from shokuba.plans.tests.fixtures import plan_with_rows

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Case.objects.values_list("pk", "state", "title")),
        CaseComment.objects.count(),
        CaseHelpful.objects.count(),
    )


def test_draft_submit_return_submit_approve(toyooka: Member, coordinator: User, secretariat: User) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    assert case.state == CaseState.DRAFT and list(case.steps.values_list("code", flat=True)) == ["4-3"]
    services.case_submit(actor=coordinator, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.versions.get().content["failures"].startswith("経営者向け")
    with pytest.raises(ValidationError) as refused:
        services.case_return(actor=secretariat, case=case, reason="  ")
    assert "reason" in refused.value.message_dict
    services.case_return(actor=secretariat, case=case, reason="費用の内訳を書いてください。")
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED and case.return_reason == "費用の内訳を書いてください。"
    services.case_save(actor=coordinator, member=toyooka, case=case, data=case_input(cost="講師謝金 10万円、会場 無料"))
    services.case_submit(actor=coordinator, case=case)
    services.case_approve(actor=secretariat, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and case.reviewed_by == secretariat
    assert [v.number for v in case.versions.all()] == [2, 1]
    actions = list(AuditEntry.objects.filter(target_type="learning.case").values_list("action", flat=True))
    assert len(actions) == 6  # created, submitted, returned, edited, submitted, approved


def test_what_failed_and_why_are_required_to_submit(toyooka: Member, coordinator: User) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input(failures="", failure_causes=" "))
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_submit(actor=coordinator, case=case)
    assert set(refused.value.message_dict) == {"failures", "failure_causes"}
    assert "うまくいかなかったこと" in refused.value.message_dict["failures"][0]
    assert _state() == before


def test_bad_input_names_the_field_and_changes_nothing(toyooka: Member, coordinator: User) -> None:
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_save(
            actor=coordinator,
            member=toyooka,
            data=case_input(title="", steps=["9-z"], themes=["nope"], tried="a\x00b", cost="x" * 201),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"title", "steps", "themes", "tried", "cost"}
    assert "9-z" in errors["steps"][0] and "取り組んだこと" in errors["tried"][0]
    assert _state() == before


def test_who_may_write_and_review(
    toyooka: Member, coordinator: User, other_coordinator: User, secretariat: User, support: User
) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    before = _state()
    for actor in (other_coordinator, secretariat, support):
        with pytest.raises(PermissionDenied):
            services.case_save(actor=actor, member=toyooka, case=case, data=case_input(title="他人の書き換え"))
    services.case_submit(actor=coordinator, case=case)
    before = _state()
    for actor in (coordinator, other_coordinator, support):
        with pytest.raises(PermissionDenied):
            services.case_approve(actor=actor, case=case)
    assert _state() == before
    with pytest.raises(ValidationError):  # a submitted case is not edited
        services.case_save(actor=coordinator, member=toyooka, case=case, data=case_input())


def test_a_comment_tells_the_author_once_committed_and_never_the_commenter(
    toyooka: Member,
    coordinator: User,
    other_coordinator: User,
    secretariat: User,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    for user in (coordinator, other_coordinator, secretariat):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    case = approved_case(toyooka, coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_comment_add(actor=other_coordinator, case=case, body="うちでも管理職向けを試します。")
        assert mailoutbox == []  # nothing is mailed before the comment is committed
    notices = Notification.objects.filter(kind="learning.case_commented")
    assert [n.recipient_id for n in notices] == [coordinator.pk]  # the author, never the commenter
    assert notices[0].link == f"/learning/cases/{case.pk}/#comments-heading"
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "うちでも管理職向けを試します。" in mailoutbox[0].body


def test_submission_tells_the_secretariat_and_the_review_tells_the_author(
    toyooka: Member, coordinator: User, secretariat: User
) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    services.case_submit(actor=coordinator, case=case)
    assert list(Notification.objects.filter(kind="learning.case_submitted").values_list("recipient", flat=True)) == [
        secretariat.pk
    ]
    services.case_return(actor=secretariat, case=case, reason="費用の欄を書いてください。")
    returned = Notification.objects.get(kind="learning.case_reviewed")
    assert returned.recipient_id == coordinator.pk and "差し戻されました" in returned.subject
    assert "費用の欄を書いてください。" in returned.body


def test_comments_only_on_approved_cases(toyooka: Member, coordinator: User, other_coordinator: User) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    with pytest.raises(PermissionDenied):
        services.case_comment_add(actor=coordinator, case=case, body="下書きへのコメント")
    case = approved_case(toyooka, coordinator)
    with pytest.raises(ValidationError):
        services.case_comment_add(actor=other_coordinator, case=case, body="   ")


def test_helpful_once_per_account_and_not_by_the_author(
    toyooka: Member, coordinator: User, other_coordinator: User
) -> None:
    case = approved_case(toyooka, coordinator)
    assert services.case_helpful_set(actor=other_coordinator, case=case, helpful=True)
    assert not services.case_helpful_set(actor=other_coordinator, case=case, helpful=True)
    assert case.helpful_marks.count() == 1
    with pytest.raises(PermissionDenied):
        services.case_helpful_set(actor=coordinator, case=case, helpful=True)
    assert services.case_helpful_set(actor=other_coordinator, case=case, helpful=False)
    assert case.helpful_marks.count() == 0


def test_evidence_links_own_kpis_and_refuses_others(
    toyooka: Member, kesennuma: Member, coordinator: User, other_coordinator: User
) -> None:
    _plan, kpi, _i, _job = plan_with_rows(toyooka, coordinator)
    _plan2, foreign_kpi, _i2, _job2 = plan_with_rows(kesennuma, other_coordinator)
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    evidence = services.case_evidence_add(actor=coordinator, case=case, kind="kpi", kpi_id=kpi.pk)
    assert evidence.kpi == kpi
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_evidence_add(actor=coordinator, case=case, kind="kpi", kpi_id=foreign_kpi.pk)
    assert "kpi" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.case_evidence_add(actor=coordinator, case=case, kind="results", wave_id=999999)
    assert "wave" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.case_evidence_add(actor=coordinator, case=case, kind="link", url="javascript:alert(1)", label="x")
    assert "url" in refused.value.message_dict
    assert _state() == before
    link = services.case_evidence_add(
        actor=coordinator, case=case, kind="link", url="https://www.city.toyooka.lg.jp/", label="市の公表資料"
    )
    services.case_evidence_remove(actor=coordinator, evidence=link)
    assert list(case.evidence.all()) == [evidence]


def test_revise_takes_an_approved_case_off_the_network(
    toyooka: Member, coordinator: User, other_coordinator: User
) -> None:
    from shokuba.learning.permissions import visible_cases

    case = approved_case(toyooka, coordinator)
    assert visible_cases(other_coordinator).filter(pk=case.pk).exists()
    services.case_revise(actor=coordinator, case=case)
    assert not visible_cases(other_coordinator).filter(pk=case.pk).exists()
    assert visible_cases(coordinator).filter(pk=case.pk).exists()


def test_related_cases_share_steps_and_themes(
    toyooka: Member, kesennuma: Member, coordinator: User, other_coordinator: User
) -> None:
    from shokuba.learning.selectors import related_cases

    case = approved_case(toyooka, coordinator)
    same = approved_case(kesennuma, other_coordinator, title="同じ手順", steps=["4-3"], themes=["childcare"])
    theme_only = approved_case(kesennuma, other_coordinator, title="同じテーマ", steps=["2-2-a"], themes=["childcare"])
    approved_case(kesennuma, other_coordinator, title="無関係", steps=["1-a"], themes=["outreach"])
    assert related_cases(other_coordinator, case) == [same, theme_only]


def test_a_step_evidence_file_becomes_case_evidence_only_from_the_own_member(
    toyooka: Member, coordinator: User, other_coordinator: User
) -> None:
    """A file kept on one of the member's guidebook steps can be linked; another member's file, none, or an unknown
    one is refused naming the field, and nothing changes."""
    from shokuba.guidebook.models import EvidenceFile, Step, StepProgress

    own_progress = StepProgress.objects.create(member=toyooka, step=Step.objects.get(code="4-3"))
    own = EvidenceFile.objects.create(
        progress=own_progress,
        original_name="説明会の資料.pdf",
        stored_name="a" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    foreign_progress = StepProgress.objects.create(member=other_coordinator.member, step=Step.objects.get(code="4-3"))
    foreign = EvidenceFile.objects.create(
        progress=foreign_progress,
        original_name="よその資料.pdf",
        stored_name="b" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    case = approved_case(toyooka, coordinator)
    before = _state()
    for file_id in (foreign.pk, None, 999999):
        with pytest.raises(ValidationError) as error:
            services.case_evidence_add(actor=coordinator, case=case, kind="file", file_id=file_id)
        assert "file" in error.value.message_dict
    assert _state() == before
    evidence = services.case_evidence_add(actor=coordinator, case=case, kind="file", file_id=own.pk)
    assert evidence.file == own and evidence.kind == "file"

"""Authoring: a copy of a template, edits on the draft, publishing freezes, later edits make a new version that keeps
the item codes (lineage)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shokuba.core.models import AuditEntry
from shokuba.surveys import services
from shokuba.surveys.authoring import RowEdit
from shokuba.surveys.library import library_template
from shokuba.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus

pytestmark = pytest.mark.django_db


def codes(version: QuestionnaireVersion) -> list[str]:
    return [q["code"] for q in version.definition["questions"]]


def test_a_template_is_copied_into_the_programme_as_a_draft(coordinator: Any, questionnaire: Questionnaire) -> None:
    version = questionnaire.versions.get()
    template = library_template("workplace")
    assert template is not None
    assert (questionnaire.member_id, questionnaire.template_code, questionnaire.template_version) == (
        "282090",
        "workplace",
        1,
    )
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    assert version.definition == template.data
    assert AuditEntry.objects.filter(target_type="surveys.questionnaire", target_id=str(questionnaire.pk)).exists()


def test_editing_the_draft_keeps_codes_and_gives_new_items_fresh_codes(
    coordinator: Any, questionnaire: Questionnaire
) -> None:
    draft = questionnaire.versions.get()
    draft = services.question_update(
        actor=coordinator,
        version=draft,
        code="WS-QA",
        text="上司について伺います。",
        items=[
            RowEdit(code="WS-A01", label="上司は、誰にでも成長の機会を与えている", order=2),
            RowEdit(code="WS-A02", label="x", order=1, delete=True),
            RowEdit(code="", label="上司は、相談しやすい", order=1),
        ],
    )
    question = next(q for q in draft.definition["questions"] if q["code"] == "WS-QA")
    assert [(i["code"], i["text"]) for i in question["items"]] == [
        ("WS-QA-01", "上司は、相談しやすい"),
        ("WS-A01", "上司は、誰にでも成長の機会を与えている"),
    ]
    draft, new_code = services.question_add(actor=coordinator, version=draft, kind="ranking", text="理由を順に")
    assert new_code == "C01" and codes(draft)[-1] == "C01"
    draft = services.question_move(actor=coordinator, version=draft, code="C01", offset=-1)
    assert codes(draft)[-2:] == ["C01", "WS-FREE"]
    draft = services.question_update(actor=coordinator, version=draft, code="C01", text="理由を順に", max_choices=2)
    services.questionnaire_publish(actor=coordinator, version=draft)
    # In the next version C01 goes away; a new question must not get C01 again, or results under C01 would mix
    # two different questions across versions.
    v2 = services.questionnaire_draft_start(actor=coordinator, questionnaire=questionnaire)
    v2 = services.question_remove(actor=coordinator, version=v2, code="C01")
    _v2, again = services.question_add(actor=coordinator, version=v2, kind="single", text="別の質問")
    assert again == "C02"


def test_choices_are_added_reordered_and_removed_by_code(coordinator: Any) -> None:
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="selfcheck"
    )
    draft = questionnaire.versions.get()
    draft = services.question_update(
        actor=coordinator,
        version=draft,
        code="SC-06",
        text="改善したいこと",
        max_choices=2,
        choices=[
            RowEdit(code="1", label="残業を減らしたい", order=3),
            RowEdit(code="2", label="", order=1, delete=True),
            RowEdit(code="3", label="連続休暇", order=1),
            RowEdit(code="4", label="時間単位", order=4),
            RowEdit(code="5", label="テレワーク", order=5),
            RowEdit(code="6", label="柔軟な時間", order=6),
            RowEdit(code="7", label="特にない", order=9, exclusive=True),
            RowEdit(code="", label="雰囲気", order=2),
        ],
    )
    question = next(q for q in draft.definition["questions"] if q["code"] == "SC-06")
    assert [(c["code"], c["label"]) for c in question["choices"]][:3] == [
        ("3", "連続休暇"),
        ("8", "雰囲気"),
        ("1", "残業を減らしたい"),
    ]
    assert question["max_choices"] == 2
    assert question["choices"][-1] == {"code": "7", "label": "特にない", "exclusive": True}


def test_publishing_freezes_the_version(coordinator: Any, published: QuestionnaireVersion) -> None:
    assert published.status == VersionStatus.PUBLISHED and published.published_at is not None
    with pytest.raises(ValidationError, match="公開済みの版は変更できません"):
        services.question_update(actor=coordinator, version=published, code="WS-Z01", text="変えたい")
    with pytest.raises(ValidationError):
        services.draft_definition_save(actor=coordinator, version=published, definition=published.definition)
    published.refresh_from_db()
    assert published.definition["questions"][5]["text"] == "全体として、あなたの職場は「働きやすい」と思いますか。"


def test_a_later_edit_makes_a_new_version_with_the_same_item_codes(
    coordinator: Any, published: QuestionnaireVersion
) -> None:
    questionnaire = published.questionnaire
    draft = services.questionnaire_draft_start(actor=coordinator, questionnaire=questionnaire)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert services.questionnaire_draft_start(actor=coordinator, questionnaire=questionnaire).pk == draft.pk
    draft = services.question_update(
        actor=coordinator, version=draft, code="WS-Z01", text="あなたの職場は働きやすいですか。"
    )
    v2 = services.questionnaire_publish(actor=coordinator, version=draft)
    v1_items = {i["code"] for q in published.definition["questions"] for i in q.get("items", [])}
    v2_items = {i["code"] for q in v2.definition["questions"] for i in q.get("items", [])}
    assert codes(v2) == codes(published) and v1_items == v2_items
    assert (
        next(q for q in v2.definition["questions"] if q["code"] == "WS-Z01")["text"]
        == "あなたの職場は働きやすいですか。"
    )
    published.refresh_from_db()
    assert next(q for q in published.definition["questions"] if q["code"] == "WS-Z01")["text"].startswith("全体として")


def test_an_invalid_definition_is_not_saved(coordinator: Any, questionnaire: Questionnaire) -> None:
    draft = questionnaire.versions.get()
    before = draft.definition
    with pytest.raises(ValidationError) as caught:
        services.question_update(actor=coordinator, version=draft, code="WS-Z01", text="", scale="nonexistent")
    assert any("質問文を入力してください" in m for m in caught.value.messages)
    draft.refresh_from_db()
    assert draft.definition == before


def test_a_question_used_by_a_condition_cannot_be_removed(coordinator: Any) -> None:
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="employer"
    )
    with pytest.raises(ValidationError, match="表示条件"):
        services.question_remove(actor=coordinator, version=questionnaire.versions.get(), code="EM-03")
    with pytest.raises(ValidationError, match="前には移動できません"):
        services.question_move(actor=coordinator, version=questionnaire.versions.get(), code="EM-04", offset=-1)


@pytest.mark.parametrize("role", ["support", "other_coordinator", "prefecture_coordinator", "org_admin"])
def test_only_the_programme_and_the_secretariat_author(
    request: pytest.FixtureRequest, role: str, questionnaire: Questionnaire
) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.questionnaire_create_from_template(actor=user, member=questionnaire.member, template_code="workplace")
    with pytest.raises(PermissionDenied):
        services.questionnaire_publish(actor=user, version=questionnaire.versions.get())


def test_the_secretariat_may_author_for_a_programme(secretariat: Any, toyooka: Any) -> None:
    questionnaire = services.questionnaire_create_from_template(
        actor=secretariat, member=toyooka, template_code="resident"
    )
    assert services.questionnaire_publish(actor=secretariat, version=questionnaire.versions.get()).is_published

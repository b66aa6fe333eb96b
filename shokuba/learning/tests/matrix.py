"""The case library's rows of the project's permission matrix (tests/test_permission_matrix.py).

豊岡市 (coord) has an approved case, a draft and a submitted case. Every coordinator and the network's staff read
the library and approved cases; only 豊岡市's coordinator sees its draft and submitted case besides the staff, who
see submitted cases but never drafts; the secretariat reviews; organisation admins see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.learning import services
from shokuba.learning.tests.fixtures import approved_case, case_input


def _rows(world: Any) -> dict[str, int]:
    found = getattr(world, "_case_rows", None)
    if found is None:
        coord = world.users["coord"]
        approved = approved_case(world.toyooka, coord)
        draft = services.case_save(actor=coord, member=world.toyooka, data=case_input(title="下書き"))
        submitted = services.case_save(actor=coord, member=world.toyooka, data=case_input(title="提出済み"))
        services.case_submit(actor=coord, case=submitted)
        evidence = services.case_evidence_add(
            actor=coord, case=draft, kind="link", url="https://example.jp/report", label="報告書"
        )
        draft_file = services.case_evidence_add(actor=coord, case=draft, kind="file", file_id=world.evidence_id)
        approved_file = services.case_evidence_add(actor=coord, case=approved, kind="file", file_id=world.evidence_id)
        found = world._case_rows = {
            "approved": approved.pk,
            "draft": draft.pk,
            "submitted": submitted.pk,
            "evidence": evidence.pk,
            "draft_file": draft_file.pk,
            "approved_file": approved_file.pk,
        }
    return found


def _case(name: str, suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/learning/cases/{_rows(w)[name]}/{suffix}"


CASE_FORM = {
    "title": "マトリクスの事例",
    "steps": ["4-3"],
    "themes": ["childcare"],
    "tried": "取組",
    "happened": "結果",
    "failures": "失敗",
    "failure_causes": "理由",
    "lessons": "教訓",
    "visibility": "network",
}


def learning_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    readers = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
    coordinators_post = {"coord": 302, "pref": 302, "other": 302}
    only_author = {"coord": 302}
    return [
        case("learning:index", "GET", lambda w: "/learning/?q=育休&step=4-3", expect(403, **readers)),
        case("learning:review", "GET", lambda w: "/learning/review/", expect(403, sec=200)),
        case("learning:case_new", "GET", lambda w: "/learning/cases/new/", expect(403, coord=200, pref=200, other=200)),
        case(
            "learning:case_new",
            "POST",
            lambda w: "/learning/cases/new/",
            expect(403, **coordinators_post),
            body=lambda w: CASE_FORM,
        ),
        case("learning:case", "GET", _case("approved"), expect(200, org=404), label="approved"),
        # A step's evidence file linked to a case: whoever reads the case downloads it, nobody else.
        case(
            "learning:case_evidence_file",
            "GET",
            lambda w: f"/learning/evidence/{_rows(w)['approved_file']}/file/",
            expect(200, org=404),
            label="approved",
        ),
        case(
            "learning:case_evidence_file",
            "GET",
            lambda w: f"/learning/evidence/{_rows(w)['draft_file']}/file/",
            expect(404, coord=200),
            label="draft",
        ),
        case("learning:case", "GET", _case("draft"), expect(404, coord=200), label="draft"),
        case("learning:case", "GET", _case("submitted"), expect(404, sec=200, sup=200, coord=200), label="submitted"),
        case("learning:case_edit", "GET", _case("draft", "edit/"), expect(404, coord=200)),
        case(
            "learning:case_edit", "POST", _case("draft", "edit/"), expect(404, **only_author), body=lambda w: CASE_FORM
        ),
        case("learning:case_submit", "POST", _case("draft", "submit/"), expect(404, **only_author)),
        case(
            "learning:case_approve",
            "POST",
            _case("submitted", "approve/"),
            expect(404, sec=302, sup=403, coord=403),
        ),
        case(
            "learning:case_return",
            "POST",
            _case("submitted", "return/"),
            expect(404, sec=302, sup=403, coord=403),
            body=lambda w: {"reason": "費用を書いてください"},
        ),
        case("learning:case_revise", "POST", _case("approved", "revise/"), expect(403, coord=302, org=404)),
        case(
            "learning:case_comment",
            "POST",
            _case("approved", "comments/"),
            expect(302, org=404),
            body=lambda w: {"body": "参考にします"},
        ),
        case(
            "learning:case_helpful",
            "POST",
            _case("approved", "helpful/"),
            expect(302, coord=403, org=404),
            body=lambda w: {"helpful": "1"},
        ),
        case(
            "learning:case_evidence_add",
            "POST",
            _case("draft", "evidence/"),
            expect(404, **only_author),
            body=lambda w: {"kind": "link", "url": "https://example.jp/a", "label": "資料"},
        ),
        case(
            "learning:case_evidence_remove",
            "POST",
            lambda w: f"/learning/evidence/{_rows(w)['evidence']}/remove/",
            expect(404, **only_author),
        ),
    ]

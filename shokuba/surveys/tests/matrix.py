"""The survey pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

`survey_cases(Case, expect)` is called by that module with its own row type and helper, so the rows read like
the rest of the matrix. The survey objects are made on first use for the matrix's World and kept on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shokuba.surveys import services
from shokuba.surveys.models import Questionnaire, Wave, WaveLink


@dataclass
class SurveyWorld:
    published: Questionnaire  # 豊岡市, version 1 published
    draft: Questionnaire  # 豊岡市, version 1 still a draft
    wave: Wave  # open, links for the org admin's organisation and the spare one
    link: WaveLink  # the org admin's organisation's link
    spare_link: WaveLink


def survey_world(world: Any) -> SurveyWorld:
    found = getattr(world, "_surveys", None)
    if found is not None:
        return found
    coordinator = world.users["coord"]
    published = services.questionnaire_create_from_template(
        actor=coordinator, member=world.toyooka, template_code="workplace"
    )
    version = services.questionnaire_publish(actor=coordinator, version=published.versions.get())
    draft = services.questionnaire_create_from_template(
        actor=coordinator, member=world.toyooka, template_code="workplace"
    )
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="マトリクス調査",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        organisations=[world.organisation, world.spare],
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    found = SurveyWorld(
        published=published,
        draft=draft,
        wave=wave,
        link=wave.links.get(organisation=world.organisation),
        spare_link=wave.links.get(organisation=world.spare),
    )
    world._surveys = found
    return found


def import_file(wave: Wave) -> SimpleUploadedFile:
    """A valid one-response import sheet (CSV) for a wave of the workplace template."""
    from shokuba.core.exports import csv_bytes
    from shokuba.surveys import exports
    from shokuba.surveys.answers import raw_from_form
    from shokuba.surveys.tests.samples import workplace_form

    definition = services.definition_of(wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form().items()})
    organisation = wave.links.filter(organisation__isnull=False).order_by("pk").first()
    name = organisation.organisation.name if organisation and organisation.organisation else ""
    row = ["", "", name, ""] + [attributes.get(a, "") for a in definition.attributes]
    row += [column.value(answers) for column in exports.columns(definition)]
    return SimpleUploadedFile("回答.csv", csv_bytes(exports.header(definition), [row]))


def _s(world: Any) -> SurveyWorld:
    return survey_world(world)


def _export(world: Any) -> int:
    """A finished background export of the matrix wave, requested by its coordinator (made on first use)."""
    found = getattr(world, "_survey_export", None)
    if found is None:
        from shokuba.surveys import export_jobs

        found = export_jobs.export_job_request(actor=world.users["coord"], wave=_s(world).wave, file_format="csv").pk
        world._survey_export = found
    return int(found)


def survey_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    staff_read = {"sec": 200, "sup": 200, "coord": 200}
    change = {"sec": 302, "sup": 403, "coord": 302}
    return [
        case("surveys:index", "GET", lambda w: "/surveys/", expect(302, sec=200, sup=200, org=200)),
        case("surveys:library", "GET", lambda w: "/surveys/templates/", expect(200, org=404)),
        case("surveys:library_detail", "GET", lambda w: "/surveys/templates/workplace/", expect(200, org=404)),
        case("surveys:member_surveys", "GET", lambda w: "/members/282090/surveys/", expect(404, **staff_read)),
        case(
            "surveys:questionnaire_start",
            "POST",
            lambda w: "/members/282090/surveys/start/",
            expect(404, **change),
            body=lambda w: {"template_code": "resident"},
        ),
        case(
            "surveys:wave_create",
            "GET",
            lambda w: "/members/282090/surveys/waves/new/",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "surveys:questionnaire_detail",
            "GET",
            lambda w: f"/surveys/questionnaires/{_s(w).published.pk}/",
            expect(404, **staff_read),
        ),
        case(
            "surveys:draft_start",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).published.pk}/draft/",
            expect(404, **change),
            body=lambda w: {},
        ),
        case(
            "surveys:draft_discard",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/discard/",
            expect(404, **change),
            body=lambda w: {},
        ),
        case(
            "surveys:draft_discard",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).published.pk}/draft/discard/",
            expect(404, sec=404, sup=403, coord=404),
            body=lambda w: {},
            label="no draft to discard",
        ),
        case(
            "surveys:draft_meta",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/meta/",
            expect(404, **change),
            body=lambda w: {"title": "改題", "purpose": "", "attributes": ["sex"]},
        ),
        case(
            "surveys:question_add",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/questions/",
            expect(404, **change),
            body=lambda w: {"kind": "text_short", "text": "追加"},
        ),
        case(
            "surveys:question_edit",
            "GET",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/questions/WS-Z01/",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "surveys:question_move",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/questions/WS-Z02/move/",
            expect(404, **change),
            body=lambda w: {"direction": "up"},
        ),
        case(
            "surveys:question_remove",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/questions/WS-FREE/remove/",
            expect(404, **change),
            body=lambda w: {},
        ),
        case(
            "surveys:questionnaire_publish",
            "POST",
            lambda w: f"/surveys/questionnaires/{_s(w).draft.pk}/draft/publish/",
            expect(404, **change),
            body=lambda w: {},
        ),
        case(
            "surveys:version_preview",
            "GET",
            lambda w: f"/surveys/questionnaires/{_s(w).published.pk}/v1/preview/",
            expect(404, **staff_read),
        ),
        case(
            "surveys:version_phone",
            "GET",
            lambda w: f"/surveys/questionnaires/{_s(w).published.pk}/v1/phone/",
            expect(404, **staff_read),
        ),
        case(
            "surveys:wave_detail",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/",
            expect(404, **staff_read, org=200),
        ),
        case(
            "surveys:wave_open",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/open/",
            expect(404, **change, org=403),
            body=lambda w: {},
        ),
        case(
            "surveys:wave_close",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/close/",
            expect(404, **change, org=403),
            body=lambda w: {},
        ),
        case(
            "surveys:wave_dates",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/dates/",
            expect(404, sec=200, sup=403, coord=200, org=403),
        ),
        case(
            "surveys:wave_dates",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/dates/",
            expect(404, **change, org=403),
            body=lambda w: {"opens_on": _s(w).wave.opens_on.isoformat(), "closes_on": "2027-03-31"},
        ),
        case(
            "surveys:wave_organisations_add",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/organisations/",
            expect(404, **change, org=403),
            body=lambda w: {"organisations": []},
        ),
        case(
            "surveys:link_headcount",
            "POST",
            lambda w: f"/surveys/links/{_s(w).link.pk}/headcount/",
            expect(404, **change, org=302),
            body=lambda w: {"expected_headcount": "10"},
        ),
        case(
            "surveys:link_headcount",
            "POST",
            lambda w: f"/surveys/links/{_s(w).spare_link.pk}/headcount/",
            expect(404, **change),
            body=lambda w: {"expected_headcount": "10"},
            label="other organisation",
        ),
        case(
            "surveys:link_qr_svg",
            "GET",
            lambda w: f"/surveys/links/{_s(w).link.pk}/qr.svg",
            expect(404, **staff_read, org=200),
        ),
        case(
            "surveys:link_qr_png",
            "GET",
            lambda w: f"/surveys/links/{_s(w).link.pk}/qr.png",
            expect(404, **staff_read, org=200),
        ),
        case(
            "surveys:link_flyer",
            "GET",
            lambda w: f"/surveys/links/{_s(w).link.pk}/flyer.pdf",
            expect(404, **staff_read, org=200),
        ),
        case(
            "surveys:link_flyer",
            "GET",
            lambda w: f"/surveys/links/{_s(w).spare_link.pk}/flyer.pdf",
            expect(404, **staff_read),
            label="other organisation",
        ),
        # Raw responses: the programme's coordinator and the secretariat only (not the support team, not the org).
        case(
            "surveys:wave_export",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/export.xlsx",
            expect(404, sec=200, sup=403, coord=200, org=403),
            label="xlsx",
        ),
        case(
            "surveys:wave_export",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/export.csv?encoding=cp932",
            expect(404, sec=200, sup=403, coord=200, org=403),
            label="csv",
        ),
        # Background exports: raw responses again, so the programme's coordinator and the secretariat only.
        case(
            "surveys:wave_exports",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/exports/",
            expect(404, sec=200, sup=403, coord=200, org=403),
        ),
        case(
            "surveys:wave_exports",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/exports/",
            expect(404, sec=302, sup=403, coord=302, org=403),
            body=lambda w: {"file_format": "csv"},
        ),
        case(
            "surveys:export_job",
            "GET",
            lambda w: f"/surveys/exports/{_export(w)}/",
            expect(404, sec=200, sup=403, coord=200, org=403),
        ),
        case(
            "surveys:export_download",
            "GET",
            lambda w: f"/surveys/exports/{_export(w)}/download/",
            expect(404, sec=200, sup=403, coord=200, org=403),
        ),
        # Paper/Excel imports: whoever manages the wave imports; the support team reads the history.
        case(
            "surveys:wave_import",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/import/",
            expect(404, sec=200, sup=200, coord=200, org=403),
        ),
        case(
            "surveys:wave_import",
            "POST",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/import/",
            expect(404, sec=302, sup=403, coord=302, org=403),
            body=lambda w: {"file": import_file(_s(w).wave), "channel": "paper"},
        ),
        case(
            "surveys:wave_import_sheet",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/import-sheet.xlsx",
            expect(404, sec=200, sup=403, coord=200, org=403),
            label="xlsx",
        ),
        case(
            "surveys:wave_import_sheet",
            "GET",
            lambda w: f"/surveys/waves/{_s(w).wave.pk}/import-sheet.csv?encoding=cp932",
            expect(404, sec=200, sup=403, coord=200, org=403),
            label="csv",
        ),
        # The respondent's pages: the same for everyone, logged in or not (and they never look at the login).
        case("surveys:answer", "GET", lambda w: f"/s/{_s(w).link.token}/", expect(200, anon=200)),
        case("surveys:answer", "GET", lambda w: "/s/forged-token/", expect(404, anon=404), label="forged"),
        case("surveys:answer_thanks", "GET", lambda w: f"/s/{_s(w).link.token}/thanks/", expect(200, anon=200)),
        case("surveys:answer_privacy", "GET", lambda w: "/s/privacy/", expect(200, anon=200)),
    ]

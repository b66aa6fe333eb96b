"""The effect-verification report: PDF (A4, IPAexGothic embedded) and XLSX drawn from one `content` dict, built in
the background (django-tasks) with progress, stored privately and downloaded through a permission-checked view.

Same data, same content: the content has no time of building in it, ReportLab runs in invariant mode and the charts
are drawn by the one renderer (`core.charts`, vl-convert), so the PDF's bytes repeat; the XLSX repeats cell for
cell (openpyxl stamps the file's creation time in its properties).
"""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from shokuba.core import charts as core_charts
from shokuba.core.audit import audit_record, snapshot
from shokuba.core.exports import xlsx_bytes
from shokuba.core.models import AuditAction
from shokuba.core.permissions import has_perm, require
from shokuba.core.task_workers import task_results_unfinishable
from shokuba.plans.content import content_hash, report_content
from shokuba.plans.models import Plan, ReportJob, ReportStatus, ReportVariant
from shokuba.surveys.distribution import pdf_font

logger = logging.getLogger(__name__)

REPORT_DIR = "plan-reports"
CHART_KPIS_PER_IMAGE = 6
CHART_SCALE = 1.5  # about 140 dpi across the A4 text width: sharp in print, a third fewer pixels than 2
KEEP_PER_PLAN = 10
SOURCE_SHOWN = {
    "ref",
    "kind",
    "wave",
    "table",
    "evidence",
    "closed_on",
    "as_of",
    "date",
    "imports",
    "sha256",
    "definition",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_files_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / REPORT_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_file(job: ReportJob, kind: str) -> Path | None:
    name = job.pdf_name if kind == "pdf" else job.xlsx_name
    if job.status != ReportStatus.SUCCEEDED or not name:
        return None
    path = report_files_dir() / name
    if path.resolve().parent != report_files_dir().resolve() or not path.exists():
        return None
    return path


def download_name(job: ReportJob, kind: str) -> str:
    suffix = "" if job.variant == ReportVariant.INTERNAL else _("（公表用）")
    return _("効果検証レポート_%(member)s_%(year)d年度%(suffix)s.%(ext)s") % {
        "member": job.plan.member,
        "year": job.fiscal_year,
        "suffix": suffix,
        "ext": kind,
    }


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


def _interval(low: Any, high: Any) -> str:
    if low is None and high is None:
        return ""
    return f"{_text(low)} 〜 {_text(high)}"


# --- XLSX -------------------------------------------------------------------------------------------------------


def report_xlsx(content: dict[str, Any]) -> bytes:
    """The same numbers as the PDF, one sheet per section, with each figure's source number (S1 …) and definition."""
    digest = content_hash(content)
    kpi_header = [
        _("KPI"),
        _("値の出どころ"),
        _("単位"),
        _("基準年度"),
        _("基準値"),
        _("基準値の出典"),
        _("目標値"),
        _("目標年度"),
        _("最新の値"),
        _("最新の値の95%下限"),
        _("最新の値の95%上限"),
        _("最新の値の出典"),
        _("変化"),
        _("変化の95%下限"),
        _("変化の95%上限"),
        _("目標のペース"),
        _("達成率（%）"),
        _("状況"),
        _("理由"),
        _("定義"),
    ]
    kpi_rows = []
    for k in content["kpis"]:
        base, latest = k["baseline"] or {}, k["latest"] or {}
        kpi_rows.append(
            [
                k["name"],
                k["source"],
                k["unit"],
                k["baseline_year"],
                base.get("value"),
                base.get("source", ""),
                k["target"],
                k["target_year"],
                latest.get("value"),
                latest.get("low"),
                latest.get("high"),
                latest.get("source", ""),
                k["change"],
                k["change_low"],
                k["change_high"],
                k["pace"],
                k["attainment"],
                k["status_label"],
                k["reason"],
                k["definition"],
            ]
        )
    trend = [
        [k["name"], p["label"], p["fiscal_year"], p["value"], p["low"], p["high"], p["n"], p["note"], p["source"]]
        for k in content["kpis"]
        for p in k["points"]
    ]
    sources = [
        [
            s["ref"],
            s.get("kind", ""),
            s.get("wave", "") or s.get("table", "") or s.get("evidence", ""),
            s.get("closed_on", "") or s.get("as_of", "") or s.get("date", ""),
            "; ".join(f"{i.get('file')} ({i.get('date')}) sha256:{i.get('sha256')}" for i in s.get("imports", []))
            or s.get("sha256", ""),
            s.get("definition", ""),
            "; ".join(f"{key}={value}" for key, value in sorted(s.items()) if key not in SOURCE_SHOWN),
        ]
        for s in content["sources"]
    ]
    participation = content["participation"]
    sheets = [
        (
            _("推移"),
            [
                _("KPI"),
                _("時点"),
                _("年度"),
                _("値"),
                _("95%下限"),
                _("95%上限"),
                _("回答者数・企業数"),
                _("注記"),
                _("出典"),
            ],
            trend,
        ),
        (
            _("調査の前後比較"),
            [_("KPI"), _("前"), _("前の値"), _("後"), _("後の値"), _("変化"), _("95%下限"), _("95%上限")],
            [
                [
                    s["name"],
                    (s["before"] or {}).get("label"),
                    (s["before"] or {}).get("value"),
                    (s["after"] or {}).get("label"),
                    (s["after"] or {}).get("value"),
                    s["change"],
                    s["change_low"],
                    s["change_high"],
                ]
                for s in content["survey"]
            ],
        ),
        (
            _("3分の2基準"),
            [_("調査回"), _("年度"), _("満たす"), _("満たさない"), _("判定できない"), _("出典")],
            [
                [r["wave"], r["fiscal_year"], r["meets"], r["does_not_meet"], r["too_few"], r["source"]]
                for r in content["two_thirds"]
            ],
        ),
        (
            _("職場の指標"),
            [_("指標"), _("年度"), _("企業・団体数"), _("中央値")],
            [[r["indicator"], r["fiscal_year"], r["organisations"], r["median"]] for r in content["workplace"]],
        ),
        (
            _("人口移動"),
            [_("年"), _("指標"), _("総数"), _("男性"), _("女性")],
            [[r["year"], r["indicator"], r["total"], r["men"], r["women"]] for r in content["migration"]],
        ),
        (
            _("参加状況"),
            [_("調査回"), _("年度"), _("企業・団体数"), _("回答数"), _("対象人数"), _("回答率（%）")],
            [
                [w["wave"], w["fiscal_year"], w["organisations"], w["responses"], w["expected"], w["rate"]]
                for w in participation["waves"]
            ]
            + [
                [
                    _("参加企業・団体（%(date)s時点）") % {"date": participation["as_of"]},
                    "",
                    participation["organisations"],
                ]
            ],
        ),
        (
            _("出典"),
            [_("番号"), _("種類"), _("調査回・表・資料"), _("日付"), _("ファイルとSHA-256"), _("定義")],
            sources,
        ),
        (
            _("定義と注記"),
            [_("項目"), _("説明")],
            [list(d) for d in content["definitions"]]
            + [[_("注記"), n] for n in content["method_notes"]]
            + [[_("内容のハッシュ（SHA-256）"), digest], [_("種類"), content["variant_label"]]],
        ),
    ]
    return xlsx_bytes(kpi_header, kpi_rows, sheet_title=_("KPI"), extra_sheets=sheets)


# --- charts -------------------------------------------------------------------------------------------------------


def trend_spec(kpis: list[dict[str, Any]], first: int = 1) -> dict[str, Any]:
    """Small multiples: each KPI's values with their 95 % intervals over time (a typed baseline too), and its target
    as a diamond. `first`: the number of the first KPI (as in the KPI table)."""
    values = []
    for index, k in enumerate(kpis):
        facet = f"{index + first}. {k['name'][:24]}（{k['unit']}）"
        baseline = k.get("baseline") or {}
        points = list(k["points"])
        if baseline.get("value") is not None and baseline.get("t") not in {p.get("t") for p in points}:
            points.insert(0, {**baseline, "low": None, "high": None})
        for p in points:
            if p["value"] is not None:
                values.append(
                    {"kpi": facet, "t": p["t"], "value": p["value"], "low": p["low"], "high": p["high"], "kind": "実績"}
                )
        values.append({"kpi": facet, "t": k["target_year"] + 1, "value": k["target"], "kind": "目標"})
    # t is fiscal time (readings.Reading: a yearly figure stands at its fiscal year's end, t = year + 1), so a whole
    # tick t is the end of fiscal year t − 1 and says so: a bare "2026" would be read as 2026年度.
    year_end = json.dumps(str(_("年度末")), ensure_ascii=False)
    x = {
        "field": "t",
        "type": "quantitative",
        "title": _("時点"),
        "scale": {"zero": False},
        "axis": {"tickMinStep": 1, "labelExpr": f"(datum.value - 1) + {year_end}"},
    }
    return {
        "$schema": core_charts.SCHEMA,
        "data": {"values": values},
        "facet": {"field": "kpi", "type": "nominal", "title": None, "sort": None},
        "columns": 2,
        "spec": {
            "width": 250,
            "height": 130,
            "layer": [
                {
                    "transform": [{"filter": "datum.kind === '実績' && datum.low != null"}],
                    "mark": {"type": "rule", "color": core_charts.TOTAL_COLOUR},
                    "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
                },
                {
                    "transform": [{"filter": "datum.kind === '実績'"}],
                    "mark": {"type": "line", "point": True, "color": core_charts.MEN_COLOUR},
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False}},
                    },
                },
                {
                    "transform": [{"filter": "datum.kind === '目標'"}],
                    "mark": {
                        "type": "point",
                        "shape": "diamond",
                        "filled": True,
                        "size": 90,
                        "color": core_charts.WOMEN_COLOUR,
                    },
                    "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
                },
            ],
        },
        "resolve": {"scale": {"y": "independent"}},
        "config": {"font": core_charts.CHART_FONT, "header": {"labelFontSize": 11, "labelLimit": 300}},
    }


# --- PDF ----------------------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=30, spaceAfter=12),
        "h1": ParagraphStyle("h1", parent=base, fontSize=14, leading=20, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4),
    }


def _table(rows: list[list[Any]], widths: list[float], style: ParagraphStyle) -> Table:
    cells = [
        [Paragraph(escape(_text(c) if c != "" else "").replace("\n", "<br/>"), style) for c in row] for row in rows
    ]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9ca3af")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(content: dict[str, Any], progress: Any = None) -> bytes:
    styles = _styles()
    p, small = styles["base"], styles["small"]
    story: list[Any] = []
    plan = content["plan"]
    digest = content_hash(content)
    width = A4[0] - 30 * mm

    def para(text: str, style: ParagraphStyle = p) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    # Cover
    story += [
        Spacer(1, 40 * mm),
        para(_("効果検証レポート"), styles["title"]),
        para(f"{content['member']}　{plan['title']}", styles["h1"]),
        para(_("%(year)d年度") % {"year": content["fiscal_year"]}, styles["h1"]),
        para(content["variant_label"]),
        Spacer(1, 8 * mm),
    ]
    if plan["version"]:
        story.append(
            para(
                _("計画: 第%(n)d版（%(date)s %(body)s 承認）")
                % {
                    "n": plan["version"]["number"],
                    "date": plan["version"]["approved_on"],
                    "body": plan["version"]["body"],
                }
            )
        )
    else:
        story.append(para(_("計画: 承認前の案")))
    story += [
        para(_("計画期間: %(start)d年度〜%(end)d年度") % {"start": plan["years"][0], "end": plan["years"][1]}),
        Spacer(1, 30 * mm),
        para(_("内容のハッシュ（SHA-256）: %(hash)s") % {"hash": digest}, small),
        para(_("同じデータからは同じ内容のレポートができます。数値の出典は付録の出典一覧にあります。"), small),
        PageBreak(),
    ]
    # Summary
    story.append(para(_("1. まとめ"), styles["h1"]))
    story.append(para(_("目指す姿"), styles["h2"]))
    story.append(para(plan["vision"]))
    if plan["goals"]:
        story.append(para(_("目標"), styles["h2"]))
        story.append(para(plan["goals"]))
    story.append(para(_("結果の要約"), styles["h2"]))
    story += [para("・" + line) for line in content["summary"]]
    # KPI table
    story.append(para(_("2. KPIの実績と目標"), styles["h1"]))
    rows: list[list[Any]] = [
        [_("KPI"), _("基準"), _("最新（95%区間）"), _("目標"), _("変化（95%区間）"), _("状況"), _("出典")]
    ]
    for k in content["kpis"]:
        base, latest = k["baseline"] or {}, k["latest"] or {}
        latest_text = _text(latest.get("value")) + (
            f"（{_interval(latest.get('low'), latest.get('high'))}）" if latest.get("low") is not None else ""
        )
        if latest.get("hidden"):
            latest_text = _("非表示") + f"（{latest.get('note')}）"
        rows.append(
            [
                f"{k['name']}（{k['unit']}）\n{k['source']}",
                f"{_text(base.get('value'))}（{base.get('label', k['baseline_year'])}）",
                f"{latest_text}\n{latest.get('label', '')}",
                f"{_text(k['target'])}（{k['target_year']}年度）",
                _text(k["change"])
                + (
                    f"（{_interval(k['change_low'], k['change_high'])}）"
                    if k["change_low"] is not None or k["change_high"] is not None
                    else ""
                ),
                f"{k['status_label']}\n{k['reason']}",
                " ".join(x for x in (base.get("source", ""), latest.get("source", "")) if x),
            ]
        )
    story.append(_table(rows, [w * width for w in (0.2, 0.12, 0.17, 0.1, 0.14, 0.21, 0.06)], small))
    # Trend charts
    kpis = content["kpis"]
    if kpis:
        story.append(PageBreak())
        story.append(para(_("3. KPIの推移"), styles["h1"]))
        story.append(para(_("●＝実績（縦線は95%信頼区間）、◆＝目標（目標年度末）。"), small))
        for start in range(0, len(kpis), CHART_KPIS_PER_IMAGE):
            chunk = kpis[start : start + CHART_KPIS_PER_IMAGE]
            png = core_charts.chart_png(trend_spec(chunk, start + 1), scale=CHART_SCALE)
            image = Image(io.BytesIO(png))
            scale = min(width / image.imageWidth, (A4[1] - 60 * mm) / image.imageHeight)
            image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
            story.append(image)
            if progress:
                progress(60 + int(25 * (start + CHART_KPIS_PER_IMAGE) / len(kpis)), _("グラフを描いています。"))
    # Survey before/after
    story.append(para(_("4. 調査の前後比較"), styles["h1"]))
    if content["survey"]:
        rows = [[_("KPI"), _("前"), _("後"), _("変化（95%区間）")]]
        for s in content["survey"]:
            before, after = s["before"] or {}, s["after"] or {}
            rows.append(
                [
                    s["name"],
                    f"{_text(before.get('value'))}（{before.get('label', '')}）",
                    f"{_text(after.get('value'))}（{after.get('label', '')}）",
                    _text(s["change"]) + f"（{_interval(s['change_low'], s['change_high'])}）",
                ]
            )
        story.append(_table(rows, [w * width for w in (0.3, 0.25, 0.25, 0.2)], small))
    else:
        story.append(para(_("調査項目にもとづくKPIはありません。")))
    # Two-thirds
    story.append(para(_("5. 3分の2基準"), styles["h1"]))
    if content["two_thirds"]:
        rows = [[_("調査回"), _("満たす"), _("満たさない"), _("判定できない")]]
        rows += [[r["wave"], r["meets"], r["does_not_meet"], r["too_few"]] for r in content["two_thirds"]]
        story.append(_table(rows, [w * width for w in (0.55, 0.15, 0.15, 0.15)], small))
    else:
        story.append(para(_("3分の2基準の項目を含む締め切った調査回はありません。")))
    # Workplace, migration, participation
    story.append(para(_("6. 職場の指標（参加企業・団体の中央値）"), styles["h1"]))
    if content["workplace"]:
        rows = [[_("指標"), _("年度"), _("企業・団体数"), _("中央値")]]
        rows += [
            [r["indicator"], r["fiscal_year"], r["organisations"], _text(r["median"])] for r in content["workplace"]
        ]
        story.append(_table(rows, [w * width for w in (0.55, 0.15, 0.15, 0.15)], small))
    else:
        story.append(para(_("職場の指標はまだありません。")))
    story.append(para(_("7. 人口移動"), styles["h1"]))
    if content["migration"]:
        rows = [[_("年"), _("指標"), _("総数"), _("男性"), _("女性")]]
        rows += [
            [r["year"], r["indicator"], _text(r["total"]), _text(r["men"]), _text(r["women"])]
            for r in content["migration"]
        ]
        story.append(_table(rows, [w * width for w in (0.1, 0.45, 0.15, 0.15, 0.15)], small))
    else:
        story.append(para(_("人口移動の統計はまだ取り込まれていません。")))
    participation = content["participation"]
    story.append(para(_("8. 参加状況"), styles["h1"]))
    story.append(
        para(
            _("参加企業・団体: %(n)d（%(date)s時点）")
            % {"n": participation["organisations"], "date": participation["as_of"]}
        )
    )
    if participation["waves"]:
        rows = [[_("調査回"), _("企業・団体数"), _("回答数"), _("回答率（%）")]]
        rows += [[w["wave"], w["organisations"], w["responses"], _text(w["rate"])] for w in participation["waves"]]
        story.append(_table(rows, [w * width for w in (0.55, 0.15, 0.15, 0.15)], small))
    # Initiatives and reviews
    story.append(para(_("9. 取組と振り返り"), styles["h1"]))
    if content["initiatives"]:
        rows = [[_("ガイドブックの取組"), _("取組"), _("担当"), _("予定"), _("状況")]]
        rows += [[i["step"], i["title"], i["owner"], i["schedule"], i["status"]] for i in content["initiatives"]]
        story.append(_table(rows, [w * width for w in (0.3, 0.25, 0.15, 0.2, 0.1)], small))
    for r in content["reviews"]:
        story.append(para(_("%(year)d年度の振り返り") % {"year": r["fiscal_year"]}, styles["h2"]))
        story.append(para(_("実施したこと: ") + r["done"]))
        story.append(para(_("評価: ") + r["checked"]))
        if r["next_actions"]:
            story.append(para(_("改善: ") + r["next_actions"]))
    # Notes, definitions, sources
    story.append(PageBreak())
    story.append(para(_("10. 秘匿と方法についての注記"), styles["h1"]))
    story += [para("・" + n) for n in content["method_notes"]]
    story.append(para(_("11. 用語の定義"), styles["h1"]))
    story.append(_table([[_("用語"), _("説明")], *content["definitions"]], [0.25 * width, 0.75 * width], small))
    story.append(para(_("付録: KPIの定義と出典"), styles["h1"]))
    rows = [[_("KPI"), _("定義"), _("出典")]]
    for k in content["kpis"]:
        refs = sorted(
            {p["source"] for p in k["points"] if p["source"]} | {(k["baseline"] or {}).get("source", "")} - {""}
        )
        rows.append([k["name"], k["definition"], " ".join(refs)])
    story.append(_table(rows, [0.3 * width, 0.55 * width, 0.15 * width], small))
    story.append(para(_("付録: 出典一覧"), styles["h1"]))
    rows = [[_("番号"), _("出典"), _("定義")]]
    for s in content["sources"]:
        detail = [str(s.get(k)) for k in ("wave", "table", "evidence", "closed_on", "as_of", "date") if s.get(k)]
        if s.get("wave_id"):
            detail.append(f"wave_id={s['wave_id']}")
        if s.get("questionnaire_version"):
            detail.append(
                _("調査票 第%(n)d版・最小表示人数 %(t)d人") % {"n": s["questionnaire_version"], "t": s["threshold"]}
            )
        if s.get("respondents"):
            detail.append(_("回答者 %(n)d人") % {"n": s["respondents"]})
        if s.get("sha256"):
            detail.append(f"sha256:{s['sha256']}")
        detail += [f"{i.get('file')}（{i.get('date')}）sha256:{i.get('sha256')}" for i in s.get("imports", [])]
        rows.append([s["ref"], "\n".join(detail), s.get("definition", "")])
    story.append(_table(rows, [0.08 * width, 0.52 * width, 0.4 * width], small))

    out = io.BytesIO()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(pdf_font(), 7.5)
        canvas.drawString(15 * mm, 10 * mm, f"{content['member']} {_('効果検証レポート')} {content['fiscal_year']}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=_("効果検証レポート"),
        author=content["member"],
        invariant=1,
        lang="ja",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# --- the background job -----------------------------------------------------------------------------------------


def report_job_request(*, actor: Any, plan: Plan, fiscal_year: int, variant: str) -> ReportJob:
    """Queue the report of a fiscal year (the internal variant needs `plans.view_internal`)."""
    require(actor, "plans.change", plan.member)
    errors: dict[str, list[str]] = {}
    if variant not in ReportVariant.values:
        errors["variant"] = [_("レポートの種類を一覧から選んでください。")]
    if not isinstance(fiscal_year, int) or not 2000 <= fiscal_year <= 2100:
        errors["fiscal_year"] = [_("年度は2000〜2100の数字で入力してください。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = ReportJob.objects.create(
            member_id=plan.member_id,
            plan=plan,
            fiscal_year=fiscal_year,
            variant=variant,
            created_by=actor,
            message=_("作成の順番を待っています。"),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=job,
            before=None,
            after=snapshot(job),
            member_code=plan.member_id,
        )
    result = report_job_task.enqueue(job.pk)
    ReportJob.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def report_job_run(job_id: int) -> None:
    job = ReportJob.objects.select_related("plan__member", "created_by").get(pk=job_id)
    if job.is_finished:
        return
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), progress=1, message=_("作成しています。")
    )

    def progress(percent: int, message: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99), message=message)

    token = secrets.token_hex(16)
    pdf_path = report_files_dir() / f"{job.pk}.{token}.pdf"
    xlsx_path = report_files_dir() / f"{job.pk}.{token}.xlsx"
    try:
        if not has_perm(job.created_by, "plans.change", job.plan.member):
            raise PermissionDenied("plans.change")
        content = report_content(job.plan, job.fiscal_year, job.variant, progress)
        _write(xlsx_path, report_xlsx(content))
        _write(pdf_path, report_pdf(content, progress))
        outcome: dict[str, Any] = {
            "status": ReportStatus.SUCCEEDED,
            "progress": 100,
            "pdf_name": pdf_path.name,
            "xlsx_name": xlsx_path.name,
            "content_sha256": content_hash(content),
            "message": _("レポートができました。"),
        }
    except PermissionDenied:
        outcome = {
            "status": ReportStatus.FAILED,
            "message": _("レポートを作る権限がなくなったため、作成していません。"),
        }
    except Exception:  # the job must end visibly whatever happens; the details go to the log
        logger.exception("plan report job %s failed", job_id)
        outcome = {
            "status": ReportStatus.FAILED,
            "message": _(
                "予期しないエラーで作成できませんでした。もう一度試して、続くときは管理者に連絡してください。"
            ),
        }
    if outcome["status"] != ReportStatus.SUCCEEDED:
        pdf_path.unlink(missing_ok=True)
        xlsx_path.unlink(missing_ok=True)
    ReportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    if outcome["status"] == ReportStatus.SUCCEEDED:
        reports_clean_up(job.plan)


def reports_clean_up(plan: Plan) -> int:
    """Keep the files of the newest KEEP_PER_PLAN successful jobs of a plan; older jobs stay listed without files."""
    old = list(
        ReportJob.objects.filter(plan=plan, status=ReportStatus.SUCCEEDED)
        .exclude(pdf_name="")
        .order_by("-created_at", "-pk")[KEEP_PER_PLAN:]
    )
    for job in old:
        for name in (job.pdf_name, job.xlsx_name):
            if name:
                (report_files_dir() / name).unlink(missing_ok=True)
    ReportJob.objects.filter(pk__in=[j.pk for j in old]).update(
        pdf_name="", xlsx_name="", message=_("ファイルは削除しました。")
    )
    return len(old)


def lost_message() -> str:
    return _("作成していたサーバーの処理が止まったため、作成を中止しました。もう一度作成してください。")


def report_jobs_recover_lost() -> int:
    """Fail the queued and running report jobs whose worker died (core.task_workers) and remove their partial
    files. Registered with core by PlansConfig.ready."""
    active = (ReportStatus.QUEUED, ReportStatus.RUNNING)
    tasks = dict(
        ReportJob.objects.filter(status__in=active).exclude(task_result_id="").values_list("pk", "task_result_id")
    )
    lost_tasks = task_results_unfinishable(tasks.values())
    lost = [pk for pk, task_id in tasks.items() if task_id in lost_tasks]
    if not lost:
        return 0
    failed = ReportJob.objects.filter(Q(pk__in=lost), status__in=active).update(
        status=ReportStatus.FAILED, finished_at=timezone.now(), message=lost_message()
    )
    for pk in lost:
        for path in report_files_dir().glob(f".{pk}.*.part"):
            path.unlink(missing_ok=True)
    return failed


@task()
def report_job_task(job_id: int) -> None:
    """The background task (django-tasks; `manage.py db_worker`), beside the service that queues it."""
    report_job_run(job_id)

"""Reads of guidebook progress: one member's steps, and the network-wide board."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.guidance import Task, ToolLink, guidance_for, source_title, tool_links
from shokuba.guidebook.models import Chapter, ProgressStatus, Step, StepProgress
from shokuba.network.models import Member
from shokuba.network.permissions import visible_members


@dataclass(frozen=True)
class StepRow:
    step: Step
    progress: StepProgress | None

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else ProgressStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(ProgressStatus(self.status).label)


@dataclass(frozen=True)
class ChapterRows:
    chapter: Chapter
    steps: list[StepRow]


@dataclass(frozen=True)
class ProgressSummary:
    counts: dict[str, int]
    total: int
    applicable: int = field(init=False)
    done: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "applicable", self.total - self.counts.get(ProgressStatus.NOT_APPLICABLE, 0))
        object.__setattr__(self, "done", self.counts.get(ProgressStatus.DONE, 0))

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.applicable) if self.applicable else 0

    def labelled(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in ProgressStatus]


def steps_in_order() -> QuerySet[Step]:
    return Step.objects.select_related("chapter").order_by("chapter__position", "position")


def member_progress(member: Member) -> list[ChapterRows]:
    progress = {p.step_id: p for p in StepProgress.objects.filter(member=member).prefetch_related("evidence")}
    chapters: dict[int, ChapterRows] = {}
    for step in steps_in_order():
        rows = chapters.setdefault(step.chapter_id, ChapterRows(chapter=step.chapter, steps=[]))
        rows.steps.append(StepRow(step=step, progress=progress.get(step.pk)))
    return list(chapters.values())


def progress_summary(member: Member) -> ProgressSummary:
    total = Step.objects.count()
    counts = Counter(StepProgress.objects.filter(member=member).values_list("status", flat=True))
    counts[ProgressStatus.NOT_STARTED] += total - sum(counts.values())
    return ProgressSummary(counts=dict(counts), total=total)


@dataclass(frozen=True)
class ChapterSummary:
    """A chapter's counts only: what a prefecture's coordinator sees of a municipality (an aggregate)."""

    chapter: Chapter
    summary: ProgressSummary


def chapter_summaries(member: Member) -> list[ChapterSummary]:
    status_of = dict(StepProgress.objects.filter(member=member).values_list("step_id", "status"))
    by_chapter: dict[int, tuple[Chapter, Counter[str]]] = {}
    for step in steps_in_order():
        _chapter, counts = by_chapter.setdefault(step.chapter_id, (step.chapter, Counter()))
        counts[status_of.get(step.pk, ProgressStatus.NOT_STARTED)] += 1
    return [
        ChapterSummary(chapter=chapter, summary=ProgressSummary(counts=dict(counts), total=sum(counts.values())))
        for chapter, counts in by_chapter.values()
    ]


# Short marks for the board's cells: a character as well as a colour, so status never rests on colour alone.
STATUS_MARKS: dict[str, Any] = {
    ProgressStatus.NOT_STARTED: _("未"),
    ProgressStatus.IN_PROGRESS: _("中"),
    ProgressStatus.DONE: _("済"),
    ProgressStatus.NOT_APPLICABLE: _("－"),
}


@dataclass(frozen=True)
class BoardCell:
    status: str

    @property
    def mark(self) -> str:
        return str(STATUS_MARKS[self.status])

    @property
    def label(self) -> str:
        return str(ProgressStatus(self.status).label)


@dataclass(frozen=True)
class BoardRow:
    member: Member
    statuses: list[str]  # one per step, in step order

    @property
    def done(self) -> int:
        return sum(1 for s in self.statuses if s == ProgressStatus.DONE)

    @property
    def applicable(self) -> int:
        return sum(1 for s in self.statuses if s != ProgressStatus.NOT_APPLICABLE)

    @property
    def cells(self) -> list[BoardCell]:
        return [BoardCell(s) for s in self.statuses]


def status_legend() -> list[tuple[str, str, str]]:
    """(status, mark, label) for every status, in the order the guidebook uses them."""
    return [(s.value, str(STATUS_MARKS[s.value]), str(s.label)) for s in ProgressStatus]


def progress_board(*, user: Any, region_block: str = "", kind: str = "") -> tuple[list[Step], list[BoardRow]]:
    """Every visible member × every step, as status codes; two queries whatever the size."""
    steps = list(steps_in_order())
    members = visible_members(user)
    if region_block:
        members = members.filter(region_block=region_block)
    if kind:
        members = members.filter(kind=kind)
    member_list = list(members.order_by("local_government_id"))
    status_of: dict[tuple[str, int], str] = {
        (m, s): status
        for m, s, status in StepProgress.objects.filter(member__in=[m.pk for m in member_list]).values_list(
            "member_id", "step_id", "status"
        )
    }
    rows = [
        BoardRow(member=m, statuses=[status_of.get((m.pk, s.pk), ProgressStatus.NOT_STARTED) for s in steps])
        for m in member_list
    ]
    return steps, rows


def board_chapters(steps: list[Step]) -> list[tuple[Chapter, int]]:
    """The board header's first row: each chapter with the number of step columns it spans."""
    spans: list[tuple[Chapter, int]] = []
    for step in steps:
        if spans and spans[-1][0].pk == step.chapter_id:
            spans[-1] = (spans[-1][0], spans[-1][1] + 1)
        else:
            spans.append((step.chapter, 1))
    return spans


def board_done_per_step(steps: list[Step], rows: list[BoardRow]) -> list[int]:
    """How many of the rows' members have finished each step."""
    return [sum(1 for row in rows if row.statuses[i] == ProgressStatus.DONE) for i in range(len(steps))]


def board_table(steps: list[Step], rows: list[BoardRow]) -> tuple[list[str], list[list[Any]]]:
    """The board as a table for core.exports: one row per member, one column per step (Japanese labels)."""
    header = [
        str(_("団体コード")),
        str(_("団体名")),
        str(_("種別")),
        str(_("ブロック")),
        *[f"{s.code} {s.title}" for s in steps],
        str(_("完了数")),
    ]
    labels = {s.value: str(s.label) for s in ProgressStatus}
    table = [
        [
            row.member.pk,
            str(row.member),
            row.member.get_kind_display(),
            row.member.region_block,
            *[labels[status] for status in row.statuses],
            row.done,
        ]
        for row in rows
    ]
    return header, table


@dataclass(frozen=True)
class ChecklistTask:
    task: Task
    done: bool


@dataclass(frozen=True)
class ExampleShown:
    member_name: str
    member_code: str
    text: str
    source: str


@dataclass(frozen=True)
class StepGuide:
    """The step page's guidance for one member: the checklist with this member's ticks, cautions with their
    sources, the tools (a URL, or None while the tool is not available yet) and the leading members' examples."""

    checklist: list[ChecklistTask]
    cautions: list[tuple[str, str]]  # (text, source title)
    tools: list[ToolLink]
    examples: list[ExampleShown]

    @property
    def done_count(self) -> int:
        return sum(1 for t in self.checklist if t.done)


def step_guide(step: Step, member: Member, progress: StepProgress | None) -> StepGuide | None:
    guidance = guidance_for(step.code)
    if guidance is None:
        return None
    done = set(progress.checklist) if progress else set()
    names = {
        m.pk: str(m)
        for m in Member.objects.filter(pk__in=[e.member_code for e in guidance.examples]).select_related(
            "local_government"
        )
    }
    return StepGuide(
        checklist=[ChecklistTask(t, t.code in done) for t in guidance.tasks],
        cautions=[(c.text, source_title(c.source)) for c in guidance.cautions],
        tools=tool_links(guidance, member.pk),
        examples=[
            ExampleShown(names.get(e.member_code, e.member_code), e.member_code, e.text, source_title(e.source))
            for e in guidance.examples
        ],
    )


def checklist_in_words(codes: Any, snapshot: Mapping[str, Any]) -> str:
    """The audit page's wording of a StepProgress.checklist: the tasks' texts, not their codes."""
    step_id = snapshot.get("step_id")
    step_code = Step.objects.filter(pk=step_id).values_list("code", flat=True).first() if step_id else None
    guidance = guidance_for(step_code) if step_code else None
    texts = {t.code: t.text for t in guidance.tasks} if guidance else {}
    return "／".join(texts.get(str(code), str(code)) for code in codes)

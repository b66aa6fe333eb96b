"""What each step page says to do: a checklist of tasks (who, when), cautions, links to the tools that do the step
and what leading members did. Data, not template text: data/guidance.json beside guidebook.json, keyed by step code.

The file is checked as a whole (`guidance_problems`): every step of guidebook.json has guidance, every code of
who/when/source is known, and every tool link names a URL that reverses, unless its app is not installed yet (the
action plans, the job-ad check): such a link is shown as 準備中 and appears by itself once the app's URLs exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

GUIDANCE_FILE = Path(__file__).resolve().parent / "data" / "guidance.json"

WHO: dict[str, Any] = {
    "staff": gettext_lazy("担当者（担当部署）"),
    "mayor": gettext_lazy("首長"),
    "departments": gettext_lazy("庁内の関係部署"),
    "council": gettext_lazy("協議会・推進会議"),
    "companies": gettext_lazy("参加企業・団体"),
    "youth": gettext_lazy("若者・女性（当事者）"),
    "residents": gettext_lazy("住民"),
    "experts": gettext_lazy("有識者"),
    "support": gettext_lazy("国の支援チーム"),
}
WHEN: dict[str, Any] = {
    "first": gettext_lazy("取組を始めるとき"),
    "before_budget": gettext_lazy("予算要求の前"),
    "year1": gettext_lazy("1年目"),
    "after_survey": gettext_lazy("実態把握のあと"),
    "after_plan": gettext_lazy("計画を決めたあと"),
    "before_workshop": gettext_lazy("ワークショップの前"),
    "ongoing": gettext_lazy("取組の期間中"),
    "yearly": gettext_lazy("毎年度"),
}
# What a tool link's args may name, and the sample used to check that the URL reverses.
ARG_KINDS: dict[str, str] = {"member": "282090"}
STEP_KEYS = {"tasks", "cautions", "tools", "examples"}


@dataclass(frozen=True)
class Task:
    code: str
    text: str
    who: tuple[str, ...]
    when: str

    @property
    def who_labels(self) -> list[str]:
        return [str(WHO[w]) for w in self.who]

    @property
    def when_label(self) -> str:
        return str(WHEN[self.when])


@dataclass(frozen=True)
class Caution:
    text: str
    source: str


@dataclass(frozen=True)
class Tool:
    label: str
    url_name: str
    args: tuple[str, ...]
    fragment: str


@dataclass(frozen=True)
class Example:
    member_code: str
    text: str
    source: str


@dataclass(frozen=True)
class StepGuidance:
    tasks: tuple[Task, ...]
    cautions: tuple[Caution, ...]
    tools: tuple[Tool, ...]
    examples: tuple[Example, ...]

    @property
    def task_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.tasks)


@dataclass(frozen=True)
class ToolLink:
    label: str
    url: str | None  # None: the tool is not available yet (準備中)


def guidance_data() -> dict[str, Any]:
    with GUIDANCE_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _url_problem(name: str, args: list[str]) -> str | None:
    """Why a tool's URL name is wrong, or None. A namespace that no installed app registers is a tool to come."""
    namespace = name.partition(":")[0] if ":" in name else ""
    if namespace and namespace not in get_resolver().namespace_dict:
        return None
    try:
        reverse(name, args=[ARG_KINDS[a] for a in args])
    except NoReverseMatch:
        return f"URL name {name!r} with args {args} does not reverse"
    return None


def guidance_problems(data: Mapping[str, Any], step_codes: Iterable[str]) -> list[str]:
    """Everything wrong with a guidance document, in words (empty: it is sound)."""
    problems: list[str] = []
    sources = data.get("sources", {})
    steps: Mapping[str, Any] = data.get("steps", {})
    wanted = list(step_codes)
    problems += [f"step {code}: no guidance" for code in wanted if code not in steps]
    problems += [f"step {code}: not a step of guidebook.json" for code in steps if code not in wanted]
    for code, entry in steps.items():
        where = f"step {code}"
        if set(entry) != STEP_KEYS:
            problems.append(f"{where}: keys must be {sorted(STEP_KEYS)}, found {sorted(entry)}")
            continue
        if not entry["tasks"]:
            problems.append(f"{where}: no tasks")
        task_codes = [t.get("code") for t in entry["tasks"]]
        if len(set(task_codes)) != len(task_codes):
            problems.append(f"{where}: task codes repeat: {task_codes}")
        for task in entry["tasks"]:
            if not str(task.get("text", "")).strip() or not task.get("code"):
                problems.append(f"{where}: a task without code or text")
            if not task.get("who"):
                problems.append(f"{where} task {task.get('code')}: nobody named in who")
            problems += [
                f"{where} task {task.get('code')}: unknown who {w!r}" for w in task.get("who", []) if w not in WHO
            ]
            if task.get("when") not in WHEN:
                problems.append(f"{where} task {task.get('code')}: unknown when {task.get('when')!r}")
        for item in entry["cautions"] + entry["examples"]:
            if item.get("source") not in sources:
                problems.append(f"{where}: unknown source {item.get('source')!r}")
            if not str(item.get("text", "")).strip():
                problems.append(f"{where}: a caution or example without text")
        for tool in entry["tools"]:
            args = list(tool.get("args", []))
            problems += [f"{where}: unknown tool arg {a!r}" for a in args if a not in ARG_KINDS]
            if not str(tool.get("label", "")).strip():
                problems.append(f"{where}: a tool without label")
            if all(a in ARG_KINDS for a in args):
                problem = _url_problem(str(tool.get("url", "")), args)
                if problem:
                    problems.append(f"{where}: {problem}")
    return problems


@cache
def _parsed() -> dict[str, StepGuidance]:
    steps = guidance_data()["steps"]
    return {
        code: StepGuidance(
            tasks=tuple(Task(t["code"], t["text"], tuple(t["who"]), t["when"]) for t in entry["tasks"]),
            cautions=tuple(Caution(c["text"], c["source"]) for c in entry["cautions"]),
            tools=tuple(
                Tool(t["label"], t["url"], tuple(t.get("args", [])), t.get("fragment", "")) for t in entry["tools"]
            ),
            examples=tuple(Example(e["member"], e["text"], e["source"]) for e in entry["examples"]),
        )
        for code, entry in steps.items()
    }


def guidance_for(step_code: str) -> StepGuidance | None:
    return _parsed().get(step_code)


def source_title(code: str) -> str:
    """A source's title in the active language (the Japanese one when no English title is given)."""
    source = guidance_data()["sources"][code]
    if translation.get_language() == "en" and source.get("title_en"):
        return str(source["title_en"])
    return str(source["title"])


def tool_links(guidance: StepGuidance, member_code: str) -> list[ToolLink]:
    """The step's tools for one member: a URL, or None when the tool's URL does not resolve (not available yet)."""
    values = {"member": member_code}
    links = []
    for tool in guidance.tools:
        try:
            url: str | None = reverse(tool.url_name, args=[values[a] for a in tool.args])
        except NoReverseMatch:
            url = None
        if url is not None and tool.fragment:
            url = f"{url}#{tool.fragment}"
        links.append(ToolLink(tool.label, url))
    return links

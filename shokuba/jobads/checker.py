"""The job-ad check as the checker every public job posting passes before it is published (core.checkers,
JOB_AD_CHECKER; the public app runs it). Registered from JobadsConfig.ready().

Only violations block: wording that names one sex or an age limit without a stated exception (男女雇用機会均等法
第5条, 労働施策総合推進法 第9条). Risks, missing information and positive signals are advice, shown on the job-ad
check's own pages; a posting is not held back for them."""

from __future__ import annotations

from collections.abc import Mapping

from shokuba.analysis import jobad
from shokuba.core.checkers import Finding

FIELDS = ("title", "description")


def posting_findings(texts: Mapping[str, str]) -> list[Finding]:
    """The violations in a posting's title and description, each with its law and a suggested rewrite."""
    found = []
    for field in FIELDS:
        text = texts.get(field, "")
        if not text.strip():
            continue
        for finding in jobad.check(text).findings:
            if finding.severity != jobad.VIOLATION:
                continue
            law = jobad.law_of(finding.law)["title"]
            message = f"{finding.explanation}（{law}）"
            if finding.rewrite:
                message += f" 書き換えの例：{finding.rewrite}"
            found.append(Finding(field, f"{finding.category}:{finding.rule}", message, finding.excerpt))
    return found

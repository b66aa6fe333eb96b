"""The job-ad check (issue 16 §5: at least 50 ads/s). Registered by `import bench.jobads` in bench/__main__.py.

- jobads_check: the 66 ads of the test corpus (shokuba/jobads/tests/data/corpus.json) repeated to 990 ads, each
  checked by `analysis.jobad.check` (SudachiPy mode C tokenising, normalised matching, age exceptions, missing
  information and positive signals), in ads per second; against a naive regex-only scan of the same ads in the
  same run (NFKC, then one alternation of every word of the rules' lists and the age pattern: no tokenising, no
  exceptions, no variants). The first check of the process (loading the dictionary and the rules) is left out
  of both by a warm-up.
- jobads_save: 200 ads saved through `jobads.services.jobad_check_save` on the bench database (the organisation's
  indicators read, the check, the row and its audit entry), in ads per second, against the check alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from bench import _shared

runner = _shared.runner()
CORPUS = Path(__file__).resolve().parent.parent / "shokuba" / "jobads" / "tests" / "data" / "corpus.json"
TARGET_ADS_PER_SECOND = 50


def _ads(count: int) -> list[str]:
    texts = [ad["text"] for ad in json.loads(CORPUS.read_text(encoding="utf-8"))["ads"]]
    return (texts * max(1, count // len(texts)))[:count]


def _naive_scanner() -> re.Pattern[str]:
    from shokuba.analysis import jobad

    data = jobad.rules().data
    words = [w for spec in data["titles"] for w in spec["words"]]
    pref = next(p for p in data["sex_phrases"] if p["id"] == "one_sex_preference")
    subjects = [w for group in pref["subjects"].values() for w in group]
    words += [s + p for s in subjects for p in pref["predicates"]]
    words += [w for item in data["info"] for w in item["patterns"] if "\\" not in w]
    alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(f"{alternation}|" + jobad.AGE_LIMIT.pattern)


@runner.benchmark("jobads_check")
def bench_jobads_check() -> None:
    from shokuba.analysis import jobad

    ads = _ads(1000)
    jobad.check(ads[0])  # warm-up: the dictionary and the rules
    scanner = _naive_scanner()

    def ours() -> None:
        for text in ads:
            jobad.check(text)

    def naive() -> None:
        for text in ads:
            scanner.findall(unicodedata.normalize("NFKC", text))

    seconds = runner.timed(ours, repeat=3)
    reference = runner.timed(naive, repeat=3)
    rate, reference_rate = len(ads) / seconds, len(ads) / reference
    runner.report(
        "jobads_check", rate, "ads/s", reference_rate, f"naive regex-only scan, {len(ads)} ads (target ≥ 50 ads/s)"
    )
    if rate < TARGET_ADS_PER_SECOND:
        print(f"bench: jobads_check BELOW TARGET: {rate:.1f} < {TARGET_ADS_PER_SECOND} ads/s", flush=True)


@runner.benchmark("jobads_save")
def bench_jobads_save() -> None:
    from django.db import transaction

    from shokuba.analysis import jobad
    from shokuba.jobads.services import jobad_check_save
    from shokuba.network.models import Organisation, User

    actor = User.objects.get(username="toyooka")
    organisation = Organisation.objects.filter(member_id=actor.member_id).order_by("pk").first()
    assert organisation is not None
    ads = _ads(200)

    class Rollback(Exception):
        pass

    def ours() -> None:
        try:
            with transaction.atomic():
                for n, text in enumerate(ads):
                    jobad_check_save(actor=actor, organisation=organisation, title=f"ベンチ{n}", text=text)
                raise Rollback
        except Rollback:
            pass

    def check_only() -> None:
        for text in ads:
            jobad.check(text)

    seconds = runner.timed(ours, repeat=3)
    reference = runner.timed(check_only, repeat=3)
    runner.report("jobads_save", len(ads) / seconds, "ads/s", len(ads) / reference, f"the check alone, {len(ads)} ads")

"""Demo workplace indicators: fiscal years 2023–2025 for every demo organisation, counts by the law's definitions,
with about half of the organisations improving year on year (more women managers, men taking childcare leave,
less overtime, more leave taken). Called from demo/generator.py; deterministic for a seed."""

from __future__ import annotations

import random

from shokuba.network.models import Organisation
from shokuba.workplace import definitions
from shokuba.workplace.models import IndicatorYear, Source
from shokuba.workplace.services import apply_values

DEMO_YEARS = (2023, 2024, 2025)
HEADCOUNT = {"1-29": (8, 29), "30-100": (30, 100), "101-300": (101, 300), "301-999": (301, 999), "1000+": (1000, 2500)}
ARRANGEMENT_CODES = [a.code for a in definitions.ARRANGEMENTS]


def _share(rng: random.Random, total: int, share: float) -> int:
    return max(0, min(total, round(total * max(0.0, min(1.0, share + rng.uniform(-0.03, 0.03))))))


def demo_raw(rng: random.Random, organisation: Organisation, step: int, improving: bool) -> dict[str, float]:
    """One year's counts. `step` 0, 1, 2 for the three years; improving organisations move each year."""
    low, high = HEADCOUNT.get(organisation.size_band, (30, 100))
    rng_org = random.Random(organisation.pk * 7919)  # the organisation's stable traits
    workers = rng_org.randrange(low, high + 1) + step * rng.randrange(0, 3)
    women_share = rng_org.uniform(0.2, 0.65)
    gain = step if improving else 0
    workers_women = _share(rng, workers, women_share)
    managers = max(1, workers // rng_org.randrange(8, 14))
    chiefs = max(1, workers // rng_org.randrange(6, 10))
    officers = max(1, min(12, workers // 40 + 2))
    hires = max(1, workers // rng_org.randrange(8, 15))
    hires_women = _share(rng, hires, women_share + 0.03 * gain)
    births_men = max(0, round(workers * (1 - women_share) * 0.03 + rng.uniform(-1, 1)))
    births_women = max(0, round(workers_women * 0.03 + rng.uniform(-0.5, 0.5)))
    male_leave_share = rng_org.uniform(0.05, 0.35) + 0.15 * gain
    covered = workers
    overtime_per_month = max(2.0, rng_org.uniform(12, 32) - (3.5 * gain))
    granted = workers * 15
    pay_men = rng_org.randrange(3_800_000, 5_600_000)
    pay_ratio = min(0.98, rng_org.uniform(0.62, 0.8) + 0.02 * gain)
    tenure_men = rng_org.uniform(9, 16)
    raw: dict[str, float] = {
        "hires_women": hires_women,
        "hires_men": hires - hires_women,
        "applicants_women": hires_women * rng.randrange(2, 9),
        "applicants_men": (hires - hires_women) * rng.randrange(2, 9),
        "workers_women": workers_women,
        "workers_men": workers - workers_women,
        "chiefs": chiefs,
        "chiefs_women": _share(rng, chiefs, women_share * 0.7 + 0.03 * gain),
        "managers": managers,
        "managers_women": _share(rng, managers, women_share * 0.35 + 0.04 * gain),
        "officers": officers,
        "officers_women": _share(rng, officers, 0.08 + 0.04 * gain),
        "pay_women_all": round(pay_men * pay_ratio, -3),
        "pay_men_all": pay_men,
        "pay_women_regular": round(pay_men * 1.08 * min(0.99, pay_ratio + 0.08), -3),
        "pay_men_regular": round(pay_men * 1.08, -3),
        "pay_women_non_regular": round(pay_men * 0.45 * 0.93, -3),
        "pay_men_non_regular": round(pay_men * 0.45, -3),
        "tenure_women": round(tenure_men * rng_org.uniform(0.55, 0.95) + 0.3 * gain, 1),
        "tenure_men": round(tenure_men, 1),
        "women_gave_birth": births_women,
        "women_childcare_leave": births_women,
        "men_spouse_gave_birth": births_men,
        "men_childcare_leave": _share(rng, births_men, male_leave_share),
        "men_childcare_purpose_leave": 0,
        "overtime_hours_annual": round(overtime_per_month * 12 * covered * 0.92),
        "holiday_hours_annual": round(overtime_per_month * 12 * covered * 0.08),
        "overtime_covered_workers": covered,
        "max_monthly_overtime_fulltime": round(overtime_per_month * rng.uniform(1.2, 1.6), 1),
        "paid_leave_days_granted": granted,
        "paid_leave_days_taken": round(granted * min(0.95, rng_org.uniform(0.45, 0.7) + 0.06 * gain)),
    }
    purpose = min(raw["men_spouse_gave_birth"] - raw["men_childcare_leave"], rng.randrange(0, 3))
    raw["men_childcare_purpose_leave"] = max(0, purpose)
    if workers < 30 and rng_org.random() < 0.5:  # small companies often do not know every figure
        for code in ("applicants_women", "applicants_men", "chiefs", "chiefs_women", "pay_women_non_regular"):
            raw.pop(code, None)
        raw.pop("pay_men_non_regular", None)
    return raw


def demo_workplace(seed: int = 20260601) -> int:
    """Create the demo years (no audit entries: the demo is the system's). Returns the number of rows."""
    rng = random.Random(seed)
    rows: list[IndicatorYear] = []
    for organisation in Organisation.objects.order_by("pk"):
        improving = random.Random(organisation.pk).random() < 0.55
        flags = {
            code: random.Random(organisation.pk * 31 + i).random() < 0.4 for i, code in enumerate(ARRANGEMENT_CODES)
        }
        formula = "leave_and_purpose" if organisation.pk % 4 == 0 else "leave"
        for step, year in enumerate(DEMO_YEARS):
            raw = demo_raw(rng, organisation, step, improving)
            if improving and step > 0:  # one more arrangement each year
                off = [c for c, on in flags.items() if not on]
                if off:
                    flags[off[0]] = True
            instance = IndicatorYear(organisation=organisation, fiscal_year=year, source=Source.DEMO)
            warnings = [p for p in definitions.check(raw, formula=formula) if p.severity == "warning"]
            apply_values(instance, raw=raw, formula=formula, arrangements=flags, warnings=warnings)
            instance.period_note = f"{year}年4月1日～{year + 1}年3月31日"
            rows.append(instance)
    IndicatorYear.objects.bulk_create(rows, batch_size=500)
    return len(rows)

"""Deterministic demo data: the same seed gives the same programme, organisations, progress and accounts.

Everything here is fictional (names, 法人番号 with valid check digits, people). Later capabilities add their
own `demo_*` steps to `generate`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from shokuba.core.codes import corporate_number_check_digit
from shokuba.events.demo import demo_events
from shokuba.forum.demo import demo_threads
from shokuba.guidebook.guidance import guidance_for
from shokuba.guidebook.models import ProgressStatus, Step, StepProgress
from shokuba.jobads.demo import demo_jobads
from shokuba.learning.demo import demo_cases
from shokuba.materials.demo import demo_materials
from shokuba.network.models import Contact, Member, Organisation, Role, SizeBand, User
from shokuba.plans.demo import demo_plan
from shokuba.public.demo import demo_public
from shokuba.regional.demo import demo_regional_statistics
from shokuba.support.demo import demo_consultations
from shokuba.surveys.demo import demo_surveys
from shokuba.workplace.demo import demo_workplace
from shokuba.workplace.programme import demo_recognition_scheme

DEMO_SEED = 20260119
DEMO_PASSWORD = "shokuba-demo-2026"
TOYOOKA = "282090"
MIYAGI = "040002"
KESENNUMA = "042056"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    member: str | None = None
    organisation_name: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("secretariat", Role.SECRETARIAT, "内閣官房 事務局 デモ"),
    DemoAccount("support", Role.SUPPORT, "府省横断支援チーム デモ"),
    DemoAccount("toyooka", Role.COORDINATOR, "豊岡市 担当者 デモ", member=TOYOOKA),
    DemoAccount("miyagi", Role.COORDINATOR, "宮城県 担当者 デモ", member=MIYAGI),
    DemoAccount("kesennuma", Role.COORDINATOR, "気仙沼市 担当者 デモ", member=KESENNUMA),
    DemoAccount("org-admin", Role.ORGANISATION_ADMIN, "但馬精工 人事担当 デモ", organisation_name="株式会社但馬精工"),
)

# (name, industry, size band, has 法人番号)
_TOYOOKA_ORGANISATIONS = [
    ("株式会社但馬精工", "E", SizeBand.FROM_101, True),
    ("豊岡かばん工房株式会社", "E", SizeBand.FROM_30, True),
    ("城崎温泉旅館協同組合", "M", SizeBand.FROM_30, True),
    ("株式会社円山川建設", "D", SizeBand.FROM_30, True),
    ("社会福祉法人こうのとり福祉会", "P", SizeBand.FROM_301, True),
    ("但馬信用金庫（デモ）", "J", SizeBand.FROM_301, True),
    ("株式会社出石そば本舗", "M", SizeBand.UP_TO_29, True),
    ("有限会社竹野水産", "B", SizeBand.UP_TO_29, True),
    ("株式会社北但運輸", "H", SizeBand.FROM_101, True),
    ("医療法人社団たじま会", "P", SizeBand.FROM_101, True),
    ("株式会社コウノトリ情報システム", "G", SizeBand.FROM_30, True),
    ("日高農業協同組合（デモ）", "A", SizeBand.FROM_101, True),
    ("株式会社豊岡スーパーマート", "I", SizeBand.FROM_301, True),
    ("合同会社きのさきデザイン", "L", SizeBand.UP_TO_29, True),
    ("株式会社但東電機", "E", SizeBand.FROM_101, True),
    ("学校法人豊岡学園（デモ）", "O", SizeBand.FROM_30, True),
    ("株式会社神鍋リゾート", "N", SizeBand.FROM_30, True),
    ("豊岡ガス株式会社（デモ）", "F", SizeBand.FROM_30, True),
    ("株式会社玄武不動産", "K", SizeBand.UP_TO_29, True),
    ("豊岡市商工会（デモ）", "R", SizeBand.UP_TO_29, True),
    ("たじま子育て応援ネットワーク", "R", SizeBand.UP_TO_29, False),
    ("株式会社城崎クラフトビール", "E", SizeBand.UP_TO_29, True),
    ("株式会社但馬ケアサービス", "P", SizeBand.FROM_30, True),
    ("株式会社豊岡印刷", "E", SizeBand.UP_TO_29, True),
]
_MIYAGI_ORGANISATIONS = [
    ("株式会社みやぎ食品工業", "E", SizeBand.FROM_101, True),
    ("株式会社仙台湾物流", "H", SizeBand.FROM_301, True),
    ("株式会社杜の都ソフトウェア", "G", SizeBand.FROM_30, True),
    ("社会福祉法人みやぎ福祉会（デモ）", "P", SizeBand.FROM_101, True),
    ("株式会社松島観光ホテル", "M", SizeBand.FROM_30, True),
    ("宮城県建設業協会（デモ）", "D", SizeBand.UP_TO_29, True),
    ("株式会社蔵王精密", "E", SizeBand.FROM_1000, True),
    ("みやぎ若者しごとネット", "R", SizeBand.UP_TO_29, False),
]
_KESENNUMA_ORGANISATIONS = [
    ("株式会社気仙沼水産加工", "E", SizeBand.FROM_30, True),
    ("気仙沼港運株式会社（デモ）", "H", SizeBand.FROM_30, True),
    ("株式会社唐桑造船", "E", SizeBand.FROM_101, True),
    ("株式会社リアス観光", "M", SizeBand.UP_TO_29, True),
    ("医療法人気仙沼ケア（デモ）", "P", SizeBand.FROM_30, True),
    ("有限会社大島かき養殖", "B", SizeBand.UP_TO_29, True),
    ("気仙沼まちづくり協議会", "R", SizeBand.UP_TO_29, False),
    ("株式会社三陸ITサービス", "G", SizeBand.UP_TO_29, True),
]
_PROGRAMMES = {
    TOYOOKA: ("豊岡市ワークイノベーション推進会議", _TOYOOKA_ORGANISATIONS, "282090"),
    MIYAGI: ("みやぎ働き方・職場改革プロジェクト", _MIYAGI_ORGANISATIONS, "041009"),
    KESENNUMA: ("気仙沼市ジェンダーギャップ解消プロジェクト", _KESENNUMA_ORGANISATIONS, "042056"),
}
_FAMILY_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
_DEPARTMENTS = ["企画課", "商工観光課", "男女共同参画課"]
_GIVEN_NAMES = ["美咲", "結衣", "陽菜", "大輝", "翔太", "彩", "健一", "由美", "拓也", "真由", "直樹", "恵"]


def _corporate_number(rng: random.Random) -> str:
    body = "".join(str(rng.randrange(10)) for _ in range(12))
    return f"{corporate_number_check_digit(body)}{body}"


def demo_exists() -> bool:
    return User.objects.filter(username="secretariat").exists()


def demo_organisations(rng: random.Random) -> None:
    for member_code, (programme_name, organisations, default_location) in _PROGRAMMES.items():
        member = Member.objects.get(pk=member_code)
        member.programme_name = programme_name
        member.save(update_fields=["programme_name"])
        for index, (name, industry, size_band, has_number) in enumerate(organisations):
            organisation = Organisation.objects.create(
                member=member,
                name=name,
                corporate_number=_corporate_number(rng) if has_number else None,
                industry=industry,
                size_band=size_band,
                location_id=default_location,
                joined_on=dt.date(2026, 2, 1) + dt.timedelta(days=7 * index),
                notes="",
            )
            family, given = rng.choice(_FAMILY_NAMES), rng.choice(_GIVEN_NAMES)
            Contact.objects.create(
                organisation=organisation,
                name=f"{family} {given}",
                department=rng.choice(["総務部 人事課", "管理部", "経営企画室", "事務局"]),
                email=f"contact{index + 1}@{member_code}.example.jp",
                phone=f"0{rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}",
            )


def demo_progress(rng: random.Random) -> None:
    """Toyooka far ahead, the two Miyagi programmes midway, the rest of the network at various early points."""
    steps = list(Step.objects.order_by("chapter__position", "position"))
    rows: list[StepProgress] = []
    for member in Member.objects.order_by("pk"):
        if member.pk == TOYOOKA:
            reached = len(steps) - 3
        elif member.pk in (MIYAGI, KESENNUMA):
            reached = 10
        elif member.leading_example:
            reached = 14
        else:
            reached = rng.randrange(0, 9)
        for index, step in enumerate(steps):
            if index < reached - 2:
                status = ProgressStatus.DONE
            elif index < reached:
                status = ProgressStatus.IN_PROGRESS
            elif step.code == "1-c" and member.kind == "municipality" and rng.random() < 0.3:
                status = ProgressStatus.NOT_APPLICABLE
            else:
                continue
            started = dt.date(2026, 1, 19) + dt.timedelta(days=14 * index + rng.randrange(0, 10))
            # The checklist: every task of a finished step ticked, the first of one under way.
            guidance = guidance_for(step.code)
            tasks = list(guidance.task_codes) if guidance else []
            ticked = (
                tasks if status == ProgressStatus.DONE else tasks[:1] if status == ProgressStatus.IN_PROGRESS else []
            )
            rows.append(
                StepProgress(
                    member=member,
                    step=step,
                    status=status,
                    started_on=started if status != ProgressStatus.NOT_APPLICABLE else None,
                    completed_on=started + dt.timedelta(days=rng.randrange(14, 60))
                    if status == ProgressStatus.DONE
                    else None,
                    responsible=f"{rng.choice(_FAMILY_NAMES)}（{rng.choice(_DEPARTMENTS)}）",
                    notes="",
                    checklist=ticked,
                )
            )
    StepProgress.objects.bulk_create(rows, batch_size=500)


def demo_accounts() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        organisation = (
            Organisation.objects.get(name=account.organisation_name, member_id=TOYOOKA)
            if account.organisation_name
            else None
        )
        user = User(
            username=account.username,
            role=account.role,
            display_name=account.display_name,
            member_id=account.member,
            organisation=organisation,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return list(DEMO_ACCOUNTS)


@transaction.atomic
def generate(seed: int = DEMO_SEED) -> bool:
    """Create the demo once. Returns False (and changes nothing) when it is already there."""
    if demo_exists():
        return False
    rng = random.Random(seed)
    demo_organisations(rng)
    demo_progress(rng)
    demo_accounts()
    demo_surveys(rng)
    demo_regional_statistics()
    demo_workplace()
    demo_recognition_scheme()
    demo_plan()
    demo_consultations()
    demo_jobads()
    demo_public()
    demo_cases()
    demo_threads()
    demo_materials()
    demo_events()
    return True

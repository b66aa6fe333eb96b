"""豊岡市's demo job-ad checks: a few fictional ads of the demo organisations, checked and saved (marked demo),
one of them rewritten once so the before/after comparison shows. Called from demo/generator.py."""

from __future__ import annotations

from shokuba.jobads import services
from shokuba.jobads.models import JobAdCheck, Source
from shokuba.network.models import Organisation, User

TOYOOKA = "282090"
ADS = [
    (
        "営業職（正社員）（デモ）",
        "【営業マン募集】\n35歳以下の方。地元の工務店・設計事務所へのルート営業です。\n月給22万円〜。\n"
        "体力に自信のある男性を歓迎します。",
    ),
    (
        "製造スタッフ（正社員）（デモ）",
        "製造スタッフ（男女問わず）\n35歳以下（長期キャリア形成のため、経験不問、期間の定めのない雇用）\n"
        "入社後3か月の研修あり。月給20万円〜26万円、勤務時間 8:00〜17:00、転勤なし。\n"
        "テレワーク不可の職種ですが、時差出勤ができます。男性の育休取得率 50%。",
    ),
    (
        "ホールスタッフ（パート）（デモ）",
        "ウェイトレス募集！主婦歓迎。\n城崎温泉の旅館のお食事処で配膳と接客をお願いします。\n"
        "時給1,050円、勤務時間 17:00〜21:00。",
    ),
]


def demo_jobads() -> list[JobAdCheck]:
    actor = User.objects.get(username="toyooka")
    organisations = list(Organisation.objects.filter(member_id=TOYOOKA).order_by("pk")[: len(ADS)])
    saved = []
    for organisation, (title, text) in zip(organisations, ADS, strict=False):
        saved.append(
            services.jobad_check_save(
                actor=actor, organisation=organisation, title=title, text=text, source=Source.DEMO
            )
        )
    if saved:
        first = saved[0]
        keys = [f["key"] for f in first.findings if f["severity"] in {"violation", "risk"}]
        saved.append(services.jobad_rewrite_apply(actor=actor, check=first, keys=keys))
    return saved

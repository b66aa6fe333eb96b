"""Demo training materials, a workshop kit, two experts and a workshop record of 豊岡市. Everything is invented for
the demo and marked so (`demo=True`, 「（デモ）」 in the title or name, a tag on its page); the PDF is a one-page
placeholder."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction

from shokuba.core.permissions import SYSTEM
from shokuba.materials import services
from shokuba.materials.models import Material
from shokuba.network.models import Member, User

TOYOOKA = "282090"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@transaction.atomic
def demo_materials() -> list[Material]:
    slides = services.material_create(
        actor=SYSTEM,
        data=services.MaterialInput(
            title="アンコンシャス・バイアスに気づくワークショップ 進行スライド（デモ）",
            description="※デモ用の架空の素材です。職場の「思い込み」に気づき、話し合うための90分の進行スライド。",
            kind="file",
            licence="cc-by-4.0",
            audiences=["companies", "employees"],
            steps=["4-5", "4-3"],
            language="ja",
        ),
        file=(io.BytesIO(DEMO_PDF), "bias-workshop-slides.pdf", len(DEMO_PDF)),
        note="初版",
        demo=True,
    )
    video = services.material_create(
        actor=SYSTEM,
        data=services.MaterialInput(
            title="男性の育休 体験談の動画（デモ）",
            description="※デモ用の架空の素材です。リンク先は例示用のアドレスです。",
            kind="video",
            url="https://example.jp/demo/ikukyu-video",
            licence="gov-standard",
            audiences=["companies", "employees", "coordinators"],
            steps=["4-3"],
            language="ja",
        ),
        demo=True,
    )
    kit = services.kit_create(
        actor=SYSTEM,
        data=services.KitInput(
            title="気づきのワークショップ・キット（デモ）",
            description="※デモ用の架空のキットです。",
            facilitator_guide="1. 開始の挨拶と目的（10分）\n2. スライドで事例を紹介（20分）\n"
            "3. グループで職場の「思い込み」を話し合う（40分）\n4. 発表と振り返り、アンケート（20分）",
            materials=[slides.pk, video.pk],
        ),
        demo=True,
    )
    services.expert_create(
        actor=SYSTEM,
        data=services.ExpertInput(
            name="山田 花子（デモ）",
            affiliation="架空大学 経営学部",
            specialties="アンコンシャス・バイアス、女性の活躍",
            regions="近畿、中国",
            bio="※デモ用の架空の人物です。",
            lectures="2025年 ○○市 管理職研修「職場の思い込み」\nhttps://example.jp/demo/lecture",
        ),
        demo=True,
    )
    services.expert_create(
        actor=SYSTEM,
        data=services.ExpertInput(
            name="佐藤 一郎（デモ）",
            affiliation="架空社会保険労務士事務所",
            specialties="両立支援、育児休業の制度",
            regions="全国（オンライン可）",
            bio="※デモ用の架空の人物です。",
        ),
        demo=True,
    )
    member = Member.objects.filter(pk=TOYOOKA).first()
    coordinator = User.objects.filter(username="toyooka").first()
    if member is not None:
        services.workshop_record(
            actor=coordinator or SYSTEM,
            member=member,
            data=services.WorkshopInput(
                held_on=dt.date(2026, 10, 15),
                title="参加事業所向け 気づきのワークショップ（デモ）",
                kit=kit.pk,
                participants_officials=3,
                participants_companies=14,
                participants_employees=22,
                cautions=[1, 3, 4],
                notes="※デモ用の架空の記録です。グループ討議の時間が足りなかった。次回は事例紹介を短くする。",
                feedback_useful=28,
                feedback_neutral=6,
                feedback_not_useful=2,
            ),
            demo=True,
        )
    return [slides, video]

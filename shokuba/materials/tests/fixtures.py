"""Materials, kits, experts and requests for the tests."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from shokuba.core.permissions import SYSTEM
from shokuba.materials import services
from shokuba.materials.models import Expert, IntroductionRequest, Material, WorkshopKit, WorkshopRecord
from shokuba.network.models import Member

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "slides.pdf", body: bytes = PDF) -> services.FileIn:
    return (io.BytesIO(body), name, len(body))


def material_input(**changes: Any) -> services.MaterialInput:
    data = services.MaterialInput(
        title="ワークショップ進行スライド",
        description="職場のアンコンシャス・バイアスに気づく研修の進行スライド",
        kind="file",
        licence="cc-by-4.0",
        audiences=["companies"],
        steps=["4-5"],
        language="ja",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def material(**changes: Any) -> Material:
    return services.material_create(actor=SYSTEM, data=material_input(**changes), file=pdf())


def kit(*materials: Material) -> WorkshopKit:
    return services.kit_create(
        actor=SYSTEM,
        data=services.KitInput(title="気づきのキット", facilitator_guide="進め方", materials=[m.pk for m in materials]),
    )


def expert() -> Expert:
    return services.expert_create(
        actor=SYSTEM,
        data=services.ExpertInput(name="山田 花子", affiliation="架空大学", specialties="アンコンシャス・バイアス"),
    )


def workshop_input(**changes: Any) -> services.WorkshopInput:
    data = services.WorkshopInput(
        held_on=dt.date(2026, 10, 1), title="気づきのワークショップ", participants_companies=12, cautions=[1, 2]
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def workshop(member: Member, actor: Any) -> WorkshopRecord:
    return services.workshop_record(actor=actor, member=member, data=workshop_input())


def introduction(member: Member, actor: Any, found: Expert) -> IntroductionRequest:
    return services.introduction_request(actor=actor, member=member, expert=found, purpose="管理職研修の講師")

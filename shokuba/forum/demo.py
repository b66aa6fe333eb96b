"""Demo threads for 豊岡市, 気仙沼市 and 南砺市, every one marked demo (`Thread.demo`, 「（デモ）」 in the title, a tag
on its page): a public question in chapter 4 answered by the support team and marked helpful by the asker, a
question in chapter 2-2 with an @mention, and a worry in 悩み相談 closed to other members. The situations are
invented for the demo."""

from __future__ import annotations

from django.db import transaction

from shokuba.core.permissions import SYSTEM
from shokuba.forum import services
from shokuba.forum.models import Thread
from shokuba.network.models import Member, User

TOYOOKA, KESENNUMA, NANTO = "282090", "042056", "162108"


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def demo_threads() -> list[Thread]:
    toyooka, kesennuma, support = _account("toyooka"), _account("kesennuma"), _account("support")
    made = []
    asker = toyooka or SYSTEM
    question = services.thread_start(
        actor=asker,
        member=Member.objects.get(pk=TOYOOKA),
        category="4",
        title="男性の育休の説明会、管理職に届く工夫は？（デモ）",
        body="（デモ）経営者向けの説明会には人が来るのですが、現場の管理職に話が届きません。"
        "管理職向けに工夫されたことがあれば教えてください。",
        demo=True,
    )
    answer = services.post_reply(
        actor=support or SYSTEM,
        thread=question,
        body="（デモ）代替要員と業務の引き継ぎの手順を先に示すと、管理職の不安が減ったという例があります。"
        "ガイドブック 4-3 の事例も参考にしてください。",
    )
    if toyooka is not None and support is not None:
        services.post_helpful_set(actor=toyooka, post=answer, helpful=True)
    made.append(question)
    mention = "@toyooka " if toyooka is not None else ""
    survey = services.thread_start(
        actor=kesennuma or SYSTEM,
        member=Member.objects.get(pk=KESENNUMA),
        category="2-2",
        title="事業所アンケートの回収率を上げるには（デモ）",
        body=f"（デモ）{mention}豊岡市では従業員調査の回答をどう集めましたか。"
        "気仙沼市の事業所アンケートは回収率が3割ほどでした。",
        demo=True,
    )
    made.append(survey)
    made.append(
        services.thread_start(
            actor=SYSTEM,
            member=Member.objects.get(pk=NANTO),
            category="worries",
            title="担当が1人で、協議会との調整が追いつかない（デモ）",
            body="（デモ）地域づくり協議会との調整を1人で担っていて、座談会の準備が追いつきません。"
            "他の自治体には知られたくないので、事務局とサポートチームに相談します。",
            private=True,
            demo=True,
        )
    )
    return made

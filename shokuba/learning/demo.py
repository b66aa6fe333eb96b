"""Demo cases for 豊岡市, 気仙沼市 and 南砺市: each built on the public facts in the project's domain notes (the
numbers quoted are those facts); what was tried, what failed and the lessons are invented for the demo and say so.
Every case is marked demo (`Case.demo`, 「（デモ）」 in the title, a tag on its page)."""

from __future__ import annotations

from django.db import transaction

from shokuba.core.permissions import SYSTEM
from shokuba.learning import services
from shokuba.learning.models import Case
from shokuba.network.models import Member, User

TOYOOKA, KESENNUMA, NANTO = "282090", "042056", "162108"
NOTE = "※デモ用の架空の事例です。数字は公表資料の事実、取組の経過は創作です。\n"

DEMO_CASES = [
    (
        TOYOOKA,
        "toyooka",
        services.CaseInput(
            title="「働きやすさ・働きがい」従業員調査の2/3基準と表彰の組み替え（デモ）",
            steps=["2-2-a", "4-3", "5-a"],
            themes=["verification", "hours", "childcare"],
            context_size="ワークイノベーション推進会議の参加事業所 122",
            context_industries=["E", "M", "P"],
            tried=NOTE
            + "約30項目の「働きやすさと働きがい」従業員調査を参加事業所で行い、全従業員・男性・女性それぞれの"
            "3分の2以上が肯定的に評価した事業所を表彰の候補にした。その後、専門家のヒアリングで労働時間、"
            "有給休暇と育休の取得、評価の分かりやすさを確かめた。",
            happened="男女別に3分の2を求めたことで、女性の評価が低い職場が見えるようになった。"
            "表彰は「登録 → 認定 → 表彰」の段階に組み替えている。",
            failures="最初の年は、回答者が少ない小さな事業所で男女別の割合が出せず、候補にできなかった。"
            "男性の育休の取得を聞くヒアリングは、対象者がいない年には話が進まなかった。",
            failure_causes="男女別の基準は、男女それぞれに一定の回答者がいることを前提にしていた。"
            "育休は取得率だけを聞き、取りやすくするための準備（業務の引き継ぎ）を聞いていなかった。",
            lessons="小さな事業所には段階的な「登録」から入ってもらう。育休は取得率と合わせて、引き継ぎの"
            "手順や代替要員の準備をヒアリングで確かめる。",
            people="市の担当 3人、推進会議の事務局",
            period="2021年度〜",
        ),
    ),
    (
        KESENNUMA,
        "kesennuma",
        services.CaseInput(
            title="事業所アンケートで見えた「女性の応募が少ない」への採用の取組（デモ）",
            steps=["2-2-a", "4-4", "4-2"],
            themes=["hiring", "women", "bias"],
            context_size="ジェンダーギャップ解消プロジェクト（2024年〜）の参加事業所 97",
            context_industries=["B", "E", "I"],
            tried=NOTE + "市内1,503事業所にアンケートを送り、32.8%から回答を得た。約半数が女性の活躍に向けて何もして"
            "いないと答え、課題の上位は「女性の応募が少ない」「性別で仕事を割り振っている」だった。"
            "これを受けて、水産加工の事業所と一緒に求人票の書き方を見直す勉強会を開いた。",
            happened="勉強会に参加した事業所の求人票から「男性向き」「女性向き」の言葉が減った。",
            failures="求人票を変えても、女性の応募は最初の半年ではほとんど増えなかった。"
            "仕事の割り振りを性別で決めている理由を聞く場は、経営者が忙しく開けなかった。",
            failure_causes="応募が少ない理由は求人票より、職場の設備（更衣室・休憩室）と、"
            "評価や昇進の基準が見えないことにあった。経営者の時間を取る工夫がなかった。",
            lessons="採用の前に、職場の設備と評価の基準を点検する。経営者には漁期を避けた短い時間で、"
            "同業の事業所の話を聞く形で集まってもらう。",
            people="市の担当 2人、商工会議所",
            cost="勉強会の講師謝金（市の単独費）",
            period="2024年度〜",
        ),
    ),
    (
        NANTO,
        "",
        services.CaseInput(
            title="地域づくり協議会と進めた、若者の声を聞く場づくり（デモ）",
            steps=["2-1-b", "4-6", "4-8"],
            themes=["youth", "organising", "outreach"],
            context_size="2021年度から取組、地域づくり協議会と連携",
            tried=NOTE + "2021年度から、地域づくり協議会と一緒に、地元で働く若者や子育て中の女性が話す小さな"
            "座談会を地区ごとに開いた。出た声を協議会から事業所に伝えた。",
            happened="座談会の声から、子どもの送り迎えの時間に合わせた勤務時間の相談が事業所に届いた。",
            failures="平日夜の座談会には若い女性がほとんど来なかった。事業所に伝えた声が、"
            "その後どうなったかを参加者に返せなかった。",
            failure_causes="子育て中の人には夜の時間が取れず、託児もなかった。"
            "声を受け取った後の流れ（誰が、いつ返すか）を決めていなかった。",
            lessons="託児付きの休日昼に開く。受け取った声の行き先と返す時期を最初に決め、参加者に約束する。",
            people="市の担当 1人、各地区の協議会",
            period="2021年度〜",
        ),
    ),
]


@transaction.atomic
def demo_cases() -> list[Case]:
    """The three approved demo cases, a comment and a 「参考になった」 on 豊岡市's."""
    made = []
    for code, username, data in DEMO_CASES:
        member = Member.objects.get(pk=code)
        actor = User.objects.filter(username=username).first() if username else None
        case = services.case_save(actor=actor or SYSTEM, member=member, data=data, demo=True)
        services.case_submit(actor=actor or SYSTEM, case=case)
        made.append(services.case_approve(actor=SYSTEM, case=case))
    kesennuma = User.objects.filter(username="kesennuma").first()
    if kesennuma is not None:
        services.case_comment_add(
            actor=kesennuma,
            case=made[0],
            body="（デモ）男女別の3分の2基準、小さな事業所ではどう扱いましたか。気仙沼でも同じ悩みがあります。",
        )
        services.case_helpful_set(actor=kesennuma, case=made[0], helpful=True)
    return made

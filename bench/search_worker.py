"""The search benchmark's child process (bench/search.py runs it with the scratch database's settings).

    python -m bench.search_worker setup CASES POSTS
        CASES cases (real `learning_case` rows: 90 % approved, the rest drafts and submitted ones of random members,
        with their guidebook steps) and POSTS forum-post-like documents of the test kind "bench_post", indexed into
        the one search index; print the counts as JSON
    python -m bench.search_worker time REPEAT
        run every query of QUERIES REPEAT times (after one warm-up) as 気仙沼市's coordinator through
        `shokuba.search.selectors.search` (20 hits with highlighted snippets and the total), and the reference (an
        `icontains` scan of title and body over the same visible documents, 20 newest and the total); print the
        times as JSON

The texts are drawn (seeded) from sentences made of the programme's vocabulary (育休, 採用, 評価, 管理職, 説明会 …), a
case 6–10 sentences (~300 characters), a post 2–4. Each sentence is tokenised once with the index's own
`index_terms` and a document's terms are the sum of its sentences' (a run of characters and a morpheme never cross
the 。 that ends a sentence, so this is what indexing the joined text gives), then the rows are written in bulk
(COPY on PostgreSQL, executemany on SQLite), the document frequencies counted from them, and the tables analysed
(and vacuumed on PostgreSQL, as autovacuum would after the bulk insert: without the visibility map every posting is
a heap fetch).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from typing import Any

from bench import _shared  # noqa: F401 - sets nothing, keeps the worker beside its siblings

SEED = 20261206
QUERIES = ("育休", "採用", "評価", "こども", "育休 管理職", "採用 説明会 女性", "評価制度 見直し")
KIND = "bench_post"

# Subjects: the programme's themes and the rest of what a municipality's staff write about (each query word stands
# in a few of them, as in a real library, where a word is in a minority of the documents).
SUBJECTS = [
    "男性の育休",
    "育休の取得",
    "女性の採用",
    "新卒採用",
    "人事評価",
    "評価制度",
    "管理職の意識",
    "アンコンシャス・バイアス",
    "テレワーク",
    "時間外労働",
    "有給休暇の取得",
    "子どもの送り迎え",
    "こどもの看護休暇",
    "介護との両立",
    "若者の定着",
    "U ターンの相談",
    "求人票の書き方",
    "職場見学",
    "更衣室の整備",
    "賃金の差異",
    "女性管理職の登用",
    "キャリア面談",
    "副業の受け入れ",
    "業務の引き継ぎ",
    "代替要員の確保",
    "研修の参加",
    "地域の祭り",
    "観光の案内",
    "農業の担い手",
    "漁港の整備",
    "商店街の空き店舗",
    "事業承継",
    "IT 導入の補助",
    "ホームページの更新",
    "広報誌の特集",
    "SNS の発信",
    "高校との連携",
    "大学のインターンシップ",
    "移住の相談会",
    "空き家の活用",
    "公共交通の見直し",
    "防災の訓練",
    "健康経営",
    "メンタルヘルス",
    "職場の安全",
    "外国人材の受け入れ",
    "障害者雇用",
    "シニアの再雇用",
    "保育所の送迎",
    "学童保育",
    "地域おこし協力隊",
    "ふるさと納税",
    "予算の要求",
    "庁内の会議",
    "議会への説明",
    "首長への報告",
    "補助金の申請",
    "委託先の選定",
    "アンケートの設計",
    "回答率の向上",
    "結果の公表",
    "会議の進め方",
    "ワークショップの運営",
    "講師の依頼",
    "会場の確保",
    "オンライン会議",
    "参加企業の募集",
    "経営者の勉強会",
    "若手社員の交流会",
    "女性社員の座談会",
]
ACTIONS = [
    "について説明会を開いた",
    "を経営者と話し合った",
    "のアンケートを取った",
    "の手順を見直した",
    "を商工会議所と進めた",
    "の事例を集めた",
    "を庁内で検討した",
    "のワークショップを行った",
    "を地域の協議会に伝えた",
    "の目標を決めた",
    "の相談窓口を作った",
    "の研修を行った",
    "の資料を作った",
    "の担当を決めた",
]
RESULTS = [
    "参加した事業所が増えた。",
    "思ったほど参加者が集まらなかった。",
    "管理職の反応はよかった。",
    "現場には届かなかった。",
    "次の年度も続けることになった。",
    "費用の確保が難しかった。",
    "女性の応募が増えた。",
    "基準が分かりやすくなった。",
    "育休を取る人が出てきた。",
    "採用につながった事業所があった。",
    "担当者の異動で止まってしまった。",
    "若い社員から意見が出た。",
    "新聞に取り上げられた。",
    "参加者の満足度は高かった。",
    "準備に時間がかかった。",
    "日程の調整が難しかった。",
    "他の部署の協力が得られた。",
    "予定より早く終わった。",
    "説明が難しすぎた。",
    "事業所ごとの差が大きかった。",
    "次は対象を絞ることにした。",
    "外部の専門家に助言をもらった。",
]
TITLES = [
    "{s}の取組",
    "{s}をめぐる試行錯誤",
    "{s}で失敗したこと",
    "{s}の進め方",
    "{s}について教えてください",
    "{s}の工夫",
    "{s}はどうしていますか",
]


def _sentence_pool() -> list[str]:
    pool = {f"{s}{a}が、{r}" for s in SUBJECTS for a in ACTIONS for r in RESULTS}
    return sorted(pool)


def setup(cases: int, posts: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from shokuba.analysis.japanese import WORD_PREFIX, index_terms
    from shokuba.guidebook.models import Step
    from shokuba.learning.models import Case
    from shokuba.learning.permissions import case_audience
    from shokuba.network.models import Member, Role, User
    from shokuba.search.models import SearchDocument
    from shokuba.search.services import search_terms_recount

    rng = random.Random(SEED)
    User.objects.create(username="bench-kesennuma", role=Role.COORDINATOR, member_id="042056")
    members = list(Member.objects.all())
    steps = list(Step.objects.all())
    pool = _sentence_pool()
    started = time.perf_counter()
    terms_of = {sentence: index_terms(sentence) for sentence in pool}
    titles = sorted({t.format(s=s) for t in TITLES for s in SUBJECTS})
    title_terms = {t: index_terms(t) for t in titles}
    print(
        f"[search] tokenised {len(pool)} sentences and {len(titles)} titles in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    now = timezone.now()
    states = ["approved"] * 9 + ["draft", "submitted"]
    with transaction.atomic():
        rows = []
        texts: list[tuple[str, list[str], Member]] = []
        for _i in range(cases):
            member = rng.choice(members)
            sentences = rng.sample(pool, rng.randint(6, 10))
            title = rng.choice(titles)
            rows.append(
                Case(
                    member=member,
                    title=title,
                    themes=rng.sample(["childcare", "hiring", "appraisal", "bias", "hours"], 2),
                    tried="".join(sentences[:3]),
                    happened="".join(sentences[3:5]),
                    failures="".join(sentences[5:]),
                    failure_causes="",
                    lessons="",
                    state=rng.choice(states),
                    demo=True,
                )
            )
            texts.append((title, sentences, member))
        made = Case.objects.bulk_create(rows, batch_size=2000)
        through = Case.steps.through
        through.objects.bulk_create(
            [through(case_id=c.pk, step_id=s.pk) for c in made for s in rng.sample(steps, 2)], batch_size=5000
        )
        documents = []
        counts: list[Counter[str]] = []
        for case, (title, sentences, member) in zip(made, texts, strict=True):
            documents.append(_document("case", case.pk, member, title, sentences, now, case_audience(case)))
            counts.append(_counts(title_terms[title], sentences, terms_of))
        for i in range(posts):
            member = rng.choice(members)
            sentences = rng.sample(pool, rng.randint(2, 4))
            title = rng.choice(titles)
            documents.append(_document(KIND, i + 1, member, title, sentences, now, "network"))
            counts.append(_counts(title_terms[title], sentences, terms_of))
        for document, terms in zip(documents, counts, strict=True):
            document.length = sum(terms.values())
            document.normalised = " ".join(t[len(WORD_PREFIX) :] for t in terms if t.startswith(WORD_PREFIX))
        saved = SearchDocument.objects.bulk_create(documents, batch_size=2000)
        postings = _write_postings(connection, [(d.pk, c) for d, c in zip(saved, counts, strict=True)])
        search_terms_recount()  # the document frequencies of the postings written directly
    with connection.cursor() as cursor:
        # What autovacuum does to an insert-only table (PostgreSQL 13+: after autovacuum_vacuum_insert_threshold
        # rows): the visibility map set, so the postings are read from the covering index alone (index-only scans),
        # as in production once the index has settled; statistics for the planner on both databases.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"cases": cases, "posts": posts, "documents": len(saved), "postings": postings}


def _document(kind: str, object_id: int, member: Any, title: str, sentences: list[str], now: Any, audience: str) -> Any:
    from shokuba.search.models import SearchDocument

    return SearchDocument(
        kind=kind,
        object_id=object_id,
        member=member,
        audience=audience,
        member_kind=member.kind,
        region=member.region_block,
        title=title,
        body="".join(sentences),
        updated_at=now,
    )


def _counts(title: Counter[str], sentences: list[str], terms_of: dict[str, Counter[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts.update(title)
    counts.update(title)  # the title weighs double, as in search.services.document_row
    for sentence in sentences:
        counts.update(terms_of[sentence])
    return counts


SQL_INSERT = "INSERT INTO search_searchposting (document_id, term, tf, weight) VALUES (%s, %s, %s, %s)"


def _write_postings(connection: Any, rows: list[tuple[int, Counter[str]]]) -> int:
    from shokuba.search.services import term_weight

    total = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy("COPY search_searchposting (document_id, term, tf, weight) FROM STDIN") as copy:
                for document_id, counts in rows:
                    length = sum(counts.values())
                    for term, tf in counts.items():
                        copy.write_row((document_id, term, tf, term_weight(tf, length)))
                        total += 1
        return total
    with connection.cursor() as cursor:
        batch: list[tuple[int, str, int, float]] = []
        for document_id, counts in rows:
            length = sum(counts.values())
            batch.extend((document_id, term, tf, term_weight(tf, length)) for term, tf in counts.items())
            if len(batch) > 50_000:
                cursor.executemany(SQL_INSERT, batch)
                total += len(batch)
                batch = []
        cursor.executemany(SQL_INSERT, batch)
        total += len(batch)
    return total


def time_queries(repeat: int) -> dict[str, Any]:
    from django.db.models import Q

    from shokuba.network.models import User
    from shokuba.search.registry import NETWORK, Narrowing, search_kind_register
    from shokuba.search.selectors import search, visible_documents

    search_kind_register(
        KIND,
        label="bench",
        narrowing=lambda user: Narrowing(everywhere=frozenset({NETWORK})),
        url=lambda pk: f"/bench/{pk}/",
    )
    user = User.objects.get(username="bench-kesennuma")

    def ours(query: str) -> tuple[int, int]:
        result = search(user, query)
        return result.total, len(result.hits)

    def naive(query: str) -> tuple[int, int]:
        documents = visible_documents(user)
        for word in query.split():
            documents = documents.filter(Q(title__icontains=word) | Q(body__icontains=word))
        total = documents.count()
        return total, len(list(documents.order_by("-updated_at", "pk")[:20]))

    timings: dict[str, list[float]] = {"ours": [], "naive": []}
    per_query: dict[str, Any] = {}
    for query in QUERIES:
        found = {}
        for name, fn in (("ours", ours), ("naive", naive)):
            found[name] = fn(query)  # warm-up
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                fn(query)
                runs.append(time.perf_counter() - start)
            timings[name].extend(runs)
            found[name + "_ms"] = round(statistics.median(runs) * 1000, 1)
        per_query[query] = found
    return {
        "per_query": per_query,
        "ours": _quantiles(timings["ours"]),
        "naive": _quantiles(timings["naive"]),
        "load_average": os.getloadavg()[0],
    }


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def main() -> None:
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "setup":
        out = setup(int(args[0]), int(args[1]))
    else:
        out = time_queries(int(args[0]))
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Forum content for the tests: a public question with an answer, and a worry closed to other members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shokuba.forum import services
from shokuba.forum.models import Post, Report, Thread


@dataclass
class Places:
    public: Thread
    question: Post
    answer: Post
    private: Thread
    private_question: Post
    report: Report


def places(asker: Any, answerer: Any) -> Places:
    """`asker` (a coordinator) asks in chapter 4 and in 悩み相談 (closed); `answerer` answers the public one and
    reports its question."""
    public = services.thread_start(
        actor=asker, category="4", title="男性の育休の説明会", body="管理職に届く説明の工夫を教えてください。"
    )
    answer = services.post_reply(actor=answerer, thread=public, body="引き継ぎの手順を先に示すと届きました。")
    private = services.thread_start(
        actor=asker,
        category="worries",
        title="庁内の協力が得られない",
        body="担当課の協力が得られず、取組が止まっています。",
        private=True,
    )
    question = public.posts.order_by("pk").first()
    assert question is not None
    report = services.post_report(actor=answerer, post=question, reason="個人が特定される書き方です。")
    return Places(public, question, answer, private, private.posts.get(), report)

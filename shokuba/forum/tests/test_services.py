"""The forum's services: who sees a worry closed to other members, the asker's 「役に立った」, edit history,
@mentions, replies to subscribers, reports to the secretariat, moderation (audited) and refused input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from shokuba.core.models import AuditEntry, Notification
from shokuba.forum import services
from shokuba.forum.models import Post, Thread
from shokuba.forum.permissions import visible_threads
from shokuba.forum.selectors import thread_posts
from shokuba.forum.tests.fixtures import places
from shokuba.network.models import User
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def _found(user: Any, words: str) -> set[int]:
    return {h.object_id for h in search(user, words, filters=SearchFilters(kinds=("forum",)), limit=50).hits}


def _notices(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_a_closed_worry_is_answered_by_support_and_marked_helpful(
    coordinator: User, other_coordinator: User, prefecture_coordinator: User, support: User, secretariat: User
) -> None:
    thread = services.thread_start(
        actor=coordinator, category="worries", title="首長の理解が得られない", body="庁内調整の悩みです。", private=True
    )
    for outsider in (other_coordinator, prefecture_coordinator):
        assert not visible_threads(outsider).filter(pk=thread.pk).exists()
        assert _found(outsider, "庁内調整") == set()
    assert _found(coordinator, "庁内調整") == {thread.pk}
    assert _found(support, "庁内調整") == {thread.pk} == _found(secretariat, "庁内調整")
    answer = services.post_reply(actor=support, thread=thread, body="まず首長向けの1枚資料を作りましょう。")
    assert [n.link for n in _notices(coordinator, "forum.replied")] == [f"/forum/threads/{thread.pk}/#post-{answer.pk}"]
    with pytest.raises(PermissionDenied):
        services.post_helpful_set(actor=support, post=answer, helpful=True)
    services.post_helpful_set(actor=coordinator, post=answer, helpful=True)
    assert Post.objects.get(pk=answer.pk).helpful
    client = Client()
    client.force_login(other_coordinator)
    assert client.get(f"/forum/threads/{thread.pk}/").status_code == 404
    assert "首長の理解" not in client.get("/forum/").content.decode()


def test_a_mention_tells_the_person_named_and_a_reply_tells_subscribers(
    coordinator: User, other_coordinator: User, prefecture_coordinator: User, org_admin: User
) -> None:
    thread = services.thread_start(
        actor=coordinator,
        category="4",
        title="説明会の案内",
        body=f"@{other_coordinator.username} さんの市ではどうしましたか。@{org_admin.username} @nobody",
    )
    assert len(_notices(other_coordinator, "forum.mentioned")) == 1
    assert _notices(org_admin, "forum.mentioned") == []  # no forum reader: not told, not revealed
    services.post_reply(actor=other_coordinator, thread=thread, body="商工会議所と一緒に開きました。")
    assert len(_notices(coordinator, "forum.replied")) == 1
    assert _notices(other_coordinator, "forum.replied") == []  # never of one's own post
    services.post_reply(actor=prefecture_coordinator, thread=thread, body="県でも案内します。")
    assert len(_notices(coordinator, "forum.replied")) == 2 and len(_notices(other_coordinator, "forum.replied")) == 1


def test_a_mention_in_a_closed_worry_does_not_reach_another_member(coordinator: User, other_coordinator: User) -> None:
    services.thread_start(
        actor=coordinator,
        category="worries",
        title="悩み",
        body=f"@{other_coordinator.username} 相談です",
        private=True,
    )
    assert _notices(other_coordinator, "forum.mentioned") == []


def test_an_edit_keeps_the_text_it_replaced(coordinator: User, other_coordinator: User) -> None:
    found = places(coordinator, other_coordinator)
    services.post_edit(actor=other_coordinator, post=found.answer, body="引き継ぎの手順書を先に配りました。")
    post = Post.objects.get(pk=found.answer.pk)
    assert post.edited_at is not None and post.body == "引き継ぎの手順書を先に配りました。"
    assert [v.body for v in post.versions.all()] == ["引き継ぎの手順を先に示すと届きました。"]
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=coordinator, post=post, body="他人の投稿")
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/forum/threads/{found.public.pk}/").content.decode()
    assert "編集済み" in page and "引き継ぎの手順を先に示すと届きました。" in page


def test_a_report_reaches_the_secretariat_and_moderation_is_audited(
    coordinator: User, other_coordinator: User, secretariat: User, support: User
) -> None:
    found = places(coordinator, other_coordinator)
    assert len(_notices(secretariat, "forum.reported")) == 1 and _notices(support, "forum.reported") == []
    with pytest.raises(PermissionDenied):
        services.post_moderate(actor=support, post=found.answer, action="hide", reason="理由")
    before = AuditEntry.objects.count()
    services.post_moderate(actor=secretariat, post=found.question, action="hide", reason="個人が特定されるため")
    assert AuditEntry.objects.count() == before + 1
    assert not found.question.reports.filter(closed_at__isnull=True).exists()
    assert _found(other_coordinator, "管理職") == set()  # the hidden question's words leave the index
    # The hidden question's text: for the staff and its author's member, not for another member.
    for reader, shown in ((other_coordinator, False), (coordinator, True), (support, True)):
        views = {v.post.pk: v.shows_text for v in thread_posts(reader, found.public)}
        assert views[found.question.pk] is shown
    services.thread_moderate(actor=secretariat, thread=found.public, action="delete", reason="重複")
    assert not visible_threads(coordinator).filter(pk=found.public.pk).exists()
    assert visible_threads(secretariat).filter(pk=found.public.pk).exists()
    assert _found(secretariat, "育休") == set()


def test_the_author_is_told_of_moderation_with_the_reason(
    coordinator: User, other_coordinator: User, secretariat: User, support: User
) -> None:
    found = places(coordinator, other_coordinator)
    services.post_moderate(actor=secretariat, post=found.question, action="hide", reason="個人が特定されるため")
    told = _notices(coordinator, "forum.moderated")
    assert len(told) == 1
    assert "非表示にしました" in told[0].body and "個人が特定されるため" in told[0].body
    assert told[0].link == f"/forum/threads/{found.public.pk}/#post-{found.question.pk}"
    # Nobody else: not the answerer, not the reporter, not the staff.
    for other in (other_coordinator, secretariat, support):
        assert _notices(other, "forum.moderated") == []
    services.post_moderate(actor=secretariat, post=found.answer, action="delete", reason="重複した投稿")
    (deleted,) = _notices(other_coordinator, "forum.moderated")
    assert "削除しました" in deleted.body and "重複した投稿" in deleted.body
    services.thread_moderate(actor=secretariat, thread=found.public, action="lock", reason="解決済み")
    services.thread_moderate(actor=secretariat, thread=found.public, action="delete", reason="古い話題")
    latest = Notification.objects.filter(recipient=coordinator, kind="forum.moderated").order_by("-pk")
    assert "締め切りました" in latest[1].body and "削除しました" in latest[0].body
    assert latest[0].link == "/forum/"  # the deleted thread is gone for its member
    # Nothing changed, nothing told: the thread is already locked.
    count = Notification.objects.filter(kind="forum.moderated").count()
    services.thread_moderate(actor=secretariat, thread=found.public, action="lock", reason="再確認")
    assert Notification.objects.filter(kind="forum.moderated").count() == count
    # The secretariat moderating its own post is not told of it.
    own = services.post_reply(actor=secretariat, thread=found.private, body="事務局からの補足です。")
    services.post_moderate(actor=secretariat, post=own, action="hide", reason="重複")
    assert _notices(secretariat, "forum.moderated") == []


def test_moderation_never_tells_someone_who_may_not_see_the_thread(
    coordinator: User, other_coordinator: User, secretariat: User
) -> None:
    found = places(coordinator, other_coordinator)
    # The thread is hidden from other members: 気仙沼市's coordinator, who answered in it, no longer sees it.
    services.thread_moderate(actor=secretariat, thread=found.public, action="hide", reason="確認中")
    assert not visible_threads(other_coordinator).filter(pk=found.public.pk).exists()
    services.post_moderate(actor=secretariat, post=found.answer, action="hide", reason="確認中")
    assert _notices(other_coordinator, "forum.moderated") == []
    # The asker's member still sees it, and was told of the thread's hiding once.
    assert len(_notices(coordinator, "forum.moderated")) == 1
    services.thread_moderate(actor=secretariat, thread=found.public, action="unhide", reason="")
    services.post_moderate(actor=secretariat, post=found.answer, action="unhide", reason="")
    (restored,) = _notices(other_coordinator, "forum.moderated")
    assert "解除しました" in restored.body and "理由" not in restored.body


def test_refused_input_names_the_field_and_changes_nothing(coordinator: User, secretariat: User) -> None:
    before = (Thread.objects.count(), Post.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.thread_start(actor=coordinator, category="nope", title="", body="x" * 4001)
    errors = raised.value.message_dict
    assert set(errors) == {"category", "title", "body"}
    assert "カテゴリ" in errors["category"][0] and "題名" in errors["title"][0] and "4000" in errors["body"][0]
    client = Client()
    client.force_login(coordinator)
    response = client.post("/forum/threads/new/", {"category": "worries", "title": "題", "body": " "})
    assert response.status_code == 400 and "本文を入力してください。" in response.content.decode()
    thread = services.thread_start(actor=coordinator, category="worries", title="題", body="本文")
    before = (Thread.objects.count(), Post.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.thread_moderate(actor=secretariat, thread=thread, action="hide", reason="")
    assert "理由を入力してください。" in raised.value.message_dict["reason"][0]
    response = client.post(f"/forum/threads/{thread.pk}/reply/", {"body": ""})
    assert response.status_code == 400 and "本文を入力してください。" in response.content.decode()
    assert (Thread.objects.count(), Post.objects.count(), AuditEntry.objects.count()) == before

"""Mail each person who chose the daily digest one list of the notices since their last digest
(core.notifications.notifications_digest_send). Run daily by deploy/systemd's shokuba-notifications.timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shokuba.core.notifications import notifications_digest_send


class Command(BaseCommand):
    help = "Send the daily digest mails of notifications."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"digests: {notifications_digest_send()}")

"""Run the registered reminders (core.notifications.reminder_register): each sends what is due today through
notify() and remembers it, so running twice a day sends nothing twice. Run daily by deploy/systemd's
shokuba-notifications.timer, before send_digests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shokuba.core.notifications import reminders_run


class Command(BaseCommand):
    help = "Send the reminders that are due (referral follow-ups, overdue consultations, …)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in reminders_run().items():
            self.stdout.write(f"{name}: {count}")

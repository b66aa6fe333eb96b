from typing import Any

from django.core.management.base import BaseCommand

from shokuba.demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD, generate


class Command(BaseCommand):
    help = "Create the deterministic demo data once (a second run keeps what is there) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = generate()
        self.stdout.write("demo data: created" if created else "demo data: already present, kept as it is")
        self.stdout.write("")
        self.stdout.write(f"デモ用ログイン / demo logins (password for all: {DEMO_PASSWORD})")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<12} {account.role:<12} {account.display_name}")

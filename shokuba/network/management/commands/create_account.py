"""Create a staff account from the server's shell: the first secretariat account of a new installation, or any
other. The password is read from SHOKUBA_PASSWORD or asked for twice; it is never taken as an argument."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shokuba.network.models import Role
from shokuba.network.services import account_create


class Command(BaseCommand):
    help = "Create a staff account: create_account USERNAME --role ROLE [--member CODE | --organisation ID]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="stored half-width and lower case (ＫＥＳＥＮＮＵＭＡ becomes kesennuma)")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--member", default="", help="coordinator: the member's local government code")
        parser.add_argument("--organisation", type=int, default=None, help="org_admin: the organisation's id")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("SHOKUBA_PASSWORD", "")
        if not password:
            password = getpass.getpass("パスワード: ")
            if password != getpass.getpass("パスワード（確認）: "):
                raise CommandError("パスワードが一致しません。")
        if not password:
            # From the shell an account always gets a password (the pages send a set-up link instead).
            raise CommandError("password: パスワードを入力してください。")
        try:
            user = account_create(
                actor=None,
                username=options["username"],
                role=options["role"],
                password=password,
                member_code=options["member"],
                organisation_id=options["organisation"],
                display_name=options["display_name"],
            )
        except ValidationError as exc:
            lines = [f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"created {user.username} ({user.role})")

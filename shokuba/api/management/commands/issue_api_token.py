from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shokuba.api.services import api_token_issue


class Command(BaseCommand):
    help = "APIトークンを発行し、一度だけ表示します（保存されるのはハッシュだけです）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="トークンを使う利用者のユーザー名")
        parser.add_argument("name", help="用途がわかる名前（例：集計スクリプト）")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(options["username"])  # any width or case
        except User.DoesNotExist as exc:
            raise CommandError(f"利用者「{options['username']}」は見つかりません。") from exc
        try:
            token, raw = api_token_issue(user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"利用者「{user.username}」に APIトークン「{token.name}」（{token.prefix}…）を発行しました。"
            "次の行のトークンは二度と表示されません。安全な場所に保存してください。"
        )
        self.stdout.write(raw)

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shokuba.api.models import ApiToken
from shokuba.api.services import api_token_revoke


class Command(BaseCommand):
    help = "APIトークンを失効させます。トークンの先頭（issue_api_token が表示した shk_… の12文字）で指定します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="トークンの先頭12文字（shk_ で始まる）")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if not tokens:
            raise CommandError(f"有効な APIトークン「{options['prefix']}…」は見つかりません。")
        if len(tokens) > 1:
            raise CommandError(f"「{options['prefix']}…」で始まるトークンが複数あります。")
        api_token_revoke(token=tokens[0])
        self.stdout.write(f"APIトークン「{tokens[0].name}」（{tokens[0].prefix}…）を失効させました。")

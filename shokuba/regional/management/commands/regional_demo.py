"""Write and import the synthetic regional statistics (also part of `seed_demo` on a fresh database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shokuba.regional.demo import demo_regional_statistics


class Command(BaseCommand):
    help = "Import the synthetic 住民基本台帳人口移動報告 demo files (never over real, non-synthetic imports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="re-import even if synthetic data is there")

    def handle(self, *args: Any, **options: Any) -> None:
        count = demo_regional_statistics(log=self.stdout.write, force=options["force"])
        self.stdout.write(f"regional demo: {count} files imported" if count else "regional demo: nothing to do")

from typing import Any

from django.core.management.base import BaseCommand

from shokuba.guidebook.reference import guidebook_load
from shokuba.network.reference import local_governments_load, members_load


class Command(BaseCommand):
    help = "Load or refresh reference data: local governments, network members, guidebook steps."

    def handle(self, *args: Any, **options: Any) -> None:
        governments = local_governments_load()
        members = members_load()
        steps = guidebook_load()
        self.stdout.write(
            f"reference data: {governments} local governments, {members} members, {steps} guidebook steps"
        )

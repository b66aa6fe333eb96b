"""Import e-Stat tables: `manage.py import_estat FILE --year 2024` (the table is recognised from the file: a
database download of 表11 holding 転入者数, 転出者数 and 転入超過数 imports as 表11-1, 11-2 and 11-3), or through the
API: `manage.py import_estat --stats-data-id 0003419945 --year 2024`. The same importer as the upload page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shokuba.core.permissions import SYSTEM, has_perm
from shokuba.network.models import User
from shokuba.regional import services
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.models import ImportSource, StatisticsTable


class Command(BaseCommand):
    help = (
        "Import a 住民基本台帳人口移動報告 table (表11-1/11-2/11-3, recognised from the file), a population or a "
        "prefecture-flow table. A file may cover only some areas: those areas are replaced, the others are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help=".xlsx or .csv downloaded from e-Stat")
        parser.add_argument(
            "--table",
            choices=StatisticsTable.values,
            help="only this table; by default every table the file holds (recognised from its 表章項目 or title)",
        )
        parser.add_argument("--year", type=int, help="the table's year (read from the file when omitted)")
        parser.add_argument("--stats-data-id", default="", help="import through the e-Stat API instead of a file")
        parser.add_argument("--user", default="", help="a secretariat account to record as the importer")
        parser.add_argument("--keep", action="store_true", help="refuse instead of replacing areas already there")
        parser.add_argument("--background", action="store_true", help="queue for the task worker (db_worker)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Any = SYSTEM
        if options["user"]:
            actor = User.objects.filter(username=User.normalize_username(options["user"]), is_active=True).first()
            if actor is None or not has_perm(actor, "regional.import"):
                raise CommandError(f"no active secretariat account {options['user']!r}")
        if bool(options["file"]) == bool(options["stats_data_id"]):
            raise CommandError("give either a file or --stats-data-id")
        table = options["table"] or None

        def progress(percent: int, message: str) -> None:
            self.stdout.write(f"  {percent:3d}% {message}")

        try:
            if options["background"]:
                if options["year"] is None:
                    raise CommandError("--background needs --year")
                if not options["user"]:
                    # A queued job runs later under the account recorded with it; the worker has no shell user.
                    raise CommandError("--background needs --user (a secretariat account to run the job as)")
                data = Path(options["file"]).read_bytes() if options["file"] else None
                job = services.import_job_create(
                    actor=actor,
                    table=table,
                    year=options["year"],
                    source=ImportSource.FILE if data is not None else ImportSource.API,
                    source_name=Path(options["file"]).name if data is not None else options["stats_data_id"],
                    data=data,
                    replace=not options["keep"],
                )
                self.stdout.write(f"queued job {job.pk} ({job.get_status_display()})")
                return
            if options["file"]:
                path = Path(options["file"])
                records = services.statistics_import_file(
                    actor=actor,
                    data=path.read_bytes(),
                    file_name=path.name,
                    table=table,
                    year=options["year"],
                    replace=not options["keep"],
                    progress=progress,
                )
            else:
                if options["year"] is None:
                    raise CommandError("--stats-data-id needs --year")
                records = services.statistics_import_api(
                    actor=actor,
                    stats_data_id=options["stats_data_id"],
                    table=table,
                    year=options["year"],
                    replace=not options["keep"],
                    progress=progress,
                )
        except StatisticsImportError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        for record in records:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{record.get_table_display()} {record.year}: {record.area_count} areas ({record.scope}), "
                    f"{record.row_count} rows, {record.get_movers_display()}"
                    + (" (synthetic)" if record.synthetic else "")
                )
            )
            for note in record.notes:
                self.stdout.write(f"  {note}")

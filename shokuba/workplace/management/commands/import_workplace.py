"""Load a workplace indicator file from the server's shell, through the same preview and confirm services as the
import page: `manage.py import_workplace 99_20251030_utf8_bom.zip --year 2024` reads the national 女性の活躍推進企業
データベース file and writes the figures of the network's organisations found in it (by 法人番号); `--member CODE`
narrows it to one programme; `--dry-run` shows the preview and writes nothing. Exit status 0 when the file was read
(and, without --dry-run, written), 2 when it was refused or cannot be written; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shokuba.core.permissions import SYSTEM, has_perm
from shokuba.network.models import Member, User
from shokuba.workplace import imports, services
from shokuba.workplace.models import ImportKind, IndicatorImport

PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import a workplace indicator file (the 女性の活躍推進企業データベース CSV/ZIP, or the platform's template) "
        "for the whole network or one member, through the import page's preview and confirm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the 女性活躍DB file as downloaded (.csv or .zip), or a template .xlsx/.csv")
        parser.add_argument("--year", type=int, required=True, help="the fiscal year (年度) the figures are for")
        parser.add_argument("--member", default="", help="only this member's organisations (local government code)")
        parser.add_argument("--kind", default=ImportKind.WDB, choices=ImportKind.values)
        parser.add_argument("--dry-run", action="store_true", help="show the preview, write nothing")
        parser.add_argument("--user", default="", help="a secretariat account to record as the importer")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Any = SYSTEM
        member = None
        if options["member"]:
            member = Member.objects.filter(pk=options["member"]).first()
            if member is None:
                raise CommandError(
                    _("参加自治体「%(code)s」がありません。") % {"code": options["member"]}, returncode=2
                )
        if options["user"]:
            actor = User.objects.filter(username=User.normalize_username(options["user"]), is_active=True).first()
            if actor is None or not has_perm(actor, "workplace.import", member):
                raise CommandError(
                    _("有効な事務局アカウント「%(name)s」がありません。") % {"name": options["user"]}, returncode=2
                )
        path = Path(options["file"])
        try:
            with path.open("rb") as stream:
                batch = services.indicator_import_preview(
                    actor=actor,
                    member=member,
                    kind=options["kind"],
                    stream=stream,
                    file_name=path.name,
                    fiscal_year=options["year"],
                )
        except OSError as exc:
            raise CommandError(
                _("ファイル「%(name)s」を開けません（%(error)s）。") % {"name": path, "error": exc.strerror},
                returncode=2,
            ) from exc
        except imports.ImportRefused as exc:
            raise CommandError(
                _("読み込めませんでした。何も書き込んでいません。") + "\n" + "\n".join(exc.messages), returncode=2
            ) from exc
        self._print_preview(batch)
        if options["dry_run"]:
            services.indicator_import_discard(actor=actor, batch=batch)
            self.stdout.write(_("確認のみ（--dry-run）のため、何も書き込んでいません。"))
            return
        try:
            written = services.indicator_import_confirm(actor=actor, batch=batch)
        except services.ImportNotConfirmable as exc:
            services.indicator_import_discard(actor=actor, batch=batch)
            raise CommandError(
                _("取り込めませんでした。何も書き込んでいません。") + "\n" + str(exc), returncode=2
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s件の企業・団体の%(year)d年度の値を書き込みました（取込番号 %(id)d）。")
                % {"count": f"{written:,}", "year": options["year"], "id": batch.pk}
            )
        )

    def _print_preview(self, batch: IndicatorImport) -> None:
        summary = batch.summary
        write = self.stdout.write
        scope = str(batch.member) if batch.member_id else _("全参加自治体")
        write(
            _("%(kind)s「%(name)s」（%(encoding)s）・%(year)d年度・%(scope)s")
            % {
                "kind": batch.get_kind_display(),
                "name": batch.file_name,
                "encoding": batch.encoding,
                "year": batch.fiscal_year,
                "scope": scope,
            }
        )
        write(
            _("読んだ行 %(rows)s、照合できた企業・団体 %(matched)s（変更あり %(changed)s・変更なし %(unchanged)s）")
            % {
                "rows": f"{summary['rows_read']:,}",
                "matched": f"{summary['matched']:,}",
                "changed": f"{summary['changed']:,}",
                "unchanged": f"{summary['unchanged']:,}",
            }
        )
        if batch.kind == ImportKind.WDB:
            write(_("ファイルにない参加企業・団体 %(count)s") % {"count": f"{summary['unmatched_count']:,}"})
        if summary.get("unknown_count"):
            write(_("見つからない企業・団体の行 %(count)s") % {"count": f"{summary['unknown_count']:,}"})
        for note in summary.get("notes", []):
            write(_("・%(note)s") % {"note": note})
        problems = summary.get("problems", [])
        if problems:
            write(
                (
                    _("問題のあるセル %(count)s件（このままでは取り込めません）")
                    if summary.get("blocking")
                    else _("確認が必要なセル %(count)s件（そのセルは取り込みません）")
                )
                % {"count": f"{summary['problem_count']:,}"}
            )
            for problem in problems[:PROBLEMS_SHOWN]:
                write(
                    "  "
                    + _("%(row)d行目・「%(column)s」列：%(message)s")
                    % {"row": problem["row"], "column": problem["column"], "message": problem["message"]}
                )
            if summary["problem_count"] > PROBLEMS_SHOWN:
                write("  " + _("ほか %(count)s件") % {"count": f"{summary['problem_count'] - PROBLEMS_SHOWN:,}"})

"""The set-up of tests/test_dead_workers.py, run as a child process against the scratch database the test made, with
a job queued for the database task backend (the one `manage.py db_worker` serves):

- `export N`: a wave of the resident template with N responses and an XLSX export job;
- `import`: a regional statistics import job of a full year of 表11-3 (the bureau's workbook, every municipality)
  uploaded by the secretariat.

Prints {"job": <id>, "task": <task result id>} on its last line.

Usage: DJANGO_SETTINGS_MODULE=shokuba.settings.base DATABASE_URL=… python tests/dead_worker_scenario.py export N
                                                                   python tests/dead_worker_scenario.py import
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _django() -> None:
    import django

    django.setup()


def import_job() -> None:
    _django()
    from shokuba.network.models import Role, User
    from shokuba.network.reference import local_governments_load, members_load
    from shokuba.regional.demo import SyntheticNetwork
    from shokuba.regional.estat.layouts import migration_xlsx_bytes
    from shokuba.regional.models import ImportSource
    from shokuba.regional.services import import_job_create

    local_governments_load()
    members_load()
    secretariat = User(username="worker-test-secretariat", role=Role.SECRETARIAT)
    secretariat.set_unusable_password()
    secretariat.save()
    year = 2024
    network = SyntheticNetwork(years=(year,))
    data = migration_xlsx_bytes("11-3", year, network.migration_rows("11-3", year), synthetic=True)
    job = import_job_create(
        actor=secretariat, table=None, year=year, source=ImportSource.FILE, source_name="11-3.xlsx", data=data
    )
    print(json.dumps({"job": job.pk, "task": job.task_result_id, "upload": job.stored_name}))


def export_job(responses: int) -> None:
    _django()

    from django.db import transaction

    from shokuba.network.models import Member, Role, User
    from shokuba.network.reference import local_governments_load, members_load
    from shokuba.surveys import answers as answer_check
    from shokuba.surveys import services, storage
    from shokuba.surveys.export_jobs import export_job_request
    from shokuba.surveys.models import Channel, ExportFormat

    local_governments_load()
    members_load()
    member = Member.objects.get(pk="282090")
    coordinator = User(username="worker-test", role=Role.COORDINATOR, member=member)
    coordinator.set_unusable_password()
    coordinator.save()
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=member, template_code="resident"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = dt.date.today()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="ワーカー停止の確認",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=7),
        public_link=True,
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    definition = services.definition_of(version)
    validated = answer_check.validate_submission(
        definition,
        {"RS-01": "3", "RS-02": ["04", "08"], "RS-03": "1", "RS-04": ["1", "5"], "RS-05": "2", "RS-FREE": "保育所"},
        {"sex": "F"},
    )
    assert validated.ok, validated.problems
    rows = answer_check.answer_rows(definition, validated.answers)
    with transaction.atomic():
        storage.responses_store_many(
            member_id=member.pk,
            wave_id=wave.pk,
            channel=Channel.PAPER,
            submitted_on=today,
            responses=[
                storage.NewResponse(uuid.uuid4(), None, validated.attributes, validated.answers, rows)
                for _ in range(responses)
            ],
        )
    job = export_job_request(actor=coordinator, wave=wave, file_format=ExportFormat.XLSX)
    print(json.dumps({"job": job.pk, "task": job.task_result_id}))


if __name__ == "__main__":
    if sys.argv[1] == "import":
        import_job()
    else:
        export_job(int(sys.argv[2]))

"""The survey export benchmark's child process (bench/survey_export.py runs it with the scratch database's settings).

    python -m bench.survey_export_worker setup ROWS     build a 40-item wave with ROWS responses, print its ids
    python -m bench.survey_export_worker export WAVE USER FORMAT
                                                        run one export job, print its time and this process's peak RSS

The responses are written straight into surveys_response (COPY on PostgreSQL, executemany on SQLite) from a few
thousand distinct answer sets drawn at random: the export reads only that table, so the typed answer rows that
`response_submit` would add are left out.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import resource
import sys
import time
import uuid
from typing import Any

from bench import _shared

DISTINCT_ANSWER_SETS = 4096
ORGANISATIONS = 20
TEXTS = [
    "会議の時間が短くなり、定時に帰りやすくなった。",
    "子どもの急な発熱のとき、上司がすぐに休みを認めてくれた。",
    "テレワークの日を増やしてほしい。",
    "=SUM(A1:A9)",  # formula-like text: stored as typed, neutralised on the way out
    "特になし",
    "「有給休暇」を取りやすい雰囲気があります。",
]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shokuba.settings.dev")
    import django

    django.setup()


def bench_definition() -> dict[str, Any]:
    """The workplace template (32 columns) plus a ranking of 3, a multiple choice of 4 options and a number:
    40 item columns, every kind of cell the export writes."""
    from shokuba.surveys.library import library_template

    workplace, resident, employer = (library_template(code) for code in ("workplace", "resident", "employer"))
    assert workplace is not None and resident is not None and employer is not None
    definition = copy.deepcopy(workplace.data)
    extra = {q["code"]: copy.deepcopy(q) for q in resident.data["questions"] + employer.data["questions"]}
    ranking = {**extra["RS-02"], "max_choices": 3}
    ranking.pop("show_if", None)
    multiple = {**extra["RS-04"], "choices": extra["RS-04"]["choices"][:4], "max_choices": 3}
    definition["questions"] += [ranking, multiple, extra["EM-01"]]
    definition["title"] = "書き出しベンチマーク（40項目）"
    return definition


def _answer_sets(definition: Any, rng: random.Random) -> list[str]:
    sets = []
    for _ in range(DISTINCT_ANSWER_SETS):
        answers: dict[str, Any] = {}
        for question in definition.questions:
            if question.type == "matrix":
                answers[question.code] = {
                    item.code: rng.choice(["1", "2", "3", "4", "dk"]) for item in question.items if rng.random() < 0.97
                }
            elif question.type == "likert":
                answers[question.code] = rng.choice(["1", "2", "3", "4"])
            elif question.type == "ranking":
                answers[question.code] = rng.sample([c.code for c in question.choices], rng.randint(1, 3))
            elif question.type == "multiple":
                answers[question.code] = sorted(rng.sample([c.code for c in question.choices], rng.randint(1, 3)))
            elif question.type == "number":
                answers[question.code] = rng.randint(1, 500)
            elif question.type.startswith("text") and rng.random() < 0.3:
                answers[question.code] = rng.choice(TEXTS)
        sets.append(json.dumps(answers))  # as Django's JSONField stores it
    return sets


def setup(rows: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from shokuba.surveys import exports, services
    from shokuba.surveys.instrument import ATTRIBUTES
    from shokuba.surveys.models import Response

    member, coordinator, organisations = _shared.coordinator_and_organisations(
        "bench-export-coordinator", "ベンチ書き出し株式会社", ORGANISATIONS
    )
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=member, template_code="workplace"
    )
    draft = services.draft_definition_save(
        actor=coordinator, version=questionnaire.versions.get(), definition=bench_definition()
    )
    version = services.questionnaire_publish(actor=coordinator, version=draft)
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="書き出しベンチマーク",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today,
        organisations=organisations,
    )
    definition = services.definition_of(version)
    rng = random.Random(20261125)
    answer_sets = _answer_sets(definition, rng)
    attribute_values = {code: [c.code for c in ATTRIBUTES[code].choices] + [""] for code in ATTRIBUTES}
    columns = [str(f.column) for f in Response._meta.concrete_fields]
    org_ids = [o.pk for o in organisations]
    days = [today - dt.timedelta(days=d) for d in range(30)]
    sqlite = connection.vendor == "sqlite"

    def records() -> Any:
        for _ in range(rows):
            values = {
                "member_id": member.pk,
                "submission_id": uuid.uuid4().hex if sqlite else uuid.uuid4(),
                "wave_id": wave.pk,
                "organisation_id": rng.choice(org_ids),
                "channel": "web",
                "submitted_on": rng.choice(days).isoformat() if sqlite else rng.choice(days),
                "answers": answer_sets[rng.randrange(DISTINCT_ANSWER_SETS)],
            }
            for code, choices in attribute_values.items():
                values[code] = rng.choice(choices)
            yield tuple(values[c] for c in columns)

    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    if sqlite:
        placeholders = ", ".join("?" for _ in columns)
        with transaction.atomic():
            raw.executemany(f"INSERT INTO surveys_response ({', '.join(columns)}) VALUES ({placeholders})", records())  # noqa: S608
    else:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY surveys_response ({', '.join(columns)}) FROM STDIN") as copy_in:
                for record in records():
                    copy_in.write_row(record)
            cursor.execute("ANALYZE surveys_response")
    return {
        "wave": wave.pk,
        "user": coordinator.pk,
        "item_columns": len(exports.columns(definition)),
        "load_seconds": time.perf_counter() - started,
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM): unlike getrusage's maxrss, which Linux carries across exec
    from the parent that forked this process, it counts only this program."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a local process, e.g. the PostgreSQL backend serving this connection."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def export(wave_id: int, user_id: int, file_format: str) -> dict[str, Any]:
    from django.db import connection

    from shokuba.network.models import User
    from shokuba.surveys import export_jobs
    from shokuba.surveys.models import ExportJob, Wave

    user = User.objects.get(pk=user_id)
    wave = Wave.objects.get(pk=wave_id)
    job = export_jobs.export_job_request(actor=user, wave=wave, file_format=file_format)  # queued: no worker runs
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = int(cursor.fetchone()[0])
    database_cpu = _process_cpu(backend)
    started, cpu = time.perf_counter(), time.process_time()
    export_jobs.export_job_run(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    database_cpu = _process_cpu(backend) - database_cpu
    job = ExportJob.objects.get(pk=job.pk)
    path = export_jobs.export_file(job)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "database_cpu_seconds": database_cpu,
        "load_average": os.getloadavg()[0],
        "status": job.status,
        "message": job.message,
        "written": job.written,
        "size_bytes": job.size_bytes,
        "path": str(path) if path else "",
        "max_rss_mb": peak_rss_mb(),
    }


def xlsx_reference(wave_id: int) -> dict[str, Any]:
    """The same rows as our XLSX export (the same reader, `exports.rows`), written by XlsxWriter in its
    constant-memory mode: the reference for the writer. Header and codebook as ours."""
    import tempfile

    import xlsxwriter

    from shokuba.core.exports import neutralise
    from shokuba.surveys import export_jobs, exports
    from shokuba.surveys.models import Wave
    from shokuba.surveys.services import definition_of

    wave = Wave.objects.get(pk=wave_id)
    definition = definition_of(wave.version)
    target = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    target.close()
    started = time.perf_counter()
    book = xlsxwriter.Workbook(target.name, {"constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("回答")
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, exports.header(definition), bold)
    written = 0
    for written, row in enumerate(exports.rows(wave, definition, chunk_size=export_jobs.FETCH_CHUNK), start=1):
        sheet.write_row(written, 0, ["" if v is None else neutralise(v) for v in row])
    codebook_header, codebook_rows = exports.codebook(definition)
    codebook = book.add_worksheet("コードブック")
    codebook.write_row(0, 0, codebook_header, bold)
    for index, row in enumerate(codebook_rows, start=1):
        codebook.write_row(index, 0, ["" if v is None else v for v in row])
    book.close()
    seconds = time.perf_counter() - started
    size = os.path.getsize(target.name)
    os.unlink(target.name)
    return {"seconds": seconds, "written": written, "size_bytes": size, "max_rss_mb": peak_rss_mb()}


def main() -> None:
    command, *args = sys.argv[1:]
    _django()
    if command == "setup":
        result = setup(int(args[0]))
    elif command == "export":
        result = export(int(args[0]), int(args[1]), args[2])
    elif command == "xlsx_reference":
        result = xlsx_reference(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Paper/Excel import of responses: the blank sheet, reading XLSX and CSV in every encoding, every bad input named
by its cell, all-or-nothing, the same file refused twice, an export imported back, and a ZIP bomb refused quickly.

After every refusal the database must be exactly as it was: no response, answer row, import record or audit entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from shokuba.core.models import AuditEntry
from shokuba.network.models import Organisation, User
from shokuba.surveys import exports, imports, services
from shokuba.surveys.instrument import parse_definition
from shokuba.surveys.models import Channel, Response, ResponseAnswer, ResponseImport, Wave, WaveStatus
from shokuba.surveys.tests.conftest import logged_in
from shokuba.surveys.tests.samples import EVERY_TYPE, every_type_answers
from shokuba.tabular import column_letter

pytestmark = pytest.mark.django_db

ORG_NAME = "株式会社テスト精工"


# --- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture
def every_wave(coordinator: User, organisation: Organisation) -> Wave:
    """An open wave of a questionnaire with every question type (samples.EVERY_TYPE), one organisation's link."""
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="workplace"
    )
    draft = services.draft_definition_save(
        actor=coordinator, version=questionnaire.versions.get(), definition=EVERY_TYPE
    )
    version = services.questionnaire_publish(actor=coordinator, version=draft)
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="全種類の調査",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=5),
        organisations=[organisation],
    )
    return services.wave_open(actor=coordinator, wave=wave)


HEADER = exports.header(parse_definition(EVERY_TYPE))


def good_row(**cells: Any) -> dict[str, Any]:
    """A complete valid row of the EVERY_TYPE sheet, by header; cells=None leaves a cell blank."""
    row: dict[str, Any] = {
        "企業・団体": ORG_NAME,
        "sex": "F",
        "age_band": "30",
        "S1": 1,
        "M1_1": 1,
        "M1_2": 0,
        "M1_3": 1,
        "M1_9": 0,
        "L1": 2,
        "R1_1位": "04",
        "R1_2位": "08",
        "R1_3位": "01",
        "N1": 12.5,
        "N2": None,
        "T1": "短い回答",
        "T2": "長い回答\n二行目",
        "X1-a": 1,
        "X1-b": "dk",
        "C1": 2,
    }
    row.update(cells)
    return row


def as_lists(rows: Sequence[dict[str, Any]], header: Sequence[str] = HEADER) -> list[list[Any]]:
    return [list(header)] + [[row.get(h) for h in header] for row in rows]


def xlsx_file(
    rows: Sequence[Sequence[Any]], *, sheet: str = "回答", merge: str = "", formulas: dict[str, str] | None = None
) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append([None if v is None else v for v in row])
    # openpyxl stores a string starting with "=" as a formula; text cells must be marked as strings explicitly.
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula  # a real formula cell (<f>)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "回答.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def state() -> tuple[int, int, int, int]:
    return (
        Response.objects.count(),
        ResponseAnswer.objects.count(),
        ResponseImport.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(actor: Any, wave: Wave, data: bytes, name: str = "回答.xlsx", **kwargs: Any) -> imports.ImportRefused:
    """Import that must fail, leaving the database exactly as it was; returns the refusal."""
    before = state()
    with pytest.raises(imports.ImportRefused) as caught:
        services.responses_import(actor=actor, wave=wave, uploaded_file=upload(data, name), **kwargs)
    assert state() == before, "a refused import changed the database"
    return caught.value


def the_error(refusal: imports.ImportRefused) -> imports.CellError:
    assert refusal.total == 1, [str(e) for e in refusal.errors]
    return refusal.errors[0]


# --- the blank sheet -----------------------------------------------------------------------------------------


def test_blank_xlsx_sheet_has_the_export_header_a_codebook_and_instructions(
    coordinator: User, every_wave: Wave
) -> None:
    response = logged_in(coordinator).get(reverse("surveys:wave_import_sheet", args=[every_wave.pk, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["回答", "コードブック", "記入方法"]
    rows = list(book["回答"].iter_rows(values_only=True))
    assert rows == [tuple(HEADER)]
    assert HEADER[:4] == ["回答ID", "回答日", "企業・団体", "経路"]
    assert {"M1_1", "M1_9", "R1_1位", "R1_3位", "X1-a", "X1-b"} <= set(HEADER)
    codebook = {r[0]: r for r in book["コードブック"].iter_rows(values_only=True)}
    assert "1=はい" in codebook["S1"][4]
    assert any("1" in str(r[0]) and "見出し" in str(r[0]) for r in book["記入方法"].iter_rows(values_only=True))


def test_blank_csv_sheet_in_utf8_and_cp932(coordinator: User, every_wave: Wave) -> None:
    client = logged_in(coordinator)
    url = reverse("surveys:wave_import_sheet", args=[every_wave.pk, "csv"])
    utf8 = client.get(url).content
    assert utf8.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(utf8.decode("utf-8-sig")))) == HEADER
    sjis = client.get(url + "?encoding=cp932").content
    assert next(csv.reader(io.StringIO(sjis.decode("cp932")))) == HEADER


# --- importing -----------------------------------------------------------------------------------------------


def test_a_filled_sheet_imports_every_row_anonymously(coordinator: User, every_wave: Wave) -> None:
    before = state()
    rows = [good_row(), {}, good_row(S1=2, C1=None, sex="M"), {}]
    record = services.responses_import(
        actor=coordinator, wave=every_wave, uploaded_file=upload(xlsx_file(as_lists(rows))), channel=Channel.PAPER
    )
    assert record.rows == 2 and record.channel == "paper" and record.file_format == "xlsx"
    assert record.created_by == coordinator and record.file_name == "回答.xlsx"
    responses = list(Response.objects.filter(wave=every_wave).order_by("sex"))
    assert [r.sex for r in responses] == ["F", "M"]
    assert all(r.channel == "paper" and r.submitted_on == timezone.localdate() for r in responses)
    assert {r.organisation_id for r in responses} == {every_wave.links.get().organisation_id}
    expected = every_type_answers(N1=12.5)
    expected["N1"] = 12.5
    assert responses[0].answers == expected
    assert responses[1].answers["S1"] == "2" and "C1" not in responses[1].answers
    assert len({r.submission_id for r in responses}) == 2
    rows_written = ResponseAnswer.objects.filter(wave=every_wave, submission_id=responses[0].submission_id)
    assert sorted(rows_written.filter(item_code="R1").values_list("seq", "choice_code")) == [
        (1, "04"),
        (2, "08"),
        (3, "01"),
    ]
    after = state()
    assert after[0] == before[0] + 2 and after[2] == before[2] + 1 and after[3] == before[3] + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None and entry.actor_id == coordinator.pk and entry.member_code == "282090"
    # Nothing on a response points at the person who imported it.
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"created_by", "imported_by", "user", "response_import", "import"}


def test_each_row_names_its_organisation_unless_the_wave_has_a_public_link(coordinator: User, every_wave: Wave) -> None:
    error = the_error(refused(coordinator, every_wave, xlsx_file(as_lists([good_row(**{"企業・団体": None})]))))
    assert (error.row, error.column, error.header) == (2, col("企業・団体"), "企業・団体")
    assert "企業・団体ごとに回答を集めています" in error.message and ORG_NAME in error.message
    without_column = as_lists([good_row()], [h for h in HEADER if h != "企業・団体"])
    assert (
        "列「企業・団体」がありません" in the_error(refused(coordinator, every_wave, xlsx_file(without_column))).message
    )
    public = services.wave_create(
        actor=coordinator,
        version=every_wave.version,
        name="住民向け（共通リンク）",
        fiscal_year=2026,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        public_link=True,
    )
    public = services.wave_open(actor=coordinator, wave=public)
    data = xlsx_file(as_lists([good_row(**{"企業・団体": None})]))
    assert services.responses_import(actor=coordinator, wave=public, uploaded_file=upload(data)).rows == 1
    assert Response.objects.get(wave=public).organisation_id is None


def test_the_same_file_is_refused_the_second_time(coordinator: User, every_wave: Wave) -> None:
    data = xlsx_file(as_lists([good_row()]))
    services.responses_import(actor=coordinator, wave=every_wave, uploaded_file=upload(data))
    error = the_error(refused(coordinator, every_wave, data, "別の名前.xlsx"))
    assert "取り込み済み" in error.message and "回答.xlsx" in error.message


def test_closed_waves_take_imports_and_draft_waves_do_not(
    coordinator: User, every_wave: Wave, organisation: Organisation
) -> None:
    data = xlsx_file(as_lists([good_row()]))
    draft = services.wave_create(
        actor=coordinator,
        version=every_wave.version,
        name="まだ準備中",
        fiscal_year=2026,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        organisations=[organisation],
    )
    assert "準備中" in the_error(refused(coordinator, draft, data)).message
    closed = services.wave_close(actor=coordinator, wave=every_wave)
    assert closed.status == WaveStatus.CLOSED
    # After closing, a few late answers would show as the difference between two views of the results.
    before = state()
    error = the_error(refused(coordinator, closed, data))
    assert "企業・団体ごとに5件以上" in error.message and f"{ORG_NAME} 1件" in error.message
    assert state() == before
    five = xlsx_file(as_lists([good_row()] * 5))
    record = services.responses_import(actor=coordinator, wave=closed, uploaded_file=upload(five))
    assert record.rows == 5


def test_only_those_who_manage_the_wave_may_import(
    every_wave: Wave, support: User, org_admin: User, other_coordinator: User, secretariat: User
) -> None:
    data = xlsx_file(as_lists([good_row()]))
    for user in (support, org_admin, other_coordinator):
        before = state()
        with pytest.raises(PermissionDenied):
            services.responses_import(actor=user, wave=every_wave, uploaded_file=upload(data))
        assert state() == before
    assert services.responses_import(actor=secretariat, wave=every_wave, uploaded_file=upload(data)).rows == 1


# --- encodings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_csv_encodings_are_detected(coordinator: User, every_wave: Wave, encoding: str) -> None:
    data = csv_file(as_lists([good_row(T1="日本語の自由記述①")]), encoding)
    record = services.responses_import(
        actor=coordinator, wave=every_wave, uploaded_file=upload(data, "回答.csv"), channel=Channel.EXCEL
    )
    assert (record.file_format, record.encoding, record.rows) == ("csv", encoding, 1)
    assert Response.objects.get(wave=every_wave).answers["T1"] == "日本語の自由記述①"


def test_a_tab_separated_file_reads_too(coordinator: User, every_wave: Wave) -> None:
    text = "\r\n".join("\t".join("" if v is None else str(v) for v in row) for row in as_lists([good_row(T2="x")]))
    record = services.responses_import(
        actor=coordinator, wave=every_wave, uploaded_file=upload(text.encode("utf-8"), "回答.csv")
    )
    assert record.rows == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeff".encode("utf-16-le") + "回答ID,S1\r\n".encode("utf-16-le"), "UTF-16"),
        ("回答ID,S1\r\n,男性\r\n".encode("euc_jp"), "EUC-JP"),
        (b"S1,T1\r\n1,caf\xe9,\r\n", "2行目"),
        (b"S1\r\n\x001\r\n", "CSV（文字のファイル）ではありません"),
    ],
    ids=["utf16", "euc-jp", "latin1", "binary"],
)
def test_unexpected_encodings_are_refused_by_name(
    coordinator: User, every_wave: Wave, data: bytes, expected: str
) -> None:
    error = the_error(refused(coordinator, every_wave, data, "回答.csv"))
    assert expected in str(error), str(error)


# --- bad cells, each named -----------------------------------------------------------------------------------


def col(header: str) -> str:
    return column_letter(HEADER.index(header))


@pytest.mark.parametrize(
    ("cells", "header", "needle"),
    [
        ({"S1": None}, "S1", "回答してください"),  # a required answer missing
        ({"N1": 400}, "N1", "300以下"),  # out of range
        ({"N2": "2.5"}, "N2", "整数"),
        ({"N1": "十二"}, "N1", "数字"),
        ({"S1": 7}, "S1", "「7」は選択肢にありません"),  # a choice that does not exist
        ({"L1": "とても"}, "L1", "選択肢にありません"),
        ({"X1-b": "refused"}, "X1-b", "選択肢にありません"),  # X1 offers dk only
        ({"sex": "女"}, "sex", "F=女性"),
        ({"S1": "=SUM(A1:A3)"}, "S1", "数式のような値"),  # formula-like text in a code cell
        ({"N1": "@12"}, "N1", "数式のような値"),
        ({"M1_2": 2}, "M1_2", "1、選ばなかったときは 0"),
        ({"R1_2位": "04"}, "R1_2位", "同じ理由が2回"),  # a ranking with repeats: the second occurrence
        ({"R1_2位": None}, "R1_2位", "2位が空いています"),
        ({"S1": True}, "S1", "選択肢にありません"),
        ({"企業・団体": "株式会社どこか"}, "企業・団体", "配布先の企業・団体ではありません"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_cell_is_named_by_sheet_row_and_column(
    coordinator: User, every_wave: Wave, cells: dict[str, Any], header: str, needle: str
) -> None:
    rows = [good_row(), {}, good_row(**cells)]  # the bad row is Excel's row 4 (header, good, blank, bad)
    error = the_error(refused(coordinator, every_wave, xlsx_file(as_lists(rows))))
    assert (error.sheet, error.row, error.column, error.header) == ("回答", 4, col(header), header), str(error)
    assert needle in error.message, error.message
    assert str(error).startswith(f"シート「回答」 4行目 {col(header)}列（{header}）：")


def test_multiple_choice_problems_name_the_question_s_columns(coordinator: User, every_wave: Wave) -> None:
    too_many = good_row(M1_2=1)  # max 2
    exclusive = good_row(M1_9=1, M1_3=0)
    error = refused(coordinator, every_wave, xlsx_file(as_lists([too_many, exclusive])))
    columns = f"{col('M1_1')}〜{col('M1_9')}"
    assert [(e.row, e.column, e.header) for e in error.errors] == [
        (2, columns, "M1_1〜M1_9"),
        (3, columns, "M1_1〜M1_9"),
    ]
    assert "2個まで" in error.errors[0].message and "特にない" in error.errors[1].message


def test_full_width_digits_codes_without_leading_zeros_and_labels_are_accepted(
    coordinator: User, every_wave: Wave
) -> None:
    row = good_row(
        N1="１２．５時間", S1="１", L1="ややそう思う", **{"R1_1位": 4, "R1_2位": "８", "X1-b": "ＤＫ", "M1_1": "１"}
    )
    services.responses_import(actor=coordinator, wave=every_wave, uploaded_file=upload(xlsx_file(as_lists([row]))))
    answers = Response.objects.get(wave=every_wave).answers
    assert answers["N1"] == 12.5 and answers["S1"] == "1" and answers["L1"] == "2"
    assert answers["R1"] == ["04", "08", "01"] and answers["X1"] == {"X1-a": "1", "X1-b": "dk"}


def test_formula_like_text_in_a_free_text_cell_is_stored_as_text(coordinator: User, every_wave: Wave) -> None:
    row = good_row(T1="=SUM(A1:A3)", T2='\'=HYPERLINK("http://evil")')  # the second as an export neutralised it
    services.responses_import(
        actor=coordinator, wave=every_wave, uploaded_file=upload(csv_file(as_lists([row])), "回答.csv")
    )
    answers = Response.objects.get(wave=every_wave).answers
    assert answers["T1"] == "=SUM(A1:A3)" and answers["T2"] == '=HYPERLINK("http://evil")'


def test_a_real_formula_cell_is_refused_by_cell(coordinator: User, every_wave: Wave) -> None:
    data = xlsx_file(as_lists([good_row(), good_row()]), formulas={f"{col('N1')}3": "=10+2"})
    error = the_error(refused(coordinator, every_wave, data))
    assert (error.row, error.column, error.header) == (3, col("N1"), "N1")
    assert "数式が入っています" in error.message


def test_merged_header_cells_are_refused_naming_the_range(coordinator: User, every_wave: Wave) -> None:
    lists = as_lists([good_row()])
    lists[0][HEADER.index("M1_2")] = None  # merging keeps the first cell's value only
    letter1, letter2 = col("M1_1"), col("M1_2")
    refusal = refused(coordinator, every_wave, xlsx_file(lists, merge=f"{letter1}1:{letter2}1"))
    messages = [str(e) for e in refusal.errors]
    assert any(f"{letter1}1:{letter2}1 が結合されています" in m for m in messages), messages


def test_merged_data_cells_are_refused(coordinator: User, every_wave: Wave) -> None:
    rows = as_lists([good_row(), good_row(T1=None, T2=None)])
    letter = col("T1")
    refusal = refused(coordinator, every_wave, xlsx_file(rows, merge=f"{letter}3:{col('T2')}3"))
    assert any(e.row == 3 and e.column == letter and "結合" in e.message for e in refusal.errors)


def test_header_problems_are_named(coordinator: User, every_wave: Wave) -> None:
    lists = as_lists([good_row()])
    lists[0][HEADER.index("T1")] = "T9"  # unknown, and T1 goes missing
    lists[0][HEADER.index("T2")] = "S1"  # a duplicate
    for row in lists:
        row.append(None)
    lists[1][-1] = "値だけ"  # a value under an empty header
    messages = [str(e) for e in refused(coordinator, every_wave, xlsx_file(lists)).errors]
    assert f"シート「回答」 1行目 {col('T1')}列（T9）：見出し「T9」はこの調査の調査票にありません。" in messages[0]
    assert any("見出し「S1」が" in m and f"{col('S1')}列と重複" in m for m in messages)
    assert any(f"{column_letter(len(HEADER))}列：見出しが空ですが" in m for m in messages)
    assert any("列「T1」「T2」がありません" in m for m in messages)


def test_a_ten_megabyte_text_cell_gets_a_message_not_a_crash(coordinator: User, every_wave: Wave) -> None:
    huge = "あ" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8
    error = the_error(refused(coordinator, every_wave, csv_file(as_lists([good_row(T2=huge)])), "回答.csv"))
    assert (error.row, error.column, error.header) == (2, col("T2"), "T2")
    assert "4,000字以内" in error.message and f"{len(huge):,}字" in error.message


def test_every_problem_is_counted_and_the_first_200_listed(coordinator: User, every_wave: Wave) -> None:
    rows = [good_row(S1=9) for _ in range(260)]
    refusal = refused(coordinator, every_wave, csv_file(as_lists(rows)), "回答.csv")
    assert refusal.total == 260 and len(refusal.errors) == 200
    assert "260件の誤り" in refusal.summary and "最初の200件" in refusal.summary
    assert refusal.errors[0].row == 2 and refusal.errors[-1].row == 201


def test_one_bad_row_among_many_saves_nothing(coordinator: User, every_wave: Wave) -> None:
    rows = [good_row() for _ in range(50)] + [good_row(N1=-1)] + [good_row() for _ in range(50)]
    error = the_error(refused(coordinator, every_wave, xlsx_file(as_lists(rows))))
    assert (error.row, error.header) == (52, "N1")


def test_an_empty_sheet_and_a_header_only_sheet_are_refused(coordinator: User, every_wave: Wave) -> None:
    assert "空です" in the_error(refused(coordinator, every_wave, xlsx_file([]))).message
    assert "1行もありません" in the_error(refused(coordinator, every_wave, xlsx_file([HEADER]))).message
    only_numbers = as_lists([{"回答ID": "紙1"}, {"回答ID": "紙2"}])  # form numbers typed ahead: blank rows
    assert "1行もありません" in the_error(refused(coordinator, every_wave, xlsx_file(only_numbers))).message


# --- broken files and ZIP bombs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"%PDF-1.4 not a workbook", "回答.xlsx", "中身が拡張子（.xlsx）と一致しません"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "回答.xlsx", "古い形式（.xls）"),
        (b"anything", "回答.xls", "古い形式（.xls）"),
        (b"anything", "回答.pdf", "種類（.pdf）は受け付けていません"),
        (b"", "回答.csv", "空です"),
    ],
    ids=["pdf-as-xlsx", "ole2", "xls", "pdf", "empty"],
)
def test_files_that_are_not_an_import_sheet_are_refused(
    coordinator: User, every_wave: Wave, data: bytes, name: str, needle: str
) -> None:
    assert needle in the_error(refused(coordinator, every_wave, data, name)).message


def test_a_truncated_xlsx_is_refused(coordinator: User, every_wave: Wave) -> None:
    data = xlsx_file(as_lists([good_row()]))
    assert (
        "壊れているか、途中で切れています"
        in the_error(refused(coordinator, every_wave, data[: len(data) // 2])).message
    )


def _bomb(declared_small: bool) -> bytes:
    """An .xlsx whose sheet inflates to 300 MB of spaces (about 300 KB compressed). With `declared_small` the
    central directory lies that it inflates to 1,000 bytes."""
    out = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(300):
                sheet.write(chunk)
    data = bytearray(out.getvalue())
    if declared_small:
        central = data.rfind(b"PK\x01\x02")  # the last entry's central directory record: the sheet
        assert data[central + 46 : central + 46 + 24] == b"xl/worksheets/sheet1.xml"
        extra_length = int.from_bytes(data[central + 30 : central + 32], "little")
        if data[central + 24 : central + 28] == b"\xff\xff\xff\xff":  # zip64: the size lives in the extra field
            extra = central + 46 + 24
            assert extra_length >= 12
            data[extra + 4 : extra + 12] = (1000).to_bytes(8, "little")
        else:
            data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize("declared_small", [False, True], ids=["declared", "lying-header"])
def test_a_zip_bomb_is_refused_without_inflating_it(coordinator: User, every_wave: Wave, declared_small: bool) -> None:
    data = _bomb(declared_small)
    assert len(data) < 2 * 1024 * 1024
    message = the_error(refused(coordinator, every_wave, data)).message
    if declared_small:
        assert "読めません" in message  # inflating stops at the declared size and the CRC does not match
    else:
        assert "ZIP 爆弾" in message


# --- an export imported back ---------------------------------------------------------------------------------


def _answer_on_the_web(wave: Wave, count: int) -> None:
    link = wave.links.get()
    for n in range(count):
        answers = every_type_answers(
            S1="1" if n % 2 else "2",
            C1="1" if n % 2 else None,
            T1=f"=回答{n}" if n % 3 == 0 else f"回答{n}",
            M1=["9"] if n % 4 == 0 else ["1", "2"],
            R1=["10", "02"][: 1 + n % 2],
            N2=str(n + 1) if n % 2 else None,
        )
        services.response_submit(
            link=link,
            submission_id=uuid.uuid4(),
            answers=answers,
            attributes={"sex": ["F", "M", "R"][n % 3], "age_band": "-29" if n % 2 else "60+"},
        )


def _second_wave(coordinator: User, wave: Wave) -> Wave:
    today = timezone.localdate()
    organisation = wave.links.get().organisation
    assert organisation is not None
    other = services.wave_create(
        actor=coordinator,
        version=wave.version,
        name="同じ調査票の次の回",
        fiscal_year=2027,
        opens_on=today,
        closes_on=today,
        organisations=[organisation],
    )
    return services.wave_open(actor=coordinator, wave=other)


def _contents(wave: Wave) -> Counter[str]:
    import json

    return Counter(
        json.dumps([r.answers, r.sex, r.age_band, r.organisation_id], sort_keys=True, ensure_ascii=False)
        for r in Response.objects.filter(wave=wave)
    )


def _answer_rows(wave: Wave) -> Counter[tuple[Any, ...]]:
    return Counter(
        ResponseAnswer.objects.filter(wave=wave).values_list("item_code", "seq", "choice_code", "value", "text", "sex")
    )


@pytest.mark.parametrize(("fmt", "query"), [("xlsx", ""), ("csv", ""), ("csv", "?encoding=cp932")])
def test_an_export_imported_into_another_wave_has_the_same_answers(
    coordinator: User, every_wave: Wave, fmt: str, query: str
) -> None:
    _answer_on_the_web(every_wave, 12)
    exported = logged_in(coordinator).get(reverse("surveys:wave_export", args=[every_wave.pk, fmt]) + query).content
    other = _second_wave(coordinator, every_wave)
    record = services.responses_import(actor=coordinator, wave=other, uploaded_file=upload(exported, f"書き出し.{fmt}"))
    assert record.rows == 12
    assert _contents(other) == _contents(every_wave)
    assert _answer_rows(other) == _answer_rows(every_wave)
    assert not set(Response.objects.filter(wave=other).values_list("submission_id", flat=True)) & set(
        Response.objects.filter(wave=every_wave).values_list("submission_id", flat=True)
    )


def test_an_export_imported_into_its_own_wave_is_refused(coordinator: User, every_wave: Wave) -> None:
    _answer_on_the_web(every_wave, 3)
    exported = logged_in(coordinator).get(reverse("surveys:wave_export", args=[every_wave.pk, "xlsx"])).content
    refusal = refused(coordinator, every_wave, exported)
    assert refusal.total == 3 and [e.row for e in refusal.errors] == [2, 3, 4]
    assert all(e.header == "回答ID" and "すでに保存されています" in e.message for e in refusal.errors)


# --- the pages -----------------------------------------------------------------------------------------------


def test_the_wave_page_offers_the_import_and_lists_past_imports(coordinator: User, every_wave: Wave) -> None:
    client = logged_in(coordinator)
    page = client.get(reverse("surveys:wave_detail", args=[every_wave.pk])).content.decode()
    assert "紙・Excel の回答の取込" in page and "まだ取り込んでいません。" in page
    data = xlsx_file(as_lists([good_row(), good_row()]))
    response = client.post(
        reverse("surveys:wave_import", args=[every_wave.pk]),
        {"file": upload(data, "紙の回答.xlsx"), "channel": "paper"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#import")
    page = client.get(response["Location"]).content.decode()
    assert "「紙の回答.xlsx」から2件の回答を取り込みました。" in page
    assert "紙の回答.xlsx" in page and "紙（入力）" in page


def test_a_refused_upload_shows_every_cell_and_saves_nothing(coordinator: User, every_wave: Wave) -> None:
    client = logged_in(coordinator)
    before = state()
    data = csv_file(as_lists([good_row(S1=None), good_row(N1=999)]))
    response = client.post(
        reverse("surveys:wave_import", args=[every_wave.pk]), {"file": upload(data, "回答.csv"), "channel": "excel"}
    )
    assert response.status_code == 400
    assert state() == before
    page = response.content.decode()
    assert 'role="alert"' in page and "2件の誤りがあります" in page and "1件も保存していません" in page
    assert f">{col('S1')}</td><td>S1</td><td>この質問に回答してください。</td>" in page
    assert f">{col('N1')}</td><td>N1</td><td>300以下の数字を入力してください。</td>" in page


def test_the_import_page_without_a_file_is_a_400(coordinator: User, every_wave: Wave) -> None:
    response = logged_in(coordinator).post(reverse("surveys:wave_import", args=[every_wave.pk]), {"channel": "paper"})
    assert response.status_code == 400


# --- the API -------------------------------------------------------------------------------------------------


def _api_upload(api: Any, wave: Wave, data: bytes, name: str, **fields: str) -> Any:
    response = api.client.post(
        f"/api/v1/surveys/waves/{wave.pk}/imports", data={"file": upload(data, name), **fields}, headers=api.headers
    )
    response.json_body = response.json()
    return response


def test_api_imports_lists_and_serves_the_blank_sheet(coordinator: User, every_wave: Wave) -> None:
    from shokuba.api.tests.helpers import Api

    api = Api(coordinator, auth="token")
    created = _api_upload(api, every_wave, xlsx_file(as_lists([good_row(), good_row()])), "紙.xlsx", channel="paper")
    assert created.status_code == 201, created.content.decode()
    body = created.json_body
    assert body["rows"] == 2 and body["channel"] == "paper" and body["file_format"] == "xlsx"
    assert body["created_by"] == coordinator.username and len(body["file_sha256"]) == 64
    listed = api.get(f"surveys/waves/{every_wave.pk}/imports")
    assert listed.status_code == 200 and [r["id"] for r in listed.json_body] == [body["id"]]
    sheet = api.get(f"surveys/waves/{every_wave.pk}/import-sheet")
    assert sheet.status_code == 200 and load_workbook(io.BytesIO(sheet.content)).sheetnames[0] == "回答"
    csv_sheet = api.get(f"surveys/waves/{every_wave.pk}/import-sheet?format=csv&encoding=cp932")
    assert next(csv.reader(io.StringIO(csv_sheet.content.decode("cp932")))) == HEADER


def test_api_refusal_names_every_cell_in_the_error_shape(coordinator: User, every_wave: Wave) -> None:
    from shokuba.api.tests.helpers import Api, assert_error_shape

    api = Api(coordinator, auth="token")
    before = state()
    data = csv_file(as_lists([good_row(S1=None), good_row(**{"R1_1位": "01", "R1_2位": "01"})]), "cp932")
    response = _api_upload(api, every_wave, data, "回答.csv")
    assert_error_shape(response, 422)
    assert state() == before
    assert response.json_body["message"] == "取り込めませんでした。2件の誤りがあります。1件も保存していません。"
    detail = response.json_body["detail"]
    assert [d["loc"] for d in detail] == [["body", "file", "", 2, col("S1")], ["body", "file", "", 3, col("R1_2位")]]
    assert detail[1]["msg"].startswith(f"3行目 {col('R1_2位')}列（R1_2位）：同じ理由が2回以上")
    # One file uploaded twice (openpyxl stamps the time into each workbook it writes, so build it once).
    workbook = xlsx_file(as_lists([good_row()]))
    again = _api_upload(api, every_wave, workbook, "a.xlsx")
    assert again.status_code == 201
    duplicate = _api_upload(api, every_wave, workbook, "b.xlsx")
    assert_error_shape(duplicate, 422)
    assert "取り込み済み" in duplicate.json_body["message"]


def test_api_import_without_a_file_is_a_422_naming_the_field(coordinator: User, every_wave: Wave) -> None:
    from shokuba.api.tests.helpers import Api, assert_error_shape

    api = Api(coordinator, auth="token")
    response = api.client.post(f"/api/v1/surveys/waves/{every_wave.pk}/imports", data={}, headers=api.headers)
    response.json_body = response.json()
    assert_error_shape(response, 422)
    assert response.json_body["detail"][0]["loc"] == ["body", "file"]
    assert "ファイル" in response.json_body["detail"][0]["msg"]

"""Cells → values, undoing what spreadsheets do to them where that is unambiguous, refusing with the reason where
it is not (DOMAIN.md §8: opening and saving a file turns 「60+」 into 60, 「04」 into 4, 「1-2」 into a date and a
法人番号 into 1.23E+12).

- `plain_text`: the cell as typed (numbers without '.0', dates as ISO, the exports' neutralising quote taken off).
- `cell_text`: normalised text for matching (full-width folded by NFKC, spaces at the ends taken off).
- `Codebook.match`: a code from a code, its label (NFKC, spaces and case ignored), an alias, a number that lost
  its code's form (4 → "04", 60 → "60+", -29 → "-29", when exactly one code has those digits), or a date that
  was a code (1 月 2 日 → "1-2", when exactly one of the codebook's codes reads as that month and day).
- `number_of`: full-width digits, thousands separators, △/▲ for minus, a trailing unit; "-", "…", 非公表 and the
  like are not disclosed (None); 1.5E+3 is a number.
- `date_of`: a date cell, an Excel serial (1900 date system, where the column expects a date), 2025年10月30日,
  2025/10/30, 2025-10-30, 令和7年10月30日, R7.10.30, 20251030.
- `identifier_of`: digits kept as digits (法人番号, area codes): a number becomes its digits (zero-filled to
  `width`), and 1.23457E+12 is refused: the digits it lost cannot be recovered.
Each raises `CellValueError` with a Japanese message saying what the cell holds and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from shokuba.analysis.i18n import _
from shokuba.tabular.errors import short

NEUTRALISED = ("=", "+", "-", "@", "\t", "\r")  # core.exports puts a quote before text starting with these
FORMULA_LIKE = ("=", "+", "@")  # in a code or number cell; "-" starts valid codes (-29) and negative numbers

UNDISCLOSED = frozenset(
    {
        "",
        "-",
        "－",
        "−",
        "‐",
        "―",
        "ー",
        "—",
        "–",
        "…",
        "...",
        "‥",
        "・・・",
        "*",
        "＊",
        "***",
        "x",
        "X",
        "非公表",
        "非開示",
        "秘匿",
        "不明",
        "なし",
        "該当なし",
        "N/A",
        "n/a",
        "NA",
    }
)
NUMBER_UNITS = (
    *("%", "人", "名", "倍", "時間/月", "時間", "h", "年", "か月", "ヶ月", "日"),
    *("千円", "万円", "円", "件", "社"),
)


class CellValueError(ValueError):
    """A cell that does not hold what its column expects; `message` (Japanese) says what it holds and what was
    expected, ready to put beside the cell's place."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --- text ---------------------------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    try:
        return format(Decimal(repr(value)), "f")
    except InvalidOperation:  # nan, inf
        return repr(value)


def unneutralised(text: str) -> str:
    """The exports' quote before formula-like text ('=…, '-29) comes off again."""
    if len(text) > 1 and text[0] == "'" and text[1] in NEUTRALISED:
        return text[1:]
    return text


def plain_text(value: Any) -> str:
    """A cell as text as typed: numbers without '.0', dates as ISO, strings untouched except the export's quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unneutralised(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def folded(value: Any) -> str:
    """A code or number cell as text: as typed, full-width folded (NFKC), spaces at the ends taken off."""
    text = plain_text(value)
    return text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def cell_text(value: Any) -> str:
    """A cell as normalised text: full-width digits and signs folded (NFKC), integers without '.0', dates as ISO.
    Unlike `folded`, a quote before text stays (the regional tables never neutralise)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def label_key(text: str) -> str:
    """Labels and names compared after NFKC, without spaces, case folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# --- digits lost to scientific notation -----------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+-]?\d+$")


def _lost_digits(text: str) -> CellValueError:
    return CellValueError(
        _(
            "「%(value)s」は表計算ソフトで指数表記に変わり、桁が失われています（元の数字は戻せません）。"
            "セルの書式を「文字列」にして入力し直すか、元のファイルから取り込んでください。"
        )
        % {"value": short(text, 20)}
    )


def identifier_of(value: Any, *, width: int | None = None) -> str | None:
    """Digits that identify something (法人番号, an area code): None for a blank cell; a number becomes its digits
    zero-filled to `width` (a spreadsheet drops leading zeros); scientific notation (1.23457E+12) is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellValueError(_("数字を入力してください（「%(value)s」）。") % {"value": plain_text(value)})
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or value < 0:
            raise CellValueError(_("「%(value)s」は数字の並びとして読めません。") % {"value": plain_text(value)})
        if value >= 1e15:  # past 15 significant digits a spreadsheet keeps no more
            raise _lost_digits(repr(value))
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        return text.zfill(width) if width else text
    text = folded(value).replace(" ", "")
    if _SCIENTIFIC.match(text):
        raise _lost_digits(text)
    return text


# --- numbers ----------------------------------------------------------------------------------------------------


def number_of(
    value: Any,
    *,
    undisclosed: frozenset[str] = UNDISCLOSED,
    zero: frozenset[str] = frozenset(),
    units: tuple[str, ...] = NUMBER_UNITS,
) -> float | None:
    """A number typed by a person or exported by a spreadsheet: full-width digits, thousands separators, △/▲ for
    minus and a trailing unit are accepted; a text in `undisclosed` ("-", "…", 非公表, a blank) is None; a text in
    `zero` is 0 (e-Stat writes "-" for none at all). Raises CellValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellValueError(_("「%(value)s」は数字として読めません。") % {"value": plain_text(value)})
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellValueError(_("「%(value)s」は数字として読めません。") % {"value": plain_text(value)})
        return float(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellValueError(
            _("日付や時刻（%(value)s）になっています。数字を入力してください。") % {"value": plain_text(value)}
        )
    text = folded(value)
    if text in zero:
        return 0.0
    if text in undisclosed:
        return None
    compact = text.replace(",", "").replace(" ", "")
    for unit in units:
        if compact.endswith(unit) and len(compact) > len(unit):
            compact = compact[: -len(unit)]
            break
    if compact in undisclosed:
        return None
    if compact[:1] in {"△", "▲"}:
        compact = "-" + compact[1:]
    try:
        number = Decimal(compact)
    except InvalidOperation:
        raise CellValueError(_("「%(value)s」は数字として読めません。") % {"value": short(text, 20)}) from None
    if not number.is_finite():
        raise CellValueError(_("「%(value)s」は数字として読めません。") % {"value": short(text, 20)})
    return float(number)


# --- dates ------------------------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 61 is 1900-03-01: Excel counts a 29 February 1900 that never was
MAX_SERIAL = 2_958_465  # 9999-12-31
ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
_ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")
_YMD = re.compile(
    r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"  # a time of day after it (a datetime written as text)
)
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def serial_date(serial: float) -> dt.date:
    """The date of an Excel serial number (1900 date system); a fraction (the time of day) is dropped."""
    if not math.isfinite(serial) or not 1 <= serial <= MAX_SERIAL:
        raise CellValueError(_("「%(value)s」は日付として読めません。") % {"value": plain_text(serial)})
    days = int(serial)
    if days == 60:
        raise CellValueError(_("1900年2月29日という日付はありません（Excel の誤りです）。"))
    if days < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=days)
    return EXCEL_EPOCH + dt.timedelta(days=days)


def _date_error(text: str) -> CellValueError:
    return CellValueError(
        _("「%(value)s」は日付として読めません。2025年10月30日 や 2025/10/30 の形で入力してください。")
        % {"value": short(text, 20)}
    )


def date_of(value: Any, *, serial: bool = True) -> dt.date | None:
    """A date from a date cell, an Excel serial number (when `serial`: the column expects a date, so a number is
    the date a spreadsheet stored), or a text in the forms the module's docstring lists. None for a blank cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _date_error(plain_text(value))
    if isinstance(value, int | float):
        if not serial:
            raise _date_error(plain_text(value))
        return serial_date(float(value))
    text = folded(value)
    try:
        if match := _YMD.match(text):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _ERA_DATE.match(text):
            era_year = 1 if match.group(2) == "元" else int(match.group(2))
            return dt.date(ERAS[match.group(1)] + era_year, int(match.group(3)), int(match.group(4)))
        if match := _YMD_COMPACT.match(text):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise _date_error(text) from None
    if serial and re.fullmatch(r"\d{1,7}(?:\.\d+)?", text):
        return serial_date(float(text))
    raise _date_error(text)


# --- codes ------------------------------------------------------------------------------------------------------

_CODE_NUMBER = re.compile(r"^(-?)(\d+)\+?$")  # "04", "-29", "60+": a code that is a number with decorations
_MONTHS = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), start=1)}
_MONTH_DAY_TEXTS = (
    re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})日$"),
    re.compile(r"^(?:\d{4})[/.-](?P<m>\d{1,2})[/.-](?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(?:\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$"),
    re.compile(r"^(?P<d>\d{1,2})[- ](?P<mon>[A-Za-z]{3})(?:[- ]\d{2,4})?$"),  # 9-Mar, 09 Mar 26
    re.compile(r"^(?P<mon>[A-Za-z]{3})[- ](?P<d>\d{1,2})(?:,? \d{4})?$"),  # Mar-9, Mar 09 (LibreOffice's CSV)
)
_SLASHED = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/\d{2,4})?$")  # M/D or D/M: both are tried


@dataclass(frozen=True)
class Code:
    """One code of a codebook: the code, its label, and other words that mean it."""

    code: str
    label: str = ""
    aliases: tuple[str, ...] = ()


class Codebook:
    """The codes a column accepts, and how to find one from what a cell holds (see the module's docstring)."""

    def __init__(self, codes: Iterable[Code | tuple[str, str]]) -> None:
        self.codes: tuple[Code, ...] = tuple(c if isinstance(c, Code) else Code(c[0], c[1]) for c in codes)
        self._exact = {c.code: c.code for c in self.codes}

    @cached_property
    def _by_key(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for c in self.codes:
            for word in (c.code, c.label, *c.aliases):
                if word:
                    found.setdefault(label_key(word), set()).add(c.code)
        return found

    @cached_property
    def _by_number(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for c in self.codes:
            match = _CODE_NUMBER.match(c.code)
            if match:
                number = int(match.group(2)) * (-1 if match.group(1) else 1)
                found.setdefault(number, []).append(c.code)
        return found

    @cached_property
    def _by_month_day(self) -> dict[tuple[int, int], list[str]]:
        """Codes that a spreadsheet reads as a date: 「1-2」, 「3-9」, 「10-19」 → (month, day)."""
        found: dict[tuple[int, int], list[str]] = {}
        for c in self.codes:
            match = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", c.code)
            if match:
                found.setdefault((int(match.group(1)), int(match.group(2))), []).append(c.code)
        return found

    def expected(self, limit: int = 12) -> str:
        """「F=女性 / M=男性 / …」 for a message."""
        shown = " / ".join(f"{c.code}={c.label}" if c.label else c.code for c in self.codes[:limit])
        return shown + (" …" if len(self.codes) > limit else "")

    def _unknown(self, text: str) -> CellValueError:
        return CellValueError(
            _("「%(value)s」は選択肢にありません。次のどれかを入力してください：%(codes)s")
            % {"value": short(text, 20), "codes": self.expected()}
        )

    def match(self, value: Any) -> str | None:
        """The code a cell means; None for a blank cell. Raises CellValueError (unknown, ambiguous, digits lost)."""
        if isinstance(value, str):
            if value in self._exact:  # the common case, kept cheap
                return value
            if not value.strip():
                return None
            return self._match_text(folded(value))
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._unknown(plain_text(value))
        if isinstance(value, int | float):
            return self._match_number(value)
        if isinstance(value, dt.datetime | dt.date):  # month-day or, in a day-month locale, day-month
            pairs = sorted({(value.month, value.day), (value.day, value.month)})
            return self._match_month_day(pairs, plain_text(value))
        raise self._unknown(plain_text(value))

    def _match_text(self, text: str) -> str:
        if text in self._exact:
            return text
        by_key = self._by_key.get(label_key(text), set())
        if len(by_key) == 1:
            return next(iter(by_key))
        if len(by_key) > 1:
            raise CellValueError(
                _("「%(value)s」に当たるコードが複数あります（%(codes)s）。コードで入力してください。")
                % {"value": short(text, 20), "codes": "、".join(sorted(by_key))}
            )
        if text.startswith(FORMULA_LIKE):
            raise CellValueError(
                _("数式のような値（%(value)s）は使えません。次のどれかを入力してください：%(codes)s")
                % {"value": short(text, 20), "codes": self.expected()}
            )
        if _SCIENTIFIC.match(text):
            raise _lost_digits(text)
        if re.fullmatch(r"-?\d+(?:\.0+)?", text):
            return self._match_number(float(text), text)
        month_days = _month_days(text)
        if month_days:
            return self._match_month_day(month_days, text)
        raise self._unknown(text)

    def _match_number(self, value: float, text: str = "") -> str:
        shown = text or plain_text(value)
        if not math.isfinite(value) or not float(value).is_integer():
            raise self._unknown(shown)
        number = int(value)
        if str(number) in self._exact:
            return str(number)
        candidates = self._by_number.get(number, [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise CellValueError(
                _(
                    "数値 %(value)s に当たるコードが複数あります（%(codes)s）。表計算ソフトが数値に変えたようです。"
                    "コードを文字列として入力してください。"
                )
                % {"value": shown, "codes": "、".join(candidates)}
            )
        raise self._unknown(shown)

    def _match_month_day(self, month_days: list[tuple[int, int]], shown: str) -> str:
        candidates = sorted({code for md in month_days for code in self._by_month_day.get(md, [])})
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise CellValueError(
                _(
                    "「%(value)s」は表計算ソフトで日付に変わったようですが、どのコードか決められません（%(codes)s）。"
                    "コードを文字列として入力してください。"
                )
                % {"value": short(shown, 20), "codes": "、".join(candidates)}
            )
        raise CellValueError(
            _("「%(value)s」は日付になっていて、選択肢にありません。次のどれかを入力してください：%(codes)s")
            % {"value": short(shown, 20), "codes": self.expected()}
        )


def _month_days(text: str) -> list[tuple[int, int]]:
    """The (month, day) pairs a text that a spreadsheet wrote for a date can mean."""
    for pattern in _MONTH_DAY_TEXTS:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            month = _MONTHS.get(groups["mon"].lower(), 0) if groups.get("mon") else int(groups["m"])
            return [(month, int(groups["d"]))] if month else []
    match = _SLASHED.match(text)
    if match:
        a, b = int(match.group("a")), int(match.group("b"))
        return sorted({(a, b), (b, a)})
    return []

"""Checks for the public codes people type: JIS X 0402 local government codes and 法人番号.

Every place that accepts such a code (form, API, import) goes through these functions, so that a code is
normalised and explained the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _


class CodeError(ValueError):
    """A code that cannot be accepted; the message is shown to the user as it is."""


class CheckDigitError(CodeError):
    """A code of the right form whose check digit is wrong (no schema can state a check digit)."""


# What a typed code may look like before it is normalised: ASCII or full-width digits, with spaces (also the
# ideographic U+3000) and hyphens (also U+FF0D) between or after them, leading spaces. The API schema states
# these same patterns, so it promises exactly what the server reads.
_DIGIT = "[0-9\\uff10-\\uff19]"
_SEPARATOR = "[ \\u3000\\-\\uff0d]"
LOCAL_GOVERNMENT_CODE_PATTERN = f"^[ \\u3000]*(?:{_DIGIT}{_SEPARATOR}*){{5,6}}$"
CORPORATE_NUMBER_PATTERN = f"^[ \\u3000]*(?:{_DIGIT}{_SEPARATOR}*){{13}}$"
_ALLOWED = re.compile(f"[ \\u3000]*(?:{_DIGIT}{_SEPARATOR}*)*")  # the patterns without their lengths


def _digits(raw: str) -> str:
    # People paste full-width digits (１２３) and stray spaces or hyphens from Excel.
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace("-", "").replace(" ", "")
    return text


def _only_digits_and_separators(raw: str) -> bool:
    return _ALLOWED.fullmatch(str(raw)) is not None


def local_government_check_digit(body: str) -> int:
    """Check digit of JIS X 0402: weights 6..2 over the five digits, (11 - sum mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def normalise_local_government_code(raw: str) -> str:
    """Return the 6-digit code for a 5- or 6-digit input, or raise CodeError with a Japanese message."""
    text = _digits(raw)
    if not text:
        raise CodeError(_("地方公共団体コードを入力してください。"))
    if not text.isdigit() or not _only_digits_and_separators(raw):
        raise CodeError(_("地方公共団体コード「%(code)s」には数字以外の文字が含まれています。") % {"code": raw})
    if len(text) == 5:
        return text + str(local_government_check_digit(text))
    if len(text) != 6:
        raise CodeError(
            _("地方公共団体コード「%(code)s」は5桁または6桁で入力してください（%(n)d桁です）。")
            % {"code": raw, "n": len(text)}
        )
    expected = local_government_check_digit(text[:5])
    if int(text[5]) != expected:
        raise CheckDigitError(
            _("地方公共団体コード「%(code)s」の検査数字が正しくありません（末尾は %(digit)d のはずです）。")
            % {"code": raw, "digit": expected}
        )
    return text


def corporate_number_check_digit(body: str) -> int:
    """Check digit of a 法人番号 over its last twelve digits (国税庁's formula)."""
    total = 0
    for n, digit in enumerate(reversed(body), start=1):
        total += int(digit) * (1 if n % 2 == 1 else 2)
    return 9 - total % 9


def normalise_corporate_number(raw: str) -> str:
    """Return the 13-digit 法人番号, or raise CodeError with a Japanese message."""
    text = _digits(raw)
    if not text.isdigit() or not _only_digits_and_separators(raw):
        raise CodeError(_("法人番号「%(code)s」には数字以外の文字が含まれています。") % {"code": raw})
    if len(text) != 13:
        raise CodeError(
            _("法人番号「%(code)s」は13桁で入力してください（%(n)d桁です）。") % {"code": raw, "n": len(text)}
        )
    expected = corporate_number_check_digit(text[1:])
    if int(text[0]) != expected:
        raise CheckDigitError(
            _("法人番号「%(code)s」の検査数字（先頭の1桁）が正しくありません（%(digit)d のはずです）。")
            % {"code": raw, "digit": expected}
        )
    return text

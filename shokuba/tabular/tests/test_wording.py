"""The reader's messages are Japanese templates worded late: Japanese by default (the CLI), the request's
language behind the pages (Django installs its gettext into analysis.i18n at start-up)."""

from __future__ import annotations

import pytest
from django.utils import translation

from shokuba.tabular import Codebook, TableRefused, open_workbook


def _message() -> str:
    with pytest.raises(TableRefused) as caught:
        open_workbook("見出し\r\n".encode("utf-16"), "a.csv")
    return str(caught.value)


def test_messages_follow_the_active_language() -> None:
    with translation.override("ja"):
        assert "UTF-16（Unicode テキスト）のため読めません" in _message()
    with translation.override("en"):
        assert "is encoded in UTF-16 (Unicode Text) and cannot be read" in _message()
        with pytest.raises(ValueError, match="is not one of the choices"):
            Codebook([("F", "女性")]).match("x")

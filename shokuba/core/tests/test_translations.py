"""The English catalogue: every message translated, placeholders intact, the compiled .mo in step with the .po.

The msgids are Japanese and a missing translation silently falls back to Japanese, so these checks are what
keeps the English UI complete. After `make messages`, they fail until the new or fuzzy entries are translated
and the catalogue is compiled again.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# printf-style conversions as Python's % operator reads them: %(name)s, %(size).1f, %d, %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the subset of the PO format that makemessages writes (no obsolete entries)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def append(text: str) -> None:
        assert entry is not None and target is not None
        value = ast.literal_eval(text)  # a C-style quoted string; PO escapes are a subset of Python's
        keyword, index = target
        if keyword == "msgstr":
            entry.msgstr[index] += value
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            append(line)
        else:
            keyword, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
                entry.msgstr[target[1]] = ""
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = ""
            elif keyword in {"msgctxt", "msgid", "msgid_plural"}:
                target = (keyword, 0)
                setattr(entry, keyword, "")
            else:
                raise AssertionError(f"django.po:{number}: cannot read {raw!r}")
            append(rest)
    return entries


ENTRIES = parse_po(PO_PATH)
MESSAGES = [e for e in ENTRIES if e.msgid]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogue_has_the_messages() -> None:
    assert len(MESSAGES) > 500
    header = next(e for e in ENTRIES if not e.msgid)
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_message_is_translated() -> None:
    untranslated = [str(e) for e in MESSAGES if not e.msgstr or not all(e.msgstr.values())]
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_nothing_is_fuzzy() -> None:
    fuzzy = [str(e) for e in ENTRIES if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_messages_have_both_forms() -> None:
    for e in MESSAGES:
        expected = {0, 1} if e.msgid_plural is not None else {0}
        assert set(e.msgstr) == expected, e


def test_placeholders_are_kept() -> None:
    wrong = []
    for e in MESSAGES:
        for index, text in e.msgstr.items():
            source = e.msgid_plural if index and e.msgid_plural is not None else e.msgid
            if placeholders(text) != placeholders(source):
                wrong.append(f"{e}: {placeholders(source)} != {placeholders(text)} in {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_matches_the_po() -> None:
    assert MO_PATH.exists(), "run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    stale, keys = [], {""}
    for e in MESSAGES:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        keys.add(key)
        if e.msgid_plural is None:
            if catalog.get(key) != e.msgstr[0]:
                stale.append(str(e))
        elif [catalog.get((key, i)) for i in sorted(e.msgstr)] != [e.msgstr[i] for i in sorted(e.msgstr)]:
            stale.append(str(e))
    extra = {k if isinstance(k, str) else k[0] for k in catalog} - keys
    assert not stale and not extra, "django.mo is out of date; run compilemessages"
    assert compiled.gettext("ログイン") == "Log in"
    assert compiled.ngettext("%(n)s 団体", "%(n)s 団体", 1) == "%(n)s local government"
    assert compiled.ngettext("%(n)s 団体", "%(n)s 団体", 68) == "%(n)s local governments"


def test_django_resolves_the_translations() -> None:
    with translation.override("en"):
        assert translation.gettext("進捗一覧") == "Progress board"
        assert translation.gettext("ファイル「%(name)s」は空です。") % {"name": "a.pdf"} == "File “a.pdf” is empty."
    with translation.override("ja"):
        assert translation.gettext("進捗一覧") == "進捗一覧"


@pytest.mark.django_db
def test_the_login_page_is_japanese_by_default() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.content.decode()
    assert "ログイン" in response.content.decode()
    assert "Log in" not in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_is_english_with_the_language_cookie() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page
    assert "Shokuba Workplace Reform Tool" in page
    assert "ログイン" not in page

"""The wording of the pure modules (this engine, `workplace.readiness`): Japanese templates, translated by the host.

The engine imports no Django, yet its notes, summaries and explanations must reach an English page in English.
So every sentence it produces is a Japanese template with named placeholders, formatted late:

    _("回答が%(threshold)d人未満のため表示しません。") % {"threshold": threshold}

`_` / `gettext` / `ngettext` pass the template through the translator the host installed, and return it unchanged
when none is installed (the CLI, `python -m shokuba.analysis`, prints Japanese). Django installs its own gettext
and get_language once at start-up (`core.apps` calls `install`); Django's gettext follows
the language active in the request, so one analysis is worded in the language of the page or API call that ran it.
Texts fixed at import time (group presets, verdict labels) are only marked with `gettext_noop` and translated
where they are used. `makemessages` collects all of these names without extra keywords.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Translate = Callable[[str], str]
TranslatePlural = Callable[[str, str, int], str]


def _identity(message: str) -> str:
    return message


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _japanese() -> str | None:
    return "ja"


_translate: Translate = _identity
_translate_plural: TranslatePlural = _plural
_language: Callable[[], str | None] = _japanese


def install(*, gettext: Translate, ngettext: TranslatePlural, get_language: Callable[[], str | None]) -> None:
    """Called once by the host (Django's translation functions); idempotent."""
    global _translate, _translate_plural, _language
    _translate, _translate_plural, _language = gettext, ngettext, get_language


def uninstall() -> None:
    """Back to Japanese as written (tests)."""
    install(gettext=_identity, ngettext=_plural, get_language=_japanese)


def gettext(message: str) -> str:
    return _translate(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translate_plural(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks a text for makemessages without translating it (translated where it is used)."""
    return message


def language() -> str:
    """The active language code without region ("ja", "en"); Japanese when the host says nothing."""
    code = _language() or "ja"
    return code.split("-")[0].lower()


def join(parts: Iterable[str]) -> str:
    """A list in running text: 「A、B、C」 in Japanese, "A, B, C" in English."""
    return gettext("、").join(parts)

"""The portal's own catalogues (trama/portal/locale/<lang>/) are complete and consistent in every portal language:
no untranslated or fuzzy entry, placeholders and HTML kept, every plural form present, the .mo matching the .po.
The .po files are read with the staff catalogue test's parser (trama/core/tests/test_i18n.py)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

from trama.core.tests.test_i18n import HTML_TAG, NAMED, PLACEHOLDER, Entry, parse_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# Every portal language but Italian, the source (settings.LANGUAGES; Chinese is "zh_Hans" on disk).
LANGUAGES = ("en", "fr", "es", "ar", "uk", "zh_Hans")
PLURAL_FORMS = {"en": 2, "fr": 2, "es": 2, "ar": 6, "uk": 3, "zh_Hans": 1}


def _po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def _entries(lang: str) -> list[Entry]:
    return [entry for entry in parse_po(_po(lang)) if not entry.obsolete and not entry.is_header]


def _where(lang: str, entry: Entry) -> str:
    return f"{lang}/django.po:{entry.line} {entry.msgid!r}"


def _pairs(entry: Entry) -> list[tuple[str, str]]:
    if entry.msgid_plural is None:
        return [(entry.msgid, entry.msgstr.get(0, ""))]
    return [(entry.msgid if index == 0 and len(entry.msgstr) > 1 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr.items())]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_has_a_header_with_the_language_and_its_plural_rule(lang: str) -> None:
    header = next(entry for entry in parse_po(_po(lang)) if entry.is_header)
    assert "fuzzy" not in header.flags
    assert f"Language: {lang}\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    match = re.search(r"Plural-Forms: nplurals=(\d+);", header.msgstr[0])
    assert match is not None and int(match.group(1)) == PLURAL_FORMS[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_translates_every_entry_in_every_plural_form(lang: str) -> None:
    entries = _entries(lang)
    assert len(entries) > 100
    problems = []
    for entry in entries:
        forms = {0} if entry.msgid_plural is None else set(range(PLURAL_FORMS[lang]))
        if set(entry.msgstr) != forms or not all(text.strip() for text in entry.msgstr.values()):
            problems.append(_where(lang, entry))
        if "fuzzy" in entry.flags:
            problems.append(f"{_where(lang, entry)} is fuzzy")
    assert not problems, "untranslated or fuzzy:\n" + "\n".join(problems)


def test_it_has_the_same_entries_in_every_language() -> None:
    keys = {lang: {(e.msgctxt, e.msgid) for e in _entries(lang)} for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert keys[lang] == keys["en"], lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_keeps_placeholders_and_html_and_formats_with_the_source_arguments(lang: str) -> None:
    problems = []
    for entry in _entries(lang):
        for source, text in _pairs(entry):
            if "python-format" in entry.flags:
                same = sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text))
                names = NAMED.findall(source)
                try:
                    formatted = text % dict.fromkeys(names, 1) if names else text % ()
                except (KeyError, ValueError, TypeError):
                    formatted = None
                same = same and isinstance(formatted, str)
            else:
                same = sorted(NAMED.findall(source)) == sorted(NAMED.findall(text))
            if not same or HTML_TAG.findall(source) != HTML_TAG.findall(text):
                problems.append(f"{_where(lang, entry)} -> {text!r}")
    assert not problems, "placeholders or tags differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_ships_a_compiled_catalogue_matching_the_po_file(lang: str) -> None:
    mo = _po(lang).with_suffix(".mo")
    assert mo.exists(), "run: make messages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in _entries(lang):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(key) != entry.msgstr[0]:
                stale.append(_where(lang, entry))
        elif any(catalog.get((key, index)) != text for index, text in entry.msgstr.items()):
            stale.append(_where(lang, entry))
    assert not stale, "django.mo is out of date (run make messages):\n" + "\n".join(stale)


def test_a_text_both_catalogues_translate_reads_the_same_in_english() -> None:
    """The staff catalogue (LOCALE_PATHS) takes precedence over the portal's for a text both contain: a different
    English there would replace the portal's plain words for families ("ISEE required" for "ISEE (income
    statement) needed")."""
    staff_po = LOCALE.parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    staff = {(e.msgctxt, e.msgid): e.msgstr for e in parse_po(staff_po) if e.msgid and not e.obsolete}
    portal = {(e.msgctxt, e.msgid): e.msgstr for e in parse_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
              if e.msgid and not e.obsolete}
    differing = sorted(key[1] for key in staff.keys() & portal.keys() if staff[key] != portal[key])
    assert differing == []

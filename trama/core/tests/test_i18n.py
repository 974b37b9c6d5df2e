"""The English catalogue is complete and consistent, and pages render in English when asked to.

The .po file is read with a small parser of our own (no new dependency); the compiled .mo file is
committed, so the tests also check that it matches the .po (CI needs no gettext tools).
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "trama" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# A printf-style placeholder: %(name)s, %s, %d, %.6f, %(lat).6f, and the escaped %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
NAMED = re.compile(r"%\(([^)]+)\)")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(text: str) -> str:
    """The value of one quoted .po string, C escapes and all."""
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, in order (the header included, as the entry with an empty msgid)."""
    entries: list[Entry] = []
    entry = Entry()
    seen_keyword = False
    target: tuple[str, int] | None = None  # which field continuation lines add to

    def flush() -> None:
        nonlocal entry, seen_keyword, target
        if seen_keyword:
            entries.append(entry)
        entry, seen_keyword, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            if seen_keyword:
                flush()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            if seen_keyword:
                flush()
            continue
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: a continuation line with nothing to continue"
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line)
        assert match, f"{path}:{number}: cannot read {raw!r}"
        keyword, index_text, quoted = match.groups()
        if keyword in ("msgctxt", "msgid") and entry.msgstr:
            flush()  # a new entry without a blank line before it
        if not seen_keyword:
            entry.line = number
        seen_keyword = True
        value = _unquote(quoted)
        if keyword == "msgstr":
            index = int(index_text or 0)
            entry.msgstr[index] = value
            target = ("msgstr", index)
        else:
            setattr(entry, keyword, value)
            target = (keyword, 0)
    flush()
    return entries


def catalogue() -> list[Entry]:
    return [entry for entry in parse_po(PO_FILE) if not entry.obsolete and not entry.is_header]


def translated_pairs(entry: Entry) -> Iterator[tuple[str, str]]:
    """(source, translation) pairs of an entry: one, or one per plural form."""
    if entry.msgid_plural is None:
        yield entry.msgid, entry.msgstr.get(0, "")
    else:
        for index, text in sorted(entry.msgstr.items()):
            yield (entry.msgid if index == 0 else entry.msgid_plural), text


def where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


# --- The parser itself ----------------------------------------------------------------------------


def test_it_parses_a_po_file_with_plurals_continuations_flags_and_obsolete_entries(tmp_path: Path) -> None:
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py:1\n#, python-format\n"
        'msgid "Ciao %(name)s"\nmsgstr "Hello %(name)s"\n\n'
        'msgid ""\n"Riga uno "\n"e \\"due\\""\nmsgstr "Line one and \\"two\\""\n\n'
        'msgid "%(n)s rete"\nmsgid_plural "%(n)s reti"\nmsgstr[0] "%(n)s network"\nmsgstr[1] "%(n)s networks"\n\n'
        '#~ msgid "Vecchio"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [e.msgid for e in entries] == ["", "Ciao %(name)s", 'Riga uno e "due"', "%(n)s rete"]
    assert entries[0].is_header and entries[0].msgstr[0] == "Language: en\n"
    assert entries[1].flags == {"python-format"} and entries[1].msgstr == {0: "Hello %(name)s"}
    assert entries[2].msgstr == {0: 'Line one and "two"'}
    assert entries[3].msgid_plural == "%(n)s reti"
    assert entries[3].msgstr == {0: "%(n)s network", 1: "%(n)s networks"}


# --- The catalogue --------------------------------------------------------------------------------


def test_it_has_an_english_catalogue_with_entries() -> None:
    entries = catalogue()
    assert len(entries) > 100
    header = next(entry for entry in parse_po(PO_FILE) if entry.is_header)
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_it_has_no_untranslated_entries() -> None:
    untranslated = []
    for entry in catalogue():
        expected_forms = {0} if entry.msgid_plural is None else {0, 1}
        if set(entry.msgstr) != expected_forms or not all(text.strip() for text in entry.msgstr.values()):
            untranslated.append(where(entry))
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_it_has_no_fuzzy_entries() -> None:
    # Django ignores fuzzy entries; a fuzzy header would also drop the charset and plural rule.
    fuzzy = [where(entry) for entry in parse_po(PO_FILE) if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_it_keeps_the_placeholders_of_every_entry() -> None:
    problems = []
    for entry in catalogue():
        for source, text in translated_pairs(entry):
            if "python-format" in entry.flags:
                same = sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text))
            else:
                same = sorted(NAMED.findall(source)) == sorted(NAMED.findall(text))
            if not same:
                problems.append(f"{where(entry)} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_it_formats_every_python_format_translation_with_the_source_arguments() -> None:
    """A translation that would raise at run time (bad conversion, stray %) is caught here."""
    for entry in catalogue():
        if "python-format" not in entry.flags:
            continue
        for source, text in translated_pairs(entry):
            names = NAMED.findall(source)
            if names:
                values: dict[str, object] = dict.fromkeys(names, 1)
                assert isinstance(source % values, str)
                assert isinstance(text % values, str), where(entry)
            else:
                count = len([p for p in PLACEHOLDER.findall(source) if p != "%%"])
                args = tuple([1] * count)
                assert isinstance(text % args, str), where(entry)


def test_it_keeps_the_html_tags_of_every_entry() -> None:
    problems = [
        where(entry)
        for entry in catalogue()
        for source, text in translated_pairs(entry)
        if HTML_TAG.findall(source) != HTML_TAG.findall(text)
    ]
    assert not problems, "HTML tags differ:\n" + "\n".join(problems)


def test_it_keeps_leading_and_trailing_whitespace_and_newlines() -> None:
    problems = []
    for entry in catalogue():
        for source, text in translated_pairs(entry):
            if source[:1].isspace() != text[:1].isspace() or source.endswith("\n") != text.endswith("\n"):
                problems.append(where(entry))
    assert not problems, "whitespace differs:\n" + "\n".join(problems)


def test_it_ships_a_compiled_catalogue_matching_the_po_file() -> None:
    assert MO_FILE.exists(), "run: manage.py compilemessages --ignore=.venv --ignore=node_modules"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue():
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled._catalog.get(key) != entry.msgstr[0]:  # type: ignore[attr-defined]
                stale.append(where(entry))
        else:
            for index, text in entry.msgstr.items():
                if compiled._catalog.get((key, index)) != text:  # type: ignore[attr-defined]
                    stale.append(where(entry))
    assert not stale, "django.mo is out of date (run compilemessages):\n" + "\n".join(stale)


# --- Pages ----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    # LocaleMiddleware activates the request's language on this thread and leaves it active.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_it_translates_a_python_string() -> None:
    # Called through other names, so that makemessages does not list this file as a source.
    translate, translate_plural = translation.gettext, translation.ngettext
    with translation.override("en"):
        assert translate("Accedi a Trama") == "Sign in to Trama"
        assert translate_plural("%(counter)s organizzazione", "%(counter)s organizzazioni", 2) == (
            "%(counter)s organisations"
        )
    with translation.override("it"):
        assert translate("Accedi a Trama") == "Accedi a Trama"


@pytest.mark.django_db
def test_it_renders_the_open_data_page_in_italian_by_default(client: Client) -> None:
    content = client.get(reverse("core:about_data")).content.decode()
    assert '<html lang="it">' in content
    assert "Dati aperti e crediti" in content
    assert "Open data and credits" not in content


@pytest.mark.django_db
def test_it_renders_the_open_data_page_in_english_for_accept_language_en(client: Client) -> None:
    content = client.get(reverse("core:about_data"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content
    assert "Open data and credits" in content
    assert "Skip to content" in content
    assert "Dati aperti e crediti" not in content
    assert "Vai al contenuto" not in content


@pytest.mark.django_db
def test_it_renders_the_open_data_page_in_english_for_the_language_cookie(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("core:about_data"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Open data and credits" in content


@pytest.mark.django_db
def test_it_renders_the_login_page_in_english(client: Client) -> None:
    content = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Trama" in content
    assert "Forgotten your password?" in content
    assert "Accedi a Trama" not in content
    italian = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Accedi a Trama" in italian


@pytest.mark.django_db
def test_it_switches_to_english_with_the_language_switcher(client: Client) -> None:
    about = reverse("core:about_data")
    response = client.post(reverse("set_language"), {"language": "en", "next": about})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Open data and credits" in client.get(about).content.decode()
    client.post(reverse("set_language"), {"language": "it", "next": about})
    assert "Dati aperti e crediti" in client.get(about).content.decode()


@pytest.mark.django_db
def test_it_shows_staff_pages_in_italian_to_someone_who_chose_a_portal_only_language(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    staff = client.get(reverse("accounts:login"))
    assert "Accedi a Trama" in staff.content.decode()
    assert staff["Content-Language"] == "it"
    portal = client.get(reverse("portal:search"))
    assert portal["Content-Language"] == "fr"
    assert '<html lang="fr"' in portal.content.decode()

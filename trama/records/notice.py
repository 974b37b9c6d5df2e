"""The information notice and consent form (GDPR arts. 7, 12–14), printable in the family's language.

- `NOTICE_VERSIONS` is the registry of notice versions: what each says (its purposes and data categories, the
  boundary a consent recorded under it cannot exceed) and in which languages it exists. A consent records the
  version and language the family read; the words of a version never change — new words, new version.
- `consent_form_content(...)` assembles what the document says (the notice, then the form with the choices
  filled in from a Consent, or blank for a new one); `consent_form_pdf(...)` prints it with `TramaPDF`.

Rendering writes nothing: the caller (a view behind the access funnel) logs the print with
`trama.records.consent.consent_note_printed`. Names on a filled form (the person's and the signer's) appear only
if the caller passes an `Entitlement` covering identity for that household; otherwise the lines stay blank for
the family to write by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language_info

from trama.core.pdf import TramaPDF
from trama.records.categories import DataCategory
from trama.records.models import ConsentPurpose, GivenByKind, NoticeLanguage
from trama.records.notice_texts import TEXTS_2026_11, TEXTS_2026_11_23
from trama.records.protection import Entitlement, reveal_if_entitled

if TYPE_CHECKING:
    from trama.network.models import Organisation
    from trama.records.models import Consent, Household

DEFAULT_RETENTION_YEARS = 10
BLANK = "______________________________"


@dataclass(frozen=True)
class NoticeVersion:
    version: str
    published_on: dt.date
    purposes: frozenset[str]
    categories: frozenset[str]
    texts: Mapping[str, Mapping[str, str]]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def text(self, language: str) -> Mapping[str, str]:
        return self.texts[language]


CURRENT_NOTICE_VERSION = "2026-11-23"

# Every version a consent may have been recorded under stays here, so that its form is reprinted with the words
# the family read (notice_texts.py says what changed between them).
NOTICE_VERSIONS: Mapping[str, NoticeVersion] = {
    "2026-11": NoticeVersion(
        version="2026-11",
        published_on=dt.date(2026, 11, 22),
        purposes=frozenset(ConsentPurpose.values),
        categories=frozenset(DataCategory.values),
        texts=TEXTS_2026_11,
    ),
    "2026-11-23": NoticeVersion(
        version="2026-11-23",
        published_on=dt.date(2026, 11, 23),
        purposes=frozenset(ConsentPurpose.values),
        categories=frozenset(DataCategory.values),
        texts=TEXTS_2026_11_23,
    ),
}


class UnknownNotice(ValueError):
    """No notice with this version, or not in this language."""


def notice_version(version: str = CURRENT_NOTICE_VERSION) -> NoticeVersion:
    try:
        return NOTICE_VERSIONS[version]
    except KeyError:
        raise UnknownNotice(f"Unknown notice version {version!r}.") from None


def notice_languages(version: str = CURRENT_NOTICE_VERSION) -> list[tuple[str, str]]:
    """(code, name in that language) of the languages a version exists in, for a language picker."""
    names = dict(NoticeLanguage.choices)
    return [(code, str(names.get(code, code))) for code in notice_version(version).languages]


def retention_years() -> int:
    return int(getattr(settings, "TRAMA_RECORDS_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def _years_ar(n: int) -> str:
    # Arabic counts by the last two digits (CLDR plural rules): 1 and 2 have their own words, 3-10 take the
    # plural, 11-99 the singular accusative, the rest the singular.
    if n == 1:
        return "سنة واحدة"
    if n == 2:
        return "سنتين"
    return f"{n} سنوات" if 3 <= n % 100 <= 10 else f"{n} سنة"


def _years_uk(n: int) -> str:
    # Ukrainian (CLDR): one for 1, 21, 31…; few for 2-4, 22-24…; many for the rest, 11-14 included.
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} рік"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} роки"
    return f"{n} років"


# The number of years with the word its number takes, for the notice's {retention_period}.
YEARS: Mapping[str, Callable[[int], str]] = {
    "it": lambda n: "1 anno" if n == 1 else f"{n} anni",
    "en": lambda n: "1 year" if n == 1 else f"{n} years",
    "fr": lambda n: "1 an" if n == 1 else f"{n} ans",
    "es": lambda n: "1 año" if n == 1 else f"{n} años",
    "ar": _years_ar,
    "uk": _years_uk,
}

# Left-to-right isolates (Unicode bidi, UAX #9): a phone number, an e-mail address, a name in Latin letters or a
# version inside Arabic text keep their own order instead of being reordered with the sentence around them.
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def _isolated(value: str, rtl: bool) -> str:
    return f"{LTR_ISOLATE}{value}{POP_ISOLATE}" if rtl and value else value


# --- Content --------------------------------------------------------------------------------------------


@dataclass
class Choice:
    label: str
    checked: bool


@dataclass
class FormContent:
    language: str
    version: str
    title: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    purposes: list[Choice] = field(default_factory=list)
    categories: list[Choice] = field(default_factory=list)
    given_by: list[Choice] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    footer: str = ""
    form_heading: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    def all_text(self) -> str:
        """Everything the document says, for tests and for a plain-text rendering."""
        parts = [self.title, self.form_heading, self.footer]
        for heading, paragraphs in self.sections:
            parts += [heading, *paragraphs]
        parts += [choice.label for choice in (*self.purposes, *self.categories, *self.given_by)]
        parts += [f"{label}: {value}" for label, value in self.fields]
        parts += self.signatures + list(self.labels.values())
        return "\n".join(parts)


def _contact(organisation: Organisation, text: Mapping[str, str]) -> str:
    ways = [way for way in (organisation.email, organisation.phone) if way]
    return ", ".join(ways) if ways else text["contact_missing"]


def _entitled_to_identity(entitlement: Entitlement | None, household: Household) -> bool:
    return (isinstance(entitlement, Entitlement) and entitlement.household_id == household.pk
            and DataCategory.IDENTITY in entitlement.categories)


def consent_form_content(*, household: Household, language: str, consent: Consent | None = None,
                         organisation: Organisation | None = None, version: str | None = None,
                         entitlement: Entitlement | None = None) -> FormContent:
    """The notice and the form in `language`: filled in from `consent` (its version is used), or blank."""
    if consent is not None and consent.household_id != household.pk:
        raise ValueError("The consent belongs to another household.")
    notice = notice_version(consent.notice_version if consent is not None else version or CURRENT_NOTICE_VERSION)
    if language not in notice.texts:
        raise UnknownNotice(f"Notice {notice.version} does not exist in {language!r}.")
    text = notice.text(language)
    controller = organisation or (consent.recorded_for if consent is not None else household.organisation)
    rtl = get_language_info(language)["bidi"]
    has_contact = bool(controller.email or controller.phone)
    contact = _contact(controller, text)
    years = retention_years()
    values = {"organisation": _isolated(controller.name, rtl),
              "contact": _isolated(contact, rtl) if has_contact else contact,
              "retention_years": str(years), "retention_period": YEARS[language](years),
              "version": _isolated(notice.version, rtl)}
    # Without a contact on record, a version that has the words for it says to ask the worker (2026-11 pasted
    # "ask the worker…" after "writing to").
    withdraw = text["withdraw_text"]
    if not has_contact and "withdraw_text_no_contact" in text:
        withdraw = text["withdraw_text_no_contact"]

    content = FormContent(language=language, version=notice.version, title=text["title"],
                          form_heading=text["form_heading"], footer=text["form_version"].format(**values))
    content.sections = [
        ("", [text["intro"]]),
        (text["controller_heading"], [text["controller_text"].format(**values)]),
        (text["purposes_heading"], [f"• {text['purpose.' + code]}" for code in ConsentPurpose.values
                                    if code in notice.purposes]),
        (text["categories_heading"], [f"• {text['category.' + code]}" for code in DataCategory.values
                                      if code in notice.categories] + [text["special_text"]]),
        (text["recipients_heading"], [text["recipients_text"]]),
        (text["basis_heading"], [text["basis_text"]]),
        (text["retention_heading"], [text["retention_text"].format(**values)]),
        (text["rights_heading"], [text["rights_text"], text["complaint_text"]]),
        (text["withdraw_heading"], [withdraw.format(**values)]),
    ]
    chosen_purposes = set(consent.purposes) if consent is not None else set()
    chosen_categories = set(consent.categories) if consent is not None else set()
    content.purposes = [Choice(text["purpose." + code], code in chosen_purposes) for code in ConsentPurpose.values
                        if code in notice.purposes]
    content.categories = [Choice(text["category." + code], code in chosen_categories)
                          for code in DataCategory.values if code in notice.categories]
    content.given_by = [Choice(text["given_by." + code], consent is not None and consent.given_by_kind == code)
                        for code in GivenByKind.values]

    identity = _entitled_to_identity(entitlement, household)
    person_line = BLANK
    if consent is not None and consent.person is None:
        person_line = text["form_whole_household"]
    elif consent is not None and consent.person is not None and identity:
        person_line = consent.person.display_name
    signer = BLANK
    evidence = BLANK
    if consent is not None and entitlement is not None and identity:
        signer = reveal_if_entitled(consent, "given_by_name", entitlement=entitlement) or BLANK
        evidence = reveal_if_entitled(consent, "guardian_evidence", entitlement=entitlement) or BLANK

    organisations = networks = BLANK
    given_on = expires_on = BLANK
    if consent is not None:
        recipients = list(consent.recipients.select_related("organisation", "network"))
        organisations = ", ".join(r.organisation.name for r in recipients if r.organisation) or text["form_none"]
        networks = ", ".join(r.network.name for r in recipients if r.network) or text["form_none"]
        given_on = consent.given_on.strftime("%d/%m/%Y")
        expires_on = consent.expires_on.strftime("%d/%m/%Y") if consent.expires_on else text["form_no_expiry"]
    content.fields = [
        (text["form_household"], household.reference_code),
        (text["form_person"], person_line),
        (text["form_organisations"], organisations),
        (text["form_networks"], networks),
        (text["form_given_on"], given_on),
        (text["form_expires_on"], expires_on),
        (text["form_given_by_name"], signer),
        (text["form_evidence"], evidence),
    ]
    if consent is not None and consent.withdrawn_at is not None:
        content.fields.append((text["form_withdrawn"], consent.withdrawn_at.strftime("%d/%m/%Y")))
    content.signatures = [text["form_signature"], text["form_place_date"], text["form_operator"]]
    content.labels = {key: text[key] for key in ("form_purposes", "form_categories", "form_given_by")}
    return content


# --- PDF ------------------------------------------------------------------------------------------------

BOX = 3.6


def _choice_line(doc: TramaPDF, choice: Choice) -> None:
    """A check box (crossed when chosen) at the start of the line, then its label."""
    size = 10.5
    text_width = doc.content_width - BOX - 3
    height = max(doc.text_height(text_width, choice.label, size=size), BOX + 1)
    if doc.will_page_break(height):
        doc.add_page()
    top = doc.get_y()
    box_x = doc.w - doc.r_margin - BOX if doc.is_rtl else doc.l_margin
    text_x = doc.l_margin if doc.is_rtl else doc.l_margin + BOX + 3
    doc.set_line_width(0.3)
    doc.rect(box_x, top + 0.6, BOX, BOX)
    if choice.checked:
        doc.line(box_x, top + 0.6, box_x + BOX, top + 0.6 + BOX)
        doc.line(box_x, top + 0.6 + BOX, box_x + BOX, top + 0.6)
    doc.set_y(top)
    doc.write_block(choice.label, size=size, width=text_width, x=text_x)
    doc.set_xy(doc.l_margin, top + height + 1.2)


def render_consent_form(content: FormContent) -> TramaPDF:
    doc = TramaPDF(title=content.title, language=content.language, subject=content.form_heading,
                   author="Trama", footer_note=content.footer)
    doc.add_page()
    # The notice fits one page in every language (the family keeps it); the form starts on its own page (the
    # organisation keeps it, signed).
    doc.title_block(content.title, size=14)
    for heading, paragraphs in content.sections:
        if heading:
            doc.ln(1)
            doc.write_block(heading, size=10.5, bold=True, leading=1.25)
            doc.ln(0.5)
        for paragraph in paragraphs:
            doc.write_block(paragraph, size=9, leading=1.25)
            doc.ln(0.8)
    doc.add_page()
    doc.title_block(content.form_heading, size=16)
    for label, value in content.fields[:2]:
        doc.key_value(label, value)
    for key, choices in (("form_purposes", content.purposes), ("form_categories", content.categories)):
        doc.heading(content.labels[key], level=3)
        for choice in choices:
            _choice_line(doc, choice)
    for label, value in content.fields[2:6]:
        doc.key_value(label, value)
    doc.heading(content.labels["form_given_by"], level=3)
    for choice in content.given_by:
        _choice_line(doc, choice)
    for label, value in content.fields[6:]:
        doc.key_value(label, value)
    doc.ln(4)
    for label in content.signatures:
        doc.key_value(label, BLANK)
        doc.ln(3)
    return doc


def consent_form_pdf(*, household: Household, language: str, consent: Consent | None = None,
                     organisation: Organisation | None = None, version: str | None = None,
                     entitlement: Entitlement | None = None) -> bytes:
    """The notice and consent form as PDF bytes (see consent_form_content for the arguments)."""
    content = consent_form_content(household=household, language=language, consent=consent,
                                   organisation=organisation, version=version, entitlement=entitlement)
    return render_consent_form(content).to_bytes()

"""The information notice and consent form: complete text in every language, a PDF per language (Arabic right to
left), the choices of a consent filled in, names only with an entitlement."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
from django.utils import timezone

from trama.core.pdf import ARABIC_FAMILY
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.models import ConsentPurpose, GivenByKind, NoticeLanguage
from trama.records.notice import (
    CURRENT_NOTICE_VERSION,
    NOTICE_VERSIONS,
    UnknownNotice,
    consent_form_content,
    consent_form_pdf,
    notice_languages,
    render_consent_form,
)
from trama.records.notice_texts import TEXTS_2026_11_23 as TEXTS
from trama.records.tests.helpers import entitled, make_household, make_person

REQUIRED_LANGUAGES = {"it", "en", "fr", "ar", "uk"}
P = ConsentPurpose
C = DataCategory


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def info_string(pdf: bytes, key: str) -> str:
    match = re.search(rb"/" + key.encode() + rb" (?:\(([^)]*)\)|<feff([0-9a-fA-F]*)>)", pdf)
    assert match, f"/{key} missing"
    literal, utf16 = match.groups()
    return literal.decode() if literal is not None else bytes.fromhex(utf16.decode()).decode("utf-16-be")


def test_the_current_notice_exists_in_the_required_languages() -> None:
    current = NOTICE_VERSIONS[CURRENT_NOTICE_VERSION]
    assert CURRENT_NOTICE_VERSION == "2026-11-23"
    assert set(current.languages) >= REQUIRED_LANGUAGES
    assert set(current.languages) <= set(NoticeLanguage.values)
    assert current.purposes == set(ConsentPurpose.values) and current.categories == set(DataCategory.values)
    assert ("ar", "العربية") in notice_languages()


@pytest.mark.parametrize(("version", "language"), [(version, language) for version, notice in NOTICE_VERSIONS.items()
                                                    for language in notice.languages])
def test_every_language_has_every_text_with_the_same_placeholders(version: str, language: str) -> None:
    reference = NOTICE_VERSIONS[version].text("it")
    texts = NOTICE_VERSIONS[version].text(language)
    assert set(texts) == set(reference)
    for key, text in texts.items():
        assert text.strip(), key
        assert placeholders(text) == placeholders(reference[key]), key
    # The texts cover every purpose, category and signer the form offers.
    for code in ConsentPurpose.values:
        assert f"purpose.{code}" in texts
    for code in DataCategory.values:
        assert f"category.{code}" in texts
    for code in GivenByKind.values:
        assert f"given_by.{code}" in texts


def test_the_translations_are_not_copies_of_the_italian() -> None:
    for language in TEXTS.keys() - {"it"}:
        same = [key for key, text in TEXTS[language].items()
                if text == TEXTS["it"][key] and key != "form_signature"]
        assert same == [], language


def test_the_notice_names_the_gdpr_rights_and_how_to_withdraw() -> None:
    for language, texts in TEXTS.items():
        for article in ("15", "16", "17", "18", "19", "20", "21", "22"):
            assert article in texts["rights_text"], (language, article)
        assert "{contact}" in texts["withdraw_text"]
        assert "{organisation}" in texts["controller_text"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(TEXTS))
def test_each_language_renders_a_blank_form(personas: Personas, language: str) -> None:
    household = make_household(personas)
    content = consent_form_content(household=household, language=language)
    assert not any(choice.checked for choice in (*content.purposes, *content.categories, *content.given_by))
    assert personas.ets_a.name in content.all_text()
    doc = render_consent_form(content)
    pdf = doc.to_bytes()
    assert pdf.startswith(b"%PDF")
    assert info_string(pdf, "Lang") == language
    # The notice on one page (the family keeps it), the form on the next (the organisation keeps it signed).
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    assert doc.is_rtl == (language == "ar")
    assert doc.has_font(ARABIC_FAMILY) == (language == "ar")
    if language == "ar":
        assert b"NotoSansArabic" in pdf


@pytest.mark.django_db
def test_a_filled_form_shows_the_choices_in_the_familys_language(personas: Personas) -> None:
    personas.ets_a.email = "privacy@alfa.example.org"
    personas.ets_a.save(update_fields=["email"])
    household = make_household(personas)
    child = make_person(personas, household, first_name_or_alias="Yusuf", role_in_household="child",
                        birth_date=dt.date(2016, 3, 1))
    consent = consent_services.consent_record(
        household=household, by=personas.proximity, person=child, given_by_kind=GivenByKind.PARENT,
        given_by_name="Amina Haddad", purposes=[P.SERVICES_IN_NETWORK, P.SHARE_NAMED_ORGANISATIONS],
        categories=[C.IDENTITY, C.HEALTH], recipient_organisations=[personas.ets_b],
        given_on=timezone.localdate(), notice_version=CURRENT_NOTICE_VERSION, notice_language="ar")

    for language in ("ar", "uk", "fr"):
        texts = TEXTS[language]
        content = consent_form_content(household=household, consent=consent, language=language)
        checked = {choice.label for choice in (*content.purposes, *content.categories, *content.given_by)
                   if choice.checked}
        assert checked == {texts["purpose.services_in_network"], texts["purpose.share_named_organisations"],
                           texts["category.identity"], texts["category.health"], texts["given_by.parent"]}
        unchecked = {choice.label for choice in content.purposes if not choice.checked}
        assert texts["purpose.monitoring_statistics"] in unchecked
        text = content.all_text()
        assert personas.ets_b.name in text and "privacy@alfa.example.org" in text
        assert household.reference_code in text
        # Without an entitlement the names stay blank, to be written by hand.
        assert "Amina" not in text and "Yusuf" not in text

    named = consent_form_content(household=household, consent=consent, language="ar",
                                 entitlement=entitled(personas, household, [C.IDENTITY]))
    assert "Amina Haddad" in named.all_text() and "Yusuf" in named.all_text()
    no_identity = consent_form_content(household=household, consent=consent, language="ar",
                                       entitlement=entitled(personas, household, [C.NEEDS_AND_PLAN]))
    assert "Amina" not in no_identity.all_text()
    pdf = consent_form_pdf(household=household, consent=consent, language="ar",
                           entitlement=entitled(personas, household, [C.IDENTITY]))
    assert pdf.startswith(b"%PDF") and info_string(pdf, "Lang") == "ar"


@pytest.mark.django_db
def test_it_refuses_an_unknown_language_or_version_or_another_households_consent(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(UnknownNotice):
        consent_form_content(household=household, language="de")
    with pytest.raises(UnknownNotice):
        consent_form_content(household=household, language="it", version="1999-01")
    consent = consent_services.consent_record(
        household=household, by=personas.proximity, purposes=[P.MONITORING_STATISTICS], categories=[C.IDENTITY],
        given_on=timezone.localdate(), notice_version=CURRENT_NOTICE_VERSION, notice_language="it",
        given_by_name="Mario Rossi")
    with pytest.raises(ValueError):
        consent_form_content(household=make_household(personas), consent=consent, language="it")


@pytest.mark.django_db
def test_numbers_and_versions_keep_their_order_inside_arabic_text(personas: Personas) -> None:
    """The bidi algorithm would print "+39 02 1234 5678" as "5678 1234 02 39+" and "2026-11-23" backwards
    inside Arabic sentences: they go in left-to-right isolates, which the PDF's reordering keeps whole."""
    from fpdf.bidi import BidiParagraph

    personas.ets_a.phone, personas.ets_a.email = "+39 02 1234 5678", ""
    personas.ets_a.save(update_fields=["phone", "email"])
    content = consent_form_content(household=make_household(personas), language="ar")
    withdraw = dict(content.sections)[TEXTS["ar"]["withdraw_heading"]][0]
    for paragraph in (withdraw, content.footer):
        visual = BidiParagraph(paragraph).get_reordered_string()
        assert "+39 02 1234 5678" in visual or CURRENT_NOTICE_VERSION in visual, visual
    assert CURRENT_NOTICE_VERSION in BidiParagraph(content.footer).get_reordered_string()
    assert "+39 02 1234 5678" in BidiParagraph(withdraw).get_reordered_string()
    # Left-to-right languages get the values as they are.
    italian = consent_form_content(household=make_household(personas), language="it")
    assert "\u2066" not in italian.all_text() and "+39 02 1234 5678" in italian.all_text()


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(TEXTS))
def test_without_a_contact_the_withdrawal_paragraph_says_to_ask_the_worker(personas: Personas,
                                                                          language: str) -> None:
    personas.ets_a.phone = personas.ets_a.email = ""
    personas.ets_a.save(update_fields=["phone", "email"])
    content = consent_form_content(household=make_household(personas), language=language)
    withdraw = dict(content.sections)[TEXTS[language]["withdraw_heading"]][0]
    assert withdraw == TEXTS[language]["withdraw_text_no_contact"]
    assert TEXTS[language]["contact_missing"] not in withdraw
    # The controller's paragraph still says to ask for the contact details.
    assert TEXTS[language]["contact_missing"] in content.all_text()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "years", "expected"), [
    ("it", 1, "per 1 anno;"), ("it", 10, "per 10 anni;"), ("en", 1, "for 1 year;"), ("fr", 1, "pendant 1 an ;"),
    ("es", 3, "durante 3 años;"), ("uk", 1, "ще 1 рік;"), ("uk", 3, "ще 3 роки;"), ("uk", 11, "ще 11 років;"),
    ("uk", 22, "ще 22 роки;"), ("ar", 1, "لمدة سنة واحدة،"), ("ar", 2, "لمدة سنتين،"), ("ar", 10, "لمدة 10 سنوات،"),
    ("ar", 15, "لمدة 15 سنة،"),
])
def test_the_retention_period_takes_the_plural_of_its_number(personas: Personas, settings: object, language: str,
                                                             years: int, expected: str) -> None:
    settings.TRAMA_RECORDS_RETENTION_YEARS = years  # type: ignore[attr-defined]
    content = consent_form_content(household=make_household(personas), language=language)
    assert expected in content.all_text()


def test_the_notice_names_every_basis_a_sharing_record_may_rest_on() -> None:
    """A legal-basis record may name any organisation or network, on a legal obligation, a public task or vital
    interests (SharingBasis): the notice says so in every language, with the articles."""
    articles = {"it": ("6.1.c", "6.1.e", "6.1.d", "9.2.c"), "es": ("6.1.c", "6.1.e", "6.1.d", "9.2.c"),
                "en": ("6(1)(c)", "6(1)(e)", "6(1)(d)", "9(2)(c)"), "uk": ("6(1)(c)", "6(1)(e)", "6(1)(d)", "9(2)(c)"),
                "ar": ("6(1)(ج)", "6(1)(هـ)", "6(1)(د)", "9(2)(ج)"), "fr": ("point c)", "point e)", "point d)")}
    assert articles.keys() == TEXTS.keys()
    for language, texts in TEXTS.items():
        for article in articles[language]:
            assert article in texts["basis_text"], (language, article)
        assert "328/2000" in texts["recipients_text"]
    assert "interessi vitali" in TEXTS["it"]["basis_text"] and "intérêts vitaux" in TEXTS["fr"]["basis_text"]
    assert "un'organizzazione può ricevere dati" in TEXTS["it"]["recipients_text"]


@pytest.mark.django_db
def test_a_consent_recorded_under_the_previous_version_is_reprinted_with_its_words(personas: Personas) -> None:
    household = make_household(personas)
    consent = consent_services.consent_record(
        household=household, by=personas.proximity, purposes=[P.MONITORING_STATISTICS], categories=[C.IDENTITY],
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it", given_by_name="Mario Rossi")
    content = consent_form_content(household=household, consent=consent, language="it")
    assert content.version == "2026-11"
    assert NOTICE_VERSIONS["2026-11"].text("it")["recipients_text"] in content.all_text()
    assert "10 anni" in content.all_text()

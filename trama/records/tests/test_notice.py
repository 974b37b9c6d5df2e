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
from trama.records.notice_texts import TEXTS_2026_11
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
    assert CURRENT_NOTICE_VERSION == "2026-11"
    assert set(current.languages) >= REQUIRED_LANGUAGES
    assert set(current.languages) <= set(NoticeLanguage.values)
    assert current.purposes == set(ConsentPurpose.values) and current.categories == set(DataCategory.values)
    assert ("ar", "العربية") in notice_languages()


@pytest.mark.parametrize("language", sorted(TEXTS_2026_11))
def test_every_language_has_every_text_with_the_same_placeholders(language: str) -> None:
    reference = TEXTS_2026_11["it"]
    texts = TEXTS_2026_11[language]
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
    for language in TEXTS_2026_11.keys() - {"it"}:
        same = [key for key, text in TEXTS_2026_11[language].items()
                if text == TEXTS_2026_11["it"][key] and key != "form_signature"]
        assert same == [], language


def test_the_notice_names_the_gdpr_rights_and_how_to_withdraw() -> None:
    for language, texts in TEXTS_2026_11.items():
        for article in ("15", "16", "17", "18", "19", "20", "21", "22"):
            assert article in texts["rights_text"], (language, article)
        assert "{contact}" in texts["withdraw_text"]
        assert "{organisation}" in texts["controller_text"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(TEXTS_2026_11))
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
        texts = TEXTS_2026_11[language]
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

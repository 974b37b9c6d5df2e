"""The register of processing activities (GDPR art. 30) as data, consistent with the code."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import override_settings

from trama.records.categories import SPECIAL_CATEGORIES, DataCategory
from trama.records.gdpr import processing_register
from trama.records.models import ConsentPurpose


def test_it_lists_every_data_category_and_every_consent_purpose() -> None:
    register = processing_register()
    assert [c["code"] for c in register["data_categories"]] == list(DataCategory.values)
    assert [p["code"] for p in register["purposes"]] == list(ConsentPurpose.values)
    assert {c["code"] for c in register["data_categories"] if c["special"]} == set(SPECIAL_CATEGORIES)
    assert all(p["legal_basis"] for p in register["purposes"])
    identity = next(c for c in register["data_categories"] if c["code"] == "identity")["person_fields"]
    # Fields by their labels, in the reader's language; not the derived search key of a name.
    assert "codice fiscale" in identity and "fiscal_code" not in identity
    assert not any("_" in label for c in register["data_categories"] for label in c["person_fields"])
    assert len(identity) == len(set(identity))


def test_it_names_every_sharing_basis_and_every_kind_of_recipient() -> None:
    """A sharing record may rest on a legal obligation, a public task or vital interests (SharingBasis); referrals
    and case transfers also pass data to another organisation."""
    recipients = " ".join(str(r) for r in processing_register()["recipients"])
    for article in ("6.1.c", "6.1.e", "6.1.d", "9.2.c"):
        assert article in recipients
    assert "segnalato" in recipients and "passaggio di presa in carico" in recipients


def test_the_retention_rule_takes_the_plural_of_its_number() -> None:
    with override_settings(TRAMA_RECORDS_RETENTION_YEARS=1):
        assert "da più di 1 anno sono" in processing_register()["retention"]["rule"]


def test_it_states_the_configured_retention_period() -> None:
    with override_settings(TRAMA_RECORDS_RETENTION_YEARS=7):
        register = processing_register()
    assert register["retention"]["years"] == 7 and "7" in register["retention"]["rule"]


def test_the_document_names_every_category_and_purpose() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "processing-register.md").read_text(encoding="utf-8")
    missing = [code for code in (*DataCategory.values, *ConsentPurpose.values) if f"`{code}`" not in text]
    assert missing == []


def test_the_document_names_every_sharing_basis_and_kind_of_recipient() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "processing-register.md").read_text(encoding="utf-8")
    for said in ("6.1.d", "9.2.c", "vital interests", "receiving a referral", "accepts a case transfer"):
        assert said in text, said


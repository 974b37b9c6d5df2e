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
    assert "fiscal_code" in next(c for c in register["data_categories"] if c["code"] == "identity")["person_fields"]


def test_it_states_the_configured_retention_period() -> None:
    with override_settings(TRAMA_RECORDS_RETENTION_YEARS=7):
        register = processing_register()
    assert register["retention"]["years"] == 7 and "7" in register["retention"]["rule"]


def test_the_document_names_every_category_and_purpose() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "processing-register.md").read_text(encoding="utf-8")
    missing = [code for code in (*DataCategory.values, *ConsentPurpose.values) if f"`{code}`" not in text]
    assert missing == []

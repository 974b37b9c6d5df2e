"""Every field of every records model has a data category; special categories are encrypted unless listed."""

from __future__ import annotations

from django.apps import apps

from trama.records.categories import CLEAR_SPECIAL_FIELDS, FIELD_CATEGORIES, SPECIAL_CATEGORIES
from trama.records.fields import EncryptedField


def _fields() -> dict[str, dict[str, object]]:
    return {
        model._meta.label_lower: {f.name: f for f in model._meta.concrete_fields}
        for model in apps.get_app_config("records").get_models()
    }


def test_every_field_of_every_model_is_mapped_to_a_category() -> None:
    models = _fields()
    unmapped = [f"{label}.{name}" for label, fields in models.items() for name in fields
                if name not in FIELD_CATEGORIES.get(label, {})]
    assert unmapped == []


def test_the_mapping_names_no_field_that_does_not_exist() -> None:
    models = _fields()
    stale = [f"{label}.{name}" for label, names in FIELD_CATEGORIES.items() for name in names
             if name not in models.get(label, {})]
    assert stale == []


def test_special_category_fields_are_encrypted_unless_documented() -> None:
    models = _fields()
    in_clear = {(label, name) for label, names in FIELD_CATEGORIES.items() for name, category in names.items()
                if category in SPECIAL_CATEGORIES and not isinstance(models[label][name], EncryptedField)}
    assert in_clear == set(CLEAR_SPECIAL_FIELDS)


def test_the_expected_fields_are_encrypted() -> None:
    models = _fields()
    encrypted = {f"{label}.{name}" for label, fields in models.items() for name, f in fields.items()
                 if isinstance(f, EncryptedField)}
    assert {"records.person.disability", "records.person.health_notes", "records.person.documents_status",
            "records.person.residency_status", "records.note.text"} <= encrypted

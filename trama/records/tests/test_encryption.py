"""Special-category fields are encrypted at rest, bound to their row and column, and rotated by a command."""

from __future__ import annotations

import base64
import pickle
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template
from django.test import override_settings

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.lib import crypto
from trama.records import services
from trama.records.fields import MASK, Sealed
from trama.records.models import Disability, DocumentsStatus, Note, NoteVisibility, Person, PlanVersion
from trama.records.protection import key_ring, reveal
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db

NEW_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def _raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test, fixed names
        return cursor.fetchone()[0]


def _set_raw(table: str, column: str, pk: int, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def test_it_stores_no_plaintext_in_the_database(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, disability=Disability.YES, documents_status=DocumentsStatus.EXPIRED,
                         health_notes="Diabete di tipo 1, insulina tre volte al giorno")
    note = services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                             visibility=NoteVisibility.SENSITIVE, text="Segnalazione al tribunale per i minorenni")
    health_notes = _raw("records_person", "health_notes", person.pk)
    assert health_notes is not None and health_notes.startswith("tr1:")
    assert "Diabete" not in health_notes and "insulina" not in health_notes
    assert _raw("records_person", "disability", person.pk) != "yes"
    assert _raw("records_person", "documents_status", person.pk) != "expired"
    assert "tribunale" not in (_raw("records_note", "text", note.pk) or "")
    # ... and the values read back for an entitled reader.
    fresh = Person.objects.get(pk=person.pk)
    grant = entitled(personas, household)
    assert reveal(fresh, "health_notes", entitlement=grant) == "Diabete di tipo 1, insulina tre volte al giorno"
    assert reveal(fresh, "disability", entitlement=grant) == "yes"


def test_the_model_attribute_never_holds_the_plaintext(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, health_notes="Asma")
    # Even right after the write, before any reload, the attribute is sealed.
    assert isinstance(person.health_notes, Sealed)
    assert str(person.health_notes) == MASK
    assert "Asma" not in repr(person.health_notes)
    fresh = Person.objects.get(pk=person.pk)
    assert f"{fresh.health_notes}" == MASK
    rendered = Template("{{ p.health_notes }} {{ p.disability }}").render(Context({"p": fresh}))
    assert "Asma" not in rendered and MASK in rendered
    # Pickling (cache) carries only the token; a pending value cannot be pickled at all.
    assert b"Asma" not in pickle.dumps(fresh.health_notes)
    with pytest.raises(TypeError):
        pickle.dumps(Sealed(pending="Asma"))


def test_it_detects_a_tampered_or_moved_ciphertext(personas: Personas) -> None:
    household = make_household(personas)
    first = make_person(personas, household, health_notes="Nessuna allergia")
    second = make_person(personas, household, first_name_or_alias="Omar", health_notes="Epilessia")
    grant = entitled(personas, household)
    token = _raw("records_person", "health_notes", first.pk)
    assert token is not None
    # One changed character in the middle of the ciphertext (the last one may only carry padding bits).
    middle = len(token) - 10
    changed = "A" if token[middle] != "A" else "B"
    _set_raw("records_person", "health_notes", first.pk, token[:middle] + changed + token[middle + 1:])
    with pytest.raises(crypto.DecryptionError):
        reveal(Person.objects.get(pk=first.pk), "health_notes", entitlement=grant)
    # A valid ciphertext copied from another row, or from another column of the same row.
    _set_raw("records_person", "health_notes", first.pk, _raw("records_person", "health_notes", second.pk))
    with pytest.raises(crypto.DecryptionError):
        reveal(Person.objects.get(pk=first.pk), "health_notes", entitlement=grant)
    _set_raw("records_person", "disability", second.pk, _raw("records_person", "health_notes", second.pk))
    with pytest.raises(crypto.DecryptionError):
        reveal(Person.objects.get(pk=second.pk), "disability", entitlement=grant)


def test_it_refuses_to_write_or_query_plaintext_outside_save(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, disability=Disability.NO)
    with pytest.raises(ValueError, match="model.save"), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(health_notes=Sealed(pending="x"))
    with pytest.raises(TypeError), transaction.atomic():
        Person.objects.filter(health_notes="x").count()
    # Presence can be queried (it is not the value).
    assert Person.objects.filter(pk=person.pk, health_notes__isnull=True).exists()


def test_it_refuses_values_outside_the_allowed_choices(personas: Personas) -> None:
    from trama.core.errors import ApplicationError

    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        make_person(personas, household, documents_status="forged")
    assert info.value.field == "documents_status"
    assert not Person.objects.exists()


def test_it_rotates_keys_with_the_reencrypt_command(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, disability=Disability.DECLINED, health_notes="Nota")
    services.plan_goal_add(household=household, by=personas.proximity, dimension="health",
                           description="Visita dal pediatra")
    old = settings.TRAMA_RECORDS_KEYS
    before = _raw("records_person", "health_notes", person.pk)
    assert before is not None and crypto.key_id_of(before) == key_ring().current_id
    with override_settings(TRAMA_RECORDS_KEYS=f"k2026:{NEW_KEY},{old}"):
        out = StringIO()
        call_command("records_reencrypt", "--dry-run", stdout=out)
        assert "values would be rotated" in out.getvalue()
        assert _raw("records_person", "health_notes", person.pk) == before  # dry run changes nothing
        call_command("records_reencrypt", "--batch-size", "1", stdout=StringIO())
        after = _raw("records_person", "health_notes", person.pk)
        assert after is not None and crypto.key_id_of(after) == "k2026"
        version = PlanVersion.objects.get()
        assert crypto.key_id_of(_raw("records_planversion", "snapshot", version.pk) or "") == "k2026"
        assert AuditEvent.objects.filter(action="records.keys.reencrypt").exists()
    # With only the new key, everything still reads.
    with override_settings(TRAMA_RECORDS_KEYS=f"k2026:{NEW_KEY}"):
        grant = entitled(personas, household)
        fresh = Person.objects.get(pk=person.pk)
        assert reveal(fresh, "health_notes", entitlement=grant) == "Nota"
        assert reveal(fresh, "disability", entitlement=grant) == "declined"
        version = PlanVersion.objects.get()
        assert reveal(version, "snapshot", entitlement=grant)["goals"][0]["description"] == "Visita dal pediatra"


def test_notes_of_every_visibility_are_encrypted(personas: Personas) -> None:
    household = make_household(personas)
    for visibility in NoteVisibility.values:
        services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                          visibility=visibility, text=f"testo {visibility} riservato")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM records_note")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 3
    assert all(value.startswith("tr1:") and "riservato" not in value for value in stored)
    assert Note.objects.count() == 3

"""The admin shows the structure of social records, read-only, without identities or special-category values."""

from __future__ import annotations

import pytest
from django.test import Client

from trama.core.testing import Personas
from trama.records import services
from trama.records.models import NoteVisibility
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def test_the_admin_is_read_only_and_shows_no_plaintext(client: Client, personas: Personas) -> None:
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    household = make_household(personas, label="Famiglia Zeta")
    person = make_person(personas, household, first_name_or_alias="Zaynab", surname="Qaderi",
                         health_notes="Diagnosi riservatissima")
    note = services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                             visibility=NoteVisibility.SENSITIVE, text="Testo segretissimo")
    client.force_login(personas.admin)
    pages = ["/admin/records/household/", f"/admin/records/household/{household.pk}/change/",
             "/admin/records/person/", f"/admin/records/person/{person.pk}/change/", "/admin/records/note/",
             f"/admin/records/note/{note.pk}/change/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in ("Zaynab", "Qaderi", "riservatissima", "segretissimo", "Famiglia Zeta"):
            assert secret not in body, (url, secret)
    assert household.reference_code in client.get("/admin/records/household/").content.decode()
    assert client.get("/admin/records/person/add/").status_code == 403
    response = client.post(f"/admin/records/household/{household.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403

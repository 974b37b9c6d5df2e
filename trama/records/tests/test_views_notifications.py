"""The organisation's notices: the members who read its records or handle its referrals read them, unread first;
the first reader marks one as read for everyone (audited); other organisations' notices, and the notices of an
organisation where the user is only a volunteer, stay out of reach."""

from __future__ import annotations

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records.models import OrganisationNotification
from trama.records.tests.helpers import make_household


def test_members_read_their_organisations_notices_and_mark_them_read(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household = make_household(p)
    mine = OrganisationNotification.objects.create(organisation=p.ets_a, kind="break_glass", household=household,
                                                   text="ALFA accesso straordinario al nucleo")
    OrganisationNotification.objects.create(organisation=p.ets_a, kind="legal_basis", text="ALFA vecchio avviso")
    theirs = OrganisationNotification.objects.create(organisation=p.ets_b, kind="legal_basis",
                                                     text="BETA avviso riservato")
    volunteer = client_as(p.volunteer)  # a member without records or referrals: which household, where, is not theirs
    assert "ALFA" not in volunteer.get(reverse("records:notifications")).content.decode()
    assert volunteer.post(reverse("records:notifications"), {"notification": mine.pk}).status_code == 302
    assert OrganisationNotification.objects.get(pk=mine.pk).read_at is None
    client = client_as(p.referent)  # reads records and handles referrals there
    page = client.get(reverse("records:notifications"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "ALFA accesso straordinario" in body and "BETA" not in body and "2 avvisi da leggere" in body
    assert client.post(reverse("records:notifications"), {"notification": theirs.pk}).status_code == 302
    assert OrganisationNotification.objects.get(pk=theirs.pk).read_at is None  # not theirs to mark
    assert client.post(reverse("records:notifications"), {"notification": "x"}).status_code == 302
    assert client.post(reverse("records:notifications"), {"notification": mine.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None and mine.read_by == p.referent
    assert AuditEvent.objects.filter(action="records.notification.read", actor=p.referent).count() == 1
    body = client_as(p.proximity).get(reverse("records:notifications")).content.decode()
    assert "1 avviso da leggere" in body and "Letto il" in body
    home = client_as(p.proximity).get(reverse("referrals:home")).content.decode()
    assert reverse("records:notifications") in home and "1 da leggere" in home


def test_without_notices_the_page_says_so(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as(personas.proximity_b).get(reverse("records:notifications")).content.decode()
    assert "Nessun avviso." in body

"""Referring members of a household: search a service, save a draft, send; refusal without a covering basis."""

from __future__ import annotations

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.referrals.models import Referral, ReferralStatus
from trama.referrals.tests.helpers import Family, give_consent, make_family


def _post(family: Family, action: str, **extra: object) -> dict[str, object]:
    return {"people": [str(family.child.pk)], "service": str(family.service.pk), "reason": "Compiti di matematica",
            "urgency": "soon", "categories": ["identity", "needs_and_plan"], "action": action, **extra}


def test_the_page_lists_members_and_finds_services_without_js(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    client = client_as(p.proximity)
    url = reverse("referrals:new", args=[family.household.pk])
    page = client.get(url).content.decode()
    assert "Yusuf" in page and "Amina" in page
    assert f'id="service-{family.service.pk}"' not in page  # nothing listed before a search
    found = client.get(url, {"q": "doposcuola"}).content.decode()
    assert f'id="service-{family.service.pk}"' in found
    fragment = client.get(reverse("referrals:service_options", args=[family.household.pk]), {"q": "doposcuola"})
    assert fragment.status_code == 200 and "Doposcuola Beta" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_the_household_page_links_to_it(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    family = make_family(personas)
    page = client_as(personas.proximity).get(reverse("records:household_detail", args=[family.household.pk]))
    assert reverse("referrals:new", args=[family.household.pk]) in page.content.decode()


def test_save_a_draft_then_send(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    client = client_as(p.proximity)
    response = client.post(reverse("referrals:new", args=[family.household.pk]), _post(family, "draft"))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == ReferralStatus.DRAFT and referral.urgency == "soon"
    assert list(referral.people.all()) == [family.child]
    give_consent(p, family)
    client.post(reverse("referrals:send", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_sending_without_a_basis_is_refused_with_the_explanation(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    response = client_as(p.proximity).post(reverse("referrals:new", args=[family.household.pk]),
                                           _post(family, "send"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Non è possibile inviare la segnalazione: nessun consenso in vigore" in body
    assert "Compiti di matematica" in body  # nothing typed is lost
    assert not Referral.objects.exists()


def test_send_at_once_with_consent(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    client_as(p.proximity).post(reverse("referrals:new", args=[family.household.pk]), _post(family, "send"))
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_missing_fields_are_explained(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    family = make_family(personas)
    response = client_as(personas.proximity).post(reverse("referrals:new", args=[family.household.pk]),
                                                  {"action": "draft"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Scegli almeno una persona da segnalare." in body and "Cerca e scegli un servizio." in body
    assert not Referral.objects.exists()


def test_others_get_404_and_readers_403(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    url = reverse("referrals:new", args=[family.household.pk])
    assert client_as(p.referent_other).get(url).status_code == 404
    assert client_as(p.referent_other).post(url, _post(family, "draft")).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.household.pk)).count() == 2
    assert not Referral.objects.exists()

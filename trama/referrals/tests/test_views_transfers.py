"""Case-transfer pages: the holding organisation asks (choosing among its networks' organisations), the receiving
organisation sees it on its home page and accepts or declines, the sender may cancel; who may open what."""

from __future__ import annotations

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.referrals import services
from trama.referrals.models import CaseTransfer, TransferStatus
from trama.referrals.tests.helpers import make_family


def _request(p: Personas, family) -> CaseTransfer:  # type: ignore[no-untyped-def]
    return services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_b,
                                          reason="La famiglia si è trasferita in zona Beta")


def test_the_household_page_offers_the_transfer_and_the_form_lists_network_organisations(
        personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    client = client_as(p.proximity)
    new_url = reverse("referrals:transfer_new", args=[family.household.pk])
    assert new_url in client.get(reverse("records:household_detail", args=[family.household.pk])).content.decode()
    page = client.get(new_url).content.decode()
    assert p.ets_b.name in page and p.comune.name in page
    assert p.ets_other.name not in page  # not in Cooperativa Alfa's networks
    fragment = client.get(reverse("referrals:transfer_organisations", args=[family.household.pk]), {"q": "beta"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and p.ets_b.name in body and p.comune.name not in body and "<html" not in body


def test_asking_validates_and_keeps_what_was_typed(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    client = client_as(p.proximity)
    url = reverse("referrals:transfer_new", args=[family.household.pk])
    response = client.post(url, {"reason": "Cambio di quartiere"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Scegli l&#x27;organizzazione a cui passare la presa in carico." in body and "Cambio di quartiere" in body
    response = client.post(url, {"to_organisation": str(p.ets_other.pk), "reason": "x"})
    assert response.status_code == 400 and "Scegli un&#x27;organizzazione tra quelle delle tue reti." in \
        response.content.decode()
    assert not CaseTransfer.objects.exists()
    response = client.post(url, {"to_organisation": str(p.ets_b.pk), "reason": "Cambio di quartiere"})
    transfer = CaseTransfer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:transfer_detail",
                                                                           args=[transfer.pk])
    assert transfer.status == TransferStatus.REQUESTED
    # A second request while one waits is explained, and the household page shows the pending one.
    again = client.get(url).content.decode()
    assert "già una richiesta di passaggio" in again
    detail = client.get(reverse("records:household_detail", args=[family.household.pk])).content.decode()
    assert reverse("referrals:transfer_detail", args=[transfer.pk]) in detail


def test_the_receiver_sees_it_at_home_and_accepts(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    transfer = _request(p, family)
    client = client_as(p.proximity_b)
    home = client.get(reverse("referrals:home")).content.decode()
    detail_url = reverse("referrals:transfer_detail", args=[transfer.pk])
    assert detail_url in home
    page = client.get(detail_url).content.decode()
    assert "La famiglia si è trasferita in zona Beta" in page
    assert reverse("referrals:transfer_accept", args=[transfer.pk]) in page
    assert reverse("referrals:transfer_cancel", args=[transfer.pk]) not in page
    response = client.post(reverse("referrals:transfer_accept", args=[transfer.pk]), {"note": "Benvenuti"})
    assert response.status_code == 302
    assert response["Location"] == reverse("records:household_detail", args=[family.household.pk])
    family.household.refresh_from_db()
    transfer.refresh_from_db()
    assert family.household.organisation == p.ets_b and transfer.status == TransferStatus.ACCEPTED
    assert client.get(response["Location"]).status_code == 200
    # Accepting twice: explained, nothing changes.
    again = client.post(reverse("referrals:transfer_accept", args=[transfer.pk]), {})
    assert again.status_code == 400 and "ha già ricevuto una risposta" in again.content.decode()


def test_the_receiver_declines_and_the_sender_cancels(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    transfer = _request(p, family)
    response = client_as(p.referent_b).post(reverse("referrals:transfer_decline", args=[transfer.pk]),
                                            {"note": "Non abbiamo posti"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED
    page = client_as(p.proximity).get(reverse("referrals:transfer_detail", args=[transfer.pk])).content.decode()
    assert "Non abbiamo posti" in page
    second = _request(p, family)
    client = client_as(p.proximity)
    assert reverse("referrals:transfer_cancel", args=[second.pk]) in client.get(
        reverse("referrals:transfer_detail", args=[second.pk])).content.decode()
    assert client.post(reverse("referrals:transfer_cancel", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.status == TransferStatus.CANCELLED
    family.household.refresh_from_db()
    assert family.household.organisation == p.ets_a


def test_the_sender_cannot_accept_and_the_receiver_cannot_cancel(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    transfer = _request(p, family)
    response = client_as(p.proximity).post(reverse("referrals:transfer_accept", args=[transfer.pk]), {})
    assert response.status_code == 400 and "Solo chi gestisce le segnalazioni" in response.content.decode()
    response = client_as(p.proximity_b).post(reverse("referrals:transfer_cancel", args=[transfer.pk]))
    assert response.status_code == 400
    # The network referent of the receiver manages referrals but may not edit records: accepting is refused.
    response = client_as(p.referent_b).post(reverse("referrals:transfer_accept", args=[transfer.pk]), {})
    assert response.status_code == 400 and "modificare le cartelle" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REQUESTED


def test_who_may_open_what(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    transfer = _request(p, family)
    new_url = reverse("referrals:transfer_new", args=[family.household.pk])
    options_url = reverse("referrals:transfer_organisations", args=[family.household.pk])
    detail_url = reverse("referrals:transfer_detail", args=[transfer.pk])
    # Outsiders: 404 everywhere, audited.
    for url in (new_url, options_url, detail_url):
        assert client_as(p.referent_other).get(url).status_code == 404
    assert client_as(p.referent_other).post(reverse("referrals:transfer_accept", args=[transfer.pk])).status_code \
        == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=p.referent_other).count() == 4
    # A reader of the holding organisation without records.edit: 403 on asking.
    assert client_as(p.referent).get(new_url).status_code == 403
    assert client_as(p.referent).get(options_url).status_code == 403
    # The volunteer of the sender sees nothing of it.
    assert client_as(p.volunteer).get(detail_url).status_code == 404
    # The fragment does not audit an opening at every keystroke for an allowed user.
    before = AuditEvent.objects.filter(actor=p.proximity).count()
    client_as(p.proximity).get(options_url, {"q": "b"})
    client_as(p.proximity).get(options_url, {"q": "be"})
    assert AuditEvent.objects.filter(actor=p.proximity).count() == before


def test_the_candidates_are_the_members_of_the_holders_networks_and_those_below(personas: Personas) -> None:
    # The Comune belongs to the city network: the organisations of the municipal networks below it are candidates.
    from trama.records import services as records_services
    from trama.referrals.views.transfers import candidate_organisations

    p = personas
    household = records_services.household_create(organisation=p.comune, by=p.social_worker)
    candidates = set(candidate_organisations(household))
    assert {p.ets_a, p.ets_b, p.ets_other} <= candidates and p.comune not in candidates
    held_by_a = records_services.household_create(organisation=p.ets_a, by=p.proximity)
    assert p.ets_other not in set(candidate_organisations(held_by_a))  # Municipio 1 is not below Municipio 8

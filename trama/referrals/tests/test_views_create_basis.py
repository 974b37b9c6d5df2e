"""The referral form's choice of the consent or legal basis that covers it: the automatic choice by default (the
form as before), a specific one chosen and checked by the service, a clear explanation when none covers it; the
inline service search audits no opening per keystroke."""

from __future__ import annotations

import re

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records.categories import DataCategory as C
from trama.referrals.models import Referral, ReferralStatus
from trama.referrals.tests.helpers import Family, give_consent, make_family


def _post(family: Family, action: str, **extra: object) -> dict[str, object]:
    return {"people": [str(family.child.pk)], "service": str(family.service.pk), "reason": "Compiti di matematica",
            "urgency": "soon", "categories": ["identity", "needs_and_plan"], "action": action, **extra}


def _fragment(client, family: Family, **params: object):  # type: ignore[no-untyped-def]
    query = {"service": str(family.service.pk), "categories": ["identity", "needs_and_plan"],
             "people": [str(family.child.pk)], **params}
    return client.get(reverse("referrals:basis_options", args=[family.household.pk]), query)


def test_the_fragment_lists_what_covers_the_referral_and_the_automatic_choice(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    narrow = give_consent(p, family, categories=[C.IDENTITY])
    wide = give_consent(p, family)
    client = client_as(p.proximity)
    response = _fragment(client, family)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'value="consent:{wide.pk}"' in body and f'value="consent:{narrow.pk}"' in body
    assert body.count("copre l&#x27;invio") + body.count("copre l'invio") >= 2
    assert "non copre queste categorie" in body  # the narrow one, with why
    assert "Verrà usato: Consenso del" in body
    assert 'id="basis-auto" form="referral-form" checked' in body


def test_without_a_covering_basis_the_fragment_explains_and_links_to_the_consent_form(
        personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    body = _fragment(client_as(p.proximity), family).content.decode()
    assert "Nessuno copre l" in body and "Non è possibile inviare la segnalazione" in body
    assert reverse("records:consent_add", args=[family.household.pk]) in body
    # Before a service is chosen, the page says what the block will show.
    page = client_as(p.proximity).get(reverse("referrals:new", args=[family.household.pk])).content.decode()
    assert "Scegli il servizio e le categorie da condividere" in page


def test_the_form_as_before_uses_the_automatic_choice(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    consent = give_consent(p, family)
    client_as(p.proximity).post(reverse("referrals:new", args=[family.household.pk]), _post(family, "send"))
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.consent == consent


def test_a_chosen_consent_is_used_and_one_that_does_not_cover_is_refused(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    narrow = give_consent(p, family, categories=[C.IDENTITY])
    older = give_consent(p, family)
    newest = give_consent(p, family)
    client = client_as(p.proximity)
    url = reverse("referrals:new", args=[family.household.pk])
    refused = client.post(url, _post(family, "send", basis=f"consent:{narrow.pk}"))
    body = refused.content.decode()
    assert refused.status_code == 400 and "Il consenso scelto non copre queste categorie di dati" in body
    assert "Compiti di matematica" in body  # nothing typed is lost, the choice neither
    assert re.search(rf'value="consent:{narrow.pk}" id="basis-\d+" form="referral-form" checked', body)
    assert not Referral.objects.exists()
    client.post(url, _post(family, "send", basis=f"consent:{older.pk}"))
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.consent == older and older != newest


def test_a_legal_basis_may_be_chosen(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    record = consent_services.legal_basis_record(
        household=family.household, by=p.social_worker, basis="public_task", reference="L. 328/2000",
        reason="Presa in carico del servizio sociale territoriale", categories=[C.IDENTITY, C.NEEDS_AND_PLAN],
        organisation=p.ets_b)
    client = client_as(p.proximity)
    assert f'value="legal_basis:{record.pk}"' in _fragment(client, family).content.decode()
    client.post(reverse("referrals:new", args=[family.household.pk]),
                _post(family, "send", basis=f"legal_basis:{record.pk}"))
    referral = Referral.objects.get()
    assert referral.legal_basis == record and referral.consent is None
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Fondamento" in detail and "L. 328/2000" in detail


def test_an_unknown_basis_is_an_error_not_a_crash(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    response = client_as(p.proximity).post(reverse("referrals:new", args=[family.household.pk]),
                                           _post(family, "draft", basis="consent:999999"))
    assert response.status_code == 400 and "non sono più in vigore" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_service_search_audits_no_opening_per_keystroke_but_audits_denials(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    url = reverse("referrals:service_options", args=[family.household.pk])
    before = AuditEvent.objects.filter(actor=p.proximity).count()
    for text in ("d", "do", "dop"):
        assert client_as(p.proximity).get(url, {"q": text}).status_code == 200
    assert AuditEvent.objects.filter(actor=p.proximity).count() == before
    assert client_as(p.referent_other).get(url, {"q": "d"}).status_code == 404
    assert client_as(p.referent).get(url, {"q": "d"}).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.household.pk)).count() == 2
    # The basis fragment reads consents: it is audited as a reading, denials too.
    assert _fragment(client_as(p.referent_other), family).status_code == 404
    assert _fragment(client_as(p.proximity), family).status_code == 200
    assert AuditEvent.objects.filter(action="records.household.referral_basis", actor=p.proximity).count() == 1

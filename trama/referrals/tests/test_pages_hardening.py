"""Referral pages under the conditions of real use: a form submitted twice, an inline search that offers only
services that can be chosen, a case transfer accepted only by someone who can then work on it, odd search input,
the API's answer after an action, and the English interface."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.testing import Personas
from trama.directory import services as directory_services
from trama.directory.models import Service
from trama.records.models import Household, OrganisationNotification
from trama.records.tests.helpers import make_household
from trama.referrals import services
from trama.referrals.models import Referral, ReferralMessage
from trama.referrals.tests.helpers import draft, give_consent, make_family, sent

pytestmark = pytest.mark.django_db


def _submission(page: str) -> str:
    match = re.search(r'name="submission" value="([0-9a-f-]{36})"', page)
    assert match, "the form carries its submission key"
    return match.group(1)


def test_a_referral_form_submitted_twice_sends_one_referral(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    client: Client = client_as(p.proximity)
    url = reverse("referrals:new", args=[family.household.pk])
    key = _submission(client.get(url).content.decode())
    data = {"people": [str(family.child.pk)], "service": str(family.service.pk), "reason": "Compiti",
            "urgency": "routine", "categories": ["identity", "needs_and_plan"], "action": "send", "submission": key}
    first, second = client.post(url, data), client.post(url, data)
    referral = Referral.objects.get(household=family.household)
    assert referral.status == "sent" and str(referral.uuid) == key
    assert first["Location"] == second["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert OrganisationNotification.objects.filter(organisation=p.ets_b, kind="referral_received").count() == 1
    # Saved as a draft from a page, then sent from the same page: what was saved is sent.
    other = _submission(client.get(url).content.decode())
    client.post(url, {**data, "action": "draft", "submission": other})
    client.post(url, {**data, "action": "send", "submission": other})
    assert Referral.objects.get(uuid=other).status == "sent"
    # A new page is a new referral; another user's key finds nothing of theirs.
    assert _submission(client.get(url).content.decode()) != key
    assert services.submitted_referral(submission=referral.uuid, by=p.social_worker,
                                       household=family.household) is None


def test_a_message_submitted_twice_is_written_once(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    client: Client = client_as(p.proximity)
    key = _submission(client.get(reverse("referrals:detail", args=[referral.pk])).content.decode())
    url = reverse("referrals:message_add", args=[referral.pk])
    assert client.post(url, {"text": "Domanda", "submission": key}).status_code == 302
    assert client.post(url, {"text": "Domanda", "submission": key}).status_code == 302
    assert ReferralMessage.objects.filter(referral=referral).count() == 1
    # Without a key (an API client, an old page) each message is its own.
    client.post(url, {"text": "Un'altra domanda"})
    assert ReferralMessage.objects.filter(referral=referral).count() == 2


def test_the_inline_search_offers_only_services_that_can_be_chosen(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    defunct = directory_services.service_create(by=p.referent_b, organisation=p.ets_b, maintainer=p.ets_b,
                                                name="Doposcuola Cessato")
    Service.objects.filter(pk=defunct.pk).update(status="defunct")
    own = directory_services.service_create(by=p.referent, organisation=p.ets_a, maintainer=p.ets_a,
                                            name="Doposcuola Alfa")
    client: Client = client_as(p.proximity)
    fragment = client.get(reverse("referrals:service_options", args=[family.household.pk]),
                          {"q": "doposcuola"}).content.decode()
    assert f'value="{family.service.pk}"' in fragment
    assert f'value="{defunct.pk}"' not in fragment and f'value="{own.pk}"' not in fragment
    page = client.get(reverse("referrals:new", args=[family.household.pk]), {"q": "doposcuola"}).content.decode()
    assert "Doposcuola Beta" in page and "Doposcuola Cessato" not in page and "Doposcuola Alfa" not in page


def test_a_case_transfer_is_accepted_only_by_who_can_then_work_on_it(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household = make_household(p, label="Famiglia M1", municipio=p.municipio1)
    transfer = services.case_transfer_request(household=household, by=p.proximity, to_organisation=p.ets_b,
                                              reason="Si trasferisce")
    scoped = User.objects.create_user(email="scoped-b@test.trama.invalid", password="x-Trama-123456",
                                      full_name="Operatrice di zona")
    Membership.objects.create(user=scoped, organisation=p.ets_b, role=Role.PROXIMITY_WORKER, network=p.network8,
                              valid_from=dt.date(2024, 5, 8))
    client: Client = client_as(scoped)
    accept = reverse("referrals:transfer_accept", args=[transfer.pk])
    page = client.get(reverse("referrals:transfer_detail", args=[transfer.pk])).content.decode()
    assert accept not in page and reverse("referrals:transfer_decline", args=[transfer.pk]) in page
    refused = client.post(accept, {"note": ""})
    assert refused.status_code == 400
    assert Household.objects.get(pk=household.pk).organisation == p.ets_a
    # Beta's proximity worker, not scoped to a network, can take it, and then opens it.
    referent: Client = client_as(p.proximity_b)
    assert accept in referent.get(reverse("referrals:transfer_detail", args=[transfer.pk])).content.decode()
    assert referent.post(accept, {"note": ""}).status_code == 302
    assert Household.objects.get(pk=household.pk).organisation == p.ets_b
    assert referent.get(reverse("records:household_detail", args=[household.pk])).status_code == 200


def test_a_nul_character_in_a_search_is_dropped(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in a text value: "?q=a%00b" was a 500 there."""
    household = make_household(personas)
    client: Client = client_as(personas.proximity)
    for url in (reverse("referrals:transfer_new", args=[household.pk]),
                reverse("referrals:transfer_organisations", args=[household.pk])):
        assert client.get(url, {"q": "Be\x00ta"}).status_code == 200
    assert client_as(personas.admin).get(reverse("accounts:people_list"), {"q": "a\x00"}).status_code in (200, 403)


def test_the_api_answers_an_action_with_what_may_be_done_next(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = draft(p, family)
    client: Client = client_as(p.proximity)
    after_send = client.post(f"/api/referrals/{referral.pk}/send").json()
    assert after_send["status"] == "sent"
    assert after_send["actions"] == client.get(f"/api/referrals/{referral.pk}").json()["actions"]
    assert "message" in after_send["actions"]


def test_the_referral_number_is_translated(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    client: Client = client_as(p.proximity)
    home = client.get(reverse("referrals:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"No. {referral.pk} — Doposcuola Beta" in home and f"n. {referral.pk} —" not in home
    italian = client.get(reverse("referrals:home"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert f"n. {referral.pk} — Doposcuola Beta" in italian


def test_every_referral_is_reachable_beyond_the_homes_first_twenty(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    """The home shows the first twenty of each kind; the lists of received and sent referrals show them all, a
    page at a time, narrowed by status."""
    p = personas
    family = make_family(p)
    give_consent(p, family)
    waiting = [sent(p, family) for _ in range(27)]
    other_draft = draft(p, family)
    receiver: Client = client_as(p.proximity_b)
    home = receiver.get(reverse("referrals:home")).content.decode()
    assert sum(f'href="{reverse("referrals:detail", args=[r.pk])}"' in home for r in waiting) == 20
    assert reverse("referrals:received") in home
    first = receiver.get(reverse("referrals:received")).content.decode()
    assert "27 segnalazioni" in first and "Pagina 1 di 2" in first
    shown = {r.pk for r in waiting if f'href="{reverse("referrals:detail", args=[r.pk])}"' in first}
    second = receiver.get(reverse("referrals:received"), {"page": 2}).content.decode()
    shown |= {r.pk for r in waiting if f'href="{reverse("referrals:detail", args=[r.pk])}"' in second}
    assert shown == {r.pk for r in waiting}
    assert reverse("referrals:detail", args=[other_draft.pk]) not in first + second  # the sender's draft
    closed = receiver.get(reverse("referrals:received"), {"status": "closed"}).content.decode()
    assert "Nessuna segnalazione in questo stato." in closed
    assert "27 segnalazioni" in receiver.get(reverse("referrals:received"), {"status": "boh"}).content.decode()
    # (client_as logs the same client in as another user.) The sender's list has the draft, under "Bozze".
    sender: Client = client_as(p.proximity)
    drafts = sender.get(reverse("referrals:sent"), {"status": "draft"}).content.decode()
    assert "1 segnalazione" in drafts and reverse("referrals:detail", args=[other_draft.pk]) in drafts
    stranger: Client = client_as(p.social_worker)
    assert "non ha ancora ricevuto" in stranger.get(reverse("referrals:received")).content.decode()


def test_a_draft_is_changed_before_it_is_sent(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    """A draft saved on a consent later withdrawn, or sharing more than the consents cover, is changed (basis,
    categories, text) and sent, instead of being cancelled and typed again."""
    from trama.records import consent as consent_services

    p = personas
    family = make_family(p)
    first = give_consent(p, family, categories=["identity", "needs_and_plan"])
    client: Client = client_as(p.proximity)
    new = reverse("referrals:new", args=[family.household.pk])
    data = {"people": [str(family.child.pk)], "service": str(family.service.pk), "reason": "Motivo lungo",
            "urgency": "routine", "categories": ["identity", "needs_and_plan", "contacts"], "action": "draft",
            "basis": f"consent:{first.pk}"}
    client.post(new, data)
    referral = Referral.objects.get(household=family.household)
    assert referral.consent_id == first.pk and referral.status == "draft"
    consent_services.consent_withdraw(consent=first, by=p.proximity)
    give_consent(p, family, categories=["identity", "needs_and_plan"])  # a new one, without contacts
    refused = client.post(reverse("referrals:send", args=[referral.pk]))
    referral.refresh_from_db()
    assert refused.status_code == 400 and referral.status == "draft"
    edit = reverse("referrals:edit", args=[referral.pk])
    assert edit in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    page = client.get(edit).content.decode()
    # Filled in from the draft; the withdrawn consent is no longer a choice: the automatic one is.
    assert "Modifica la bozza n." in page and "Motivo lungo" in page
    assert re.search(rf'name="people" value="{family.child.pk}" id="[^"]+" checked', page)
    assert not re.search(rf'name="people" value="{family.parent.pk}" id="[^"]+" checked', page)
    assert re.search(r'name="categories" value="contacts" id="[^"]+" checked', page)
    assert f'value="consent:{first.pk}"' not in page and 'id="basis-auto" form="referral-form" checked' in page
    changed = {**data, "categories": ["identity", "needs_and_plan"], "basis": "", "reason": "Motivo aggiornato",
               "action": "send"}
    assert client.post(edit, changed).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.categories == ["identity", "needs_and_plan"]
    assert referral.consent_id not in (None, first.pk)
    assert Referral.objects.filter(household=family.household).count() == 1
    # Once sent it cannot be changed: the page sends back to the referral.
    assert client.get(edit)["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert client.post(edit, changed)["Location"] == reverse("referrals:detail", args=[referral.pk])
    with pytest.raises(Exception, match="già stata inviata"):
        services.referral_draft_update(referral=referral, by=p.proximity, people=[family.child],
                                       service=family.service, reason="x", categories=["identity"],
                                       urgency="routine")


def test_a_referral_past_its_deadline_is_no_longer_waiting_on_the_home(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    """Before the daily expiry job marks it, it can no longer be accepted or declined: it is not offered."""
    from django.utils import timezone

    p = personas
    family = make_family(p)
    give_consent(p, family)
    late, fresh = sent(p, family), sent(p, family)
    Referral.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    home = client_as(p.proximity_b).get(reverse("referrals:home")).content.decode()
    assert f'href="{reverse("referrals:detail", args=[fresh.pk])}"' in home
    assert f'href="{reverse("referrals:detail", args=[late.pk])}"' not in home
    waiting = client_as(p.proximity_b).get(reverse("referrals:received"), {"status": "waiting"}).content.decode()
    assert f'href="{reverse("referrals:detail", args=[late.pk])}"' not in waiting
    every = client_as(p.proximity_b).get(reverse("referrals:received")).content.decode()
    assert "tempo per rispondere scaduto" in every


def test_a_referral_without_a_deadline_keeps_waiting(personas: Personas) -> None:
    """The inbox's deadline test treats a missing deadline (a referral sent before deadlines existed) as never
    reached, and one exactly at its deadline as over, on both databases."""
    from django.utils import timezone

    from trama.referrals.access import before_deadline, inbox

    p = personas
    family = make_family(p)
    give_consent(p, family)
    endless, due_now, fresh = sent(p, family), sent(p, family), sent(p, family)
    now = timezone.now()
    Referral.objects.filter(pk=endless.pk).update(expires_at=None)
    Referral.objects.filter(pk=due_now.pk).update(expires_at=now)
    waiting = set(Referral.objects.filter(before_deadline(now)).values_list("pk", flat=True))
    assert {endless.pk, fresh.pk} <= waiting and due_now.pk not in waiting
    assert {endless.pk, fresh.pk} <= set(inbox(p.proximity_b).values_list("pk", flat=True))

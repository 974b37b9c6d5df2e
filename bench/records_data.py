"""Synthetic social records for the load benchmark: organisations in nine municipal networks, their directory
services, households with members, consents (named organisations and municipal networks, some withdrawn) and
referrals in every state, plus a few dozen households of the benchmark operator's organisation filled in through
the services (assessments, plan, notes), whose pages are the ones measured.

The bulk rows (households, members, consents and their recipients, referrals and the people they refer) are
written by `Inserter`: `executemany` with explicit ids and values converted as the fields do, several times faster
than bulk_create. Encrypted values (a third of the members' documents and residency status, every referral's
reason) are precomputed with `seal`, exactly as the encrypted field's pre_save would: AES-256-GCM with the
configured key, bound to table, column and the row's uuid (trama/records/protection.py), so the household page
decrypts them as it would real ones. History rows (consent, household and referral events) and audit events are
not generated: no page measured here reads them in bulk. Deterministic for a given seed.

    summary = generate(households=150_000, people=400_000, organisations=60, referrals=200_000)
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.directory.models import Service, ServiceStatus
from trama.lib import crypto
from trama.network.models import Network, NetworkLevel, NetworkMembership, NetworkRole, Organisation, OrganisationKind
from trama.records.models import (
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Household,
    HouseholdStatus,
    Person,
    name_key,
)
from trama.records.protection import associated_data, key_ring
from trama.referrals.models import DeclineReason, Outcome, Referral, ReferralStatus, Urgency
from trama.territory.models import Area, AreaKind

USER_EMAIL = "bench.records@trama.invalid"
USER_PASSWORD = "bench-records-password-1"  # noqa: S105 - a throwaway benchmark database
BATCH = 2000
ENRICHED = 25  # households of the operator's organisation filled in through the services (the measured pages)
SERVICES_PER_ORGANISATION = 3
NETWORK_CONSENT_SHARE = 0.2  # households with a consent to their municipal network
WITHDRAWN_SHARE = 0.05
CLOSED_SHARE = 0.15
CATEGORIES = ["identity", "contacts", "needs_and_plan"]
NAMES = ["Amina", "Luca", "Olena", "Pedro", "Fatou", "Giulia", "Yusuf", "Mei", "Ion", "Sara", "Rahim", "Nour",
         "Marco", "Salma", "Taras", "Rosa", "Leo", "Lina", "Samir", "Ida"]
SURNAMES = ["Banco", "Prova", "Carico", "Misura", "Campione", "Esempio", "Saggio", "Test"]
ROLES = ["parent", "partner", "child", "child", "child", "grandparent", "other_adult"]
# The referral statuses and their shares (waiting ones were sent in the last 14 days, so they are not expired).
STATUSES = [(ReferralStatus.SENT, 0.15), (ReferralStatus.ACCEPTED, 0.08), (ReferralStatus.IN_PROGRESS, 0.12),
            (ReferralStatus.COMPLETED, 0.40), (ReferralStatus.DECLINED, 0.12), (ReferralStatus.EXPIRED, 0.08),
            (ReferralStatus.CANCELLED, 0.05)]


@dataclass
class Summary:
    organisations: int = 0
    households: int = 0
    people: int = 0
    consents: int = 0
    recipients: int = 0
    referrals: int = 0
    services: int = 0
    seconds: float = 0.0
    enrich_seconds: float = 0.0
    user_id: int = 0
    organisation_id: int = 0
    sample_households: list[int] = field(default_factory=list)  # the operator's, filled in
    own_households: int = 0


def _batches(rows: list, model: type) -> list:  # type: ignore[type-arg]
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined, no-any-return]


class Inserter:
    """Rows of one model written with `executemany` and explicit ids (the bench database is fresh): much faster
    than bulk_create, which compiles every value through the ORM. Values are converted as the fields do
    (uuids, dates, datetimes, JSON); fields not given get their default (called per row when callable, `now`
    for auto_now fields). Encrypted fields take a token made by `seal`."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1  # type: ignore[attr-defined]
        self.now = timezone.now()
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self._converters: list[Callable[[Any], Any] | None] = []
        self._defaults: list[Any] = []
        for f in self.fields:
            kind = f.get_internal_type()
            converts = kind in ("UUIDField", "DateField", "DateTimeField", "JSONField")
            self._converters.append(self._converter(f) if converts else None)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self._defaults.append(lambda: self.now)
            elif f.has_default() and callable(f.default):
                self._defaults.append(f.default)
            else:
                constant = f.get_default()  # "" for a text column without a default, None if nullable
                self._defaults.append(lambda constant=constant: constant)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - fixed names
                    f"VALUES ({', '.join(['%s'] * len(self.fields))})")

    @staticmethod
    def _converter(model_field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        def convert(value: Any) -> Any:
            return model_field.get_db_prep_save(value, connection)
        return convert

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        row = []
        for f, convert, default in zip(self.fields, self._converters, self._defaults, strict=True):
            value = values[f.attname] if f.attname in values else default()
            row.append(convert(value) if convert is not None and value is not None else value)
        self.rows.append(tuple(row))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []

    def close(self) -> int:
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                    cursor.execute(statement)
        return self.count


def seal(model: type[models.Model], column: str, row_uuid: uuid.UUID, plaintext: str) -> str:
    """The token the encrypted field's pre_save would write for this row (trama/records/protection.py)."""
    return crypto.encrypt(key_ring(), plaintext.encode("utf-8"),
                          associated_data=associated_data(model, column, row_uuid))  # type: ignore[arg-type]


def _user(organisation: Organisation) -> User:
    """A proximity worker (records.view/edit, special categories, referrals.manage) of the first organisation."""
    user = User.objects.filter(email=USER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=USER_EMAIL, password=USER_PASSWORD, full_name="Bruno Benchmark")
        Membership.objects.create(user=user, organisation=organisation, role=Role.PROXIMITY_WORKER,
                                  valid_from=dt.date(2024, 1, 1))
    return user


def _organisations(count: int, municipi: list[Area]) -> tuple[list[Organisation], dict[int, Network]]:
    organisations = _batches([
        Organisation(name=f"Cooperativa Banco Cartelle {i:03d}", short_name=f"Cartelle {i:03d}",
                     slug=f"bench-records-{i:03d}", kind=OrganisationKind.ETS, legal_form="coop_sociale")
        for i in range(count)], Organisation)
    networks: dict[int, Network] = {}
    for index, area in enumerate(municipi):
        networks[index] = Network.objects.create(name=f"Rete bench Municipio {index + 1}",
                                                 slug=f"bench-records-m{index + 1}", level=NetworkLevel.MUNICIPAL,
                                                 area=area)
    _batches([NetworkMembership(network=networks[i % len(municipi)], organisation=organisation,
                                role=NetworkRole.PARTNER, since=dt.date(2024, 1, 1))
              for i, organisation in enumerate(organisations)], NetworkMembership)
    return organisations, networks


def _split(total: int, parts: int, rnd: random.Random) -> list[int]:
    """`parts` sizes of 1..6 summing to `total` (needs parts ≤ total ≤ 6·parts)."""
    sizes = [1] * parts
    left = total - parts
    while left > 0:
        index = rnd.randrange(parts)
        if sizes[index] < 6:
            sizes[index] += 1
            left -= 1
    return sizes


def generate(*, households: int, people: int, organisations: int, referrals: int, seed: int = 2026) -> Summary:
    start = time.perf_counter()
    rnd = random.Random(seed)
    summary = Summary()
    now = timezone.now()
    today = timezone.localdate()
    municipi = list(Area.objects.filter(kind=AreaKind.MUNICIPIO, code__startswith="MI-M").order_by("code"))
    nils_of: dict[int, list[int]] = {}
    for pk, parent in Area.objects.filter(kind=AreaKind.NIL).values_list("pk", "parent_id"):
        nils_of.setdefault(parent, []).append(pk)

    with transaction.atomic():
        orgs, networks = _organisations(organisations, municipi)
        summary.organisations = len(orgs)
        operator_org = orgs[0]
        summary.organisation_id = operator_org.pk
        user = _user(operator_org)
        summary.user_id = user.pk

        services = _batches([
            Service(organisation=o, maintainer=o, name=f"Servizio bench {o.short_name} {n}",
                    description="Servizio del banco di prova.", status=ServiceStatus.ACTIVE)
            for o in orgs for n in range(SERVICES_PER_ORGANISATION)], Service)
        services_of: dict[int, list[Service]] = {}
        for service in services:
            services_of.setdefault(service.organisation_id, []).append(service)
        summary.services = len(services)

        # Households: round-robin over the organisations, each in its organisation's Municipio.
        households_in = Inserter(Household)
        made: list[tuple[int, int, dt.date, bool]] = []  # id, organisation id, opened on, open
        for i in range(households):
            organisation = orgs[i % len(orgs)]
            municipio = municipi[(i % len(orgs)) % len(municipi)]
            opened = today - dt.timedelta(days=rnd.randint(1, 1000))
            closed = rnd.random() < CLOSED_SHARE
            nils = nils_of.get(municipio.pk)
            pk = households_in.add(
                organisation_id=organisation.pk, reference_code=f"BEN-{i + 1:07d}", label=f"Nucleo bench {i + 1}",
                municipio_id=municipio.pk, nil_id=rnd.choice(nils) if nils else None,
                status=HouseholdStatus.CLOSED if closed else HouseholdStatus.OPEN, opened_on=opened,
                closed_on=min(today, opened + dt.timedelta(days=rnd.randint(30, 400))) if closed else None,
                closure_reason="goals_achieved" if closed else "")
            made.append((pk, organisation.pk, opened, not closed))
        summary.households = households_in.close()

        # Members: 1 to 6 each, `people` in all; a third with documents and residency status (encrypted).
        sizes = _split(people, len(made), rnd)
        people_in = Inserter(Person)
        people_of: dict[int, list[int]] = {}
        for (household_id, _org, _opened, _open), size in zip(made, sizes, strict=True):
            surname = rnd.choice(SURNAMES)
            for n in range(size):
                first = rnd.choice(NAMES)
                role = "parent" if n == 0 else rnd.choice(ROLES)
                row_uuid = uuid.uuid4()
                protected: dict[str, str] = {}
                if rnd.random() < 0.33:
                    protected = {
                        "documents_status": seal(Person, "documents_status", row_uuid,
                                                 rnd.choice(["valid", "none", "pending"])),
                        "residency_status": seal(Person, "residency_status", row_uuid,
                                                 rnd.choice(["resident", "none"]))}
                age = (rnd.randint(20, 60) if role in ("parent", "partner", "other_adult")
                       else rnd.randint(0, 17) if role == "child" else rnd.randint(60, 90))
                pk = people_in.add(
                    household_id=household_id, uuid=row_uuid, role_in_household=role, first_name_or_alias=first,
                    surname=surname, name_key=name_key(first, surname), birth_year=today.year - age,
                    sex_gender=rnd.choice(["female", "male"]), citizenship=rnd.choice(["IT", "EG", "MA", "UA"]),
                    languages=["it"], **protected)
                people_of.setdefault(household_id, []).append(pk)
        summary.people = people_in.close()

        # Referrals: from a household's organisation to a service of another one.
        statuses = [s for s, _share in STATUSES]
        weights = [share for _s, share in STATUSES]
        plan: list[tuple[tuple[int, int, dt.date, bool], int, str]] = []  # household, receiver id, status
        for _ in range(referrals):
            household = made[rnd.randrange(len(made))]
            other = orgs[rnd.randrange(len(orgs))]
            while other.pk == household[1]:
                other = orgs[rnd.randrange(len(orgs))]
            plan.append((household, other.pk, rnd.choices(statuses, weights)[0]))

        # Consents: one per household that sends referrals, naming every receiving organisation; a share of the
        # households also consent to their municipal network. Some consents are withdrawn.
        receivers: dict[int, set[int]] = {}
        for household, to_id, _status in plan:
            receivers.setdefault(household[0], set()).add(to_id)
        by_pk = {h[0]: h for h in made}
        network_of = {o.pk: networks[i % len(municipi)] for i, o in enumerate(orgs)}
        consents_in, recipients_in = Inserter(Consent), Inserter(ConsentRecipient)
        consent_of: dict[int, int] = {}
        named = [ConsentPurpose.SERVICES_IN_NETWORK, ConsentPurpose.SHARE_NAMED_ORGANISATIONS]
        for household_id, to_ids in receivers.items():
            _pk, org_id, opened, _open = by_pk[household_id]
            withdrawn = rnd.random() < WITHDRAWN_SHARE
            consent_id = consents_in.add(
                household_id=household_id, purposes=named, categories=CATEGORIES, notice_version="2026-11",
                notice_language="it", given_on=opened, recorded_for_id=org_id,
                withdrawn_at=now - dt.timedelta(days=rnd.randint(1, 30)) if withdrawn else None,
                withdrawn_by_id=user.pk if withdrawn else None)
            consent_of[household_id] = consent_id
            for to_id in sorted(to_ids):
                recipients_in.add(consent_id=consent_id, organisation_id=to_id, household_id=household_id,
                                  given_on=opened)
        network_purposes = [ConsentPurpose.SERVICES_IN_NETWORK, ConsentPurpose.SHARE_MUNICIPAL_NETWORK]
        for household_id, org_id, opened, _open in made:
            if rnd.random() < NETWORK_CONSENT_SHARE:
                consent_id = consents_in.add(
                    household_id=household_id, purposes=network_purposes, categories=CATEGORIES,
                    notice_version="2026-11", notice_language="it", given_on=opened, recorded_for_id=org_id)
                recipients_in.add(consent_id=consent_id, network_id=network_of[org_id].pk,
                                  household_id=household_id, given_on=opened)
        summary.consents = consents_in.close()
        summary.recipients = recipients_in.close()

        referrals_in = Inserter(Referral)
        people_in_referrals = Inserter(Referral.people.through)
        for (household_id, org_id, _opened, _open), to_id, status in plan:
            service = rnd.choice(services_of[to_id])
            if status == ReferralStatus.SENT:
                sent = now - dt.timedelta(minutes=rnd.randint(10, 13 * 24 * 60))
            else:
                sent = now - dt.timedelta(minutes=rnd.randint(15 * 24 * 60, 365 * 24 * 60))
            answered = sent + dt.timedelta(hours=rnd.randint(2, 200))
            accepted = status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED)
            row_uuid = uuid.uuid4()
            referral_id = referrals_in.add(
                household_id=household_id, uuid=row_uuid, from_organisation_id=org_id, to_organisation_id=to_id,
                service_id=service.pk, reason=seal(Referral, "reason", row_uuid, "Motivo dell'invio (bench)."),
                urgency=rnd.choice([Urgency.ROUTINE, Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT]),
                categories=CATEGORIES, consent_id=consent_of[household_id], status=status, created_at=sent,
                sent_at=sent, expires_at=sent + dt.timedelta(days=14),
                responded_at=answered if accepted or status == ReferralStatus.DECLINED else None,
                accepted_at=answered if accepted else None,
                started_at=answered if status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED) else None,
                completed_at=answered + dt.timedelta(days=20) if status == ReferralStatus.COMPLETED else None,
                outcome=rnd.choice(Outcome.values) if status == ReferralStatus.COMPLETED else "",
                decline_reason=rnd.choice(DeclineReason.values[:-1]) if status == ReferralStatus.DECLINED else "",
                expired_at=sent + dt.timedelta(days=14) if status == ReferralStatus.EXPIRED else None,
                cancelled_at=answered if status == ReferralStatus.CANCELLED else None,
                updated_at=answered)
            people_in_referrals.add(referral_id=referral_id, person_id=rnd.choice(people_of[household_id]))
        summary.referrals = referrals_in.close()
        people_in_referrals.close()

        own = [h[0] for h in made if h[1] == operator_org.pk and h[3]]
        summary.own_households = sum(1 for h in made if h[1] == operator_org.pk)
        sample = list(Household.objects.filter(pk__in=rnd.sample(own, min(ENRICHED, len(own)))).order_by("pk"))
        enrich_start = time.perf_counter()
        _enrich(sample, user, orgs[1], rnd)
        summary.enrich_seconds = time.perf_counter() - enrich_start
        summary.sample_households = [h.pk for h in sample]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the planner, on SQLite and PostgreSQL alike
    summary.seconds = time.perf_counter() - start
    return summary


def _enrich(sample: list[Household], user: User, partner: Organisation, rnd: random.Random) -> None:
    """Fill in the measured households through the services, as an operator would: needs, three assessments,
    a plan with goals and actions, a review, notes of each visibility."""
    from trama.records import services
    from trama.records.models import Dimension, NoteVisibility, OutcomeResult, StatementKind

    today = timezone.localdate()
    for household in sample:
        members = list(Person.objects.filter(household=household).order_by("pk"))

        def since_opening(days: int, household: Household = household) -> dt.date:
            # Records fall while the household is open (the services refuse dates before its opening).
            return max(today - dt.timedelta(days=days), household.opened_on)

        services.statement_add(household=household, by=user, kind=StatementKind.NEED, text="Bisogno (bench).")
        services.statement_add(household=household, by=user, kind=StatementKind.RESOURCE, text="Risorsa (bench).")
        for days in (200, 100, 10):
            services.assessment_record(household=household, by=user, assessed_on=since_opening(days),
                                       scores={d: services.DimensionScore(rnd.randint(1, 5), "Nota (bench).")
                                               for d in Dimension.values})
        for dimension in (Dimension.INCOME_WORK, Dimension.EDUCATION, Dimension.HOUSING):
            goal = services.plan_goal_add(household=household, by=user, dimension=dimension,
                                          description="Obiettivo (bench).",
                                          target_date=today + dt.timedelta(days=60))
            services.plan_action_add(goal=goal, by=user, description="Azione (bench).", by_operator=user,
                                     due_date=since_opening(rnd.randint(-30, 10)))
            services.plan_action_add(goal=goal, by=user, description="Azione (bench).", by_organisation=partner,
                                     due_date=since_opening(rnd.randint(-30, 10)))
        services.plan_review_record(household=household, by=user, reviewed_on=since_opening(5),
                                    outcomes={Dimension.INCOME_WORK: services.DimensionOutcome(
                                        OutcomeResult.IMPROVED, "Evidenza (bench).")})
        for visibility in NoteVisibility.values:
            services.note_add(household=household, by=user, organisation=household.organisation,
                              text="Nota (bench).", visibility=visibility,
                              person=members[0] if members else None)

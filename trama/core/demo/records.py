"""The demo's social records: a dozen invented households of the two ETS of QuBì Municipio 8, written through the
records, consent and referral services (so the audit trail is the one operators would leave).

Everything here is fiction: labels end in "(demo)", surnames are words like "Esempio" or "Prova", nobody has a
fiscal code. Together the households show what issue 4 asks of the platform: a family without documents, an
unaccompanied minor with a guardian, assessments repeated over time, a plan with goals, actions and a review,
notes of each visibility, consents to the municipal network and to a named organisation, a withdrawn consent, a
legal basis recorded by the Comune, referrals in every state (waiting, accepted, in progress, completed,
declined, expired) and a closed household.

Idempotent: a household is looked up by its owning organisation and label and built whole only when missing
(the demo runs in one transaction, so a household is never half-built); a second run writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from trama.core.demo import scenario
from trama.directory.models import Service, ServiceStatus, TaxonomyTerm
from trama.network.models import Network, Organisation
from trama.records import consent as consent_services
from trama.records import services
from trama.records.access import households_visible_to
from trama.records.models import (
    NEEDS_TAXONOMY_CODE,
    ActionStatus,
    ClosureReason,
    Consent,
    ConsentPurpose,
    Dimension,
    GivenByKind,
    GoalStatus,
    Household,
    NoteVisibility,
    OutcomeResult,
    Person,
    SharingBasis,
    StatementKind,
)
from trama.records.notice import CURRENT_NOTICE_VERSION
from trama.referrals import services as referral_services
from trama.referrals.models import DeclineReason, Outcome, Referral, Urgency
from trama.territory.models import Area, AreaKind

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.core.demo.build import DemoBuilder

LABEL_MARK = "(demo)"
DEMO_CONSENT_SIGNER = "firma raccolta su carta (demo)"

IDENTITY, CONTACTS, NEEDS, NOTES = "identity", "contacts", "needs_and_plan", "notes"
HEALTH, LEGAL = "health", "legal_migration"

# The states the demo's referrals end in (one each at least).
SENT, ACCEPTED, IN_PROGRESS, COMPLETED, DECLINED, EXPIRED = (
    "sent", "accepted", "in_progress", "completed", "declined", "expired")


@dataclass(frozen=True)
class ReferralPlan:
    """One referral of the demo: who sends it to which service (by name prefix), and where it ends."""

    people: tuple[str, ...]  # member keys
    to_organisation: str  # slug
    service_prefix: str  # the first active service of the organisation whose name starts so; else its first
    reason: str
    categories: tuple[str, ...]
    ends: str
    sent_days_ago: int
    urgency: str = Urgency.ROUTINE
    outcome: str = ""
    outcome_note: str = ""
    decline_reason: str = ""


def _age(today: dt.date, years: int, month: int = 3, day: int = 14) -> dt.date:
    """A birth date `years` before today's year (a fixed day, so ages do not drift between runs)."""
    return dt.date(today.year - years, month, day)


class RecordsBuilder:
    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.today = builder.today
        self.now = timezone.now()
        self.ets_a = builder.organisations[scenario.ETS_A]
        self.ets_b = builder.organisations[scenario.ETS_B]
        self.comune = builder.organisations[scenario.COMUNE]
        self.municipal: Network = builder.networks[scenario.MUNICIPAL_NETWORK]
        self.municipio = Area.objects.filter(kind=AreaKind.MUNICIPIO, code=f"MI-M{scenario.MUNICIPIO}").first()
        self.nils = list(Area.objects.filter(kind=AreaKind.NIL, parent=self.municipio).order_by("code")[:6]
                         ) if self.municipio is not None else []
        self.terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY_CODE)}
        self.members: dict[str, Person] = {}

    # --- helpers -----------------------------------------------------------------------------------------

    def user(self, key: str) -> User:
        return self.builder.users[key]

    def created(self, what: str, count: int = 1) -> None:
        self.builder.result.created[what] += count

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def ensure(self, owner: Organisation, label: str, build: Callable[[Household], None], *, by: str,
               opened_days_ago: int, nil: int = 0) -> None:
        label = f"{label} {LABEL_MARK}"
        if Household.objects.filter(organisation=owner, label=label).exists():
            return
        household = services.household_create(
            organisation=owner, by=self.user(by), label=label, municipio=self.municipio,
            nil=self.nils[nil % len(self.nils)] if self.nils else None, opened_on=self.days_ago(opened_days_ago))
        self.created("household")
        self.members = {}
        build(household)

    def person(self, household: Household, key: str, *, by: str, role: str, name: str, **fields: Any) -> Person:
        person = services.person_add(household=household, by=self.user(by), role_in_household=role,
                                     first_name_or_alias=name, **fields)
        self.members[key] = person
        self.created("household member")
        return person

    def statement(self, household: Household, *, by: str, kind: str, text: str, term: str | None = None,
                  person: str | None = None) -> None:
        services.statement_add(household=household, by=self.user(by), kind=kind, text=text,
                               term=self.terms.get(term) if term else None,
                               person=self.members[person] if person else None)
        self.created("statement")

    def assessments(self, household: Household, *, by: str,
                    series: Sequence[tuple[int, dict[str, int]]], notes: dict[str, str] | None = None) -> None:
        """Assessments `days ago` with their scores: the household page draws the trend from them."""
        notes = notes or {}
        for days, scores in series:
            services.assessment_record(
                household=household, by=self.user(by), assessed_on=self.days_ago(days),
                scores={d: services.DimensionScore(score=s, notes=notes.get(d, "") if days == series[-1][0] else "")
                        for d, s in scores.items()})
            self.created("assessment")

    def consent(self, household: Household, *, by: str, categories: Iterable[str], given_days_ago: int,
                networks: Iterable[Network] = (), organisations: Iterable[Organisation] = (),
                purposes: Iterable[str] = (), language: str = "it", person: str | None = None,
                given_by_kind: str = GivenByKind.PERSON, given_by_name: str = "", guardian_evidence: str = "",
                expires_in_days: int | None = None) -> Consent:
        networks, organisations = list(networks), list(organisations)
        wanted = list(purposes) or [ConsentPurpose.SERVICES_IN_NETWORK]
        if networks:
            wanted.append(ConsentPurpose.SHARE_MUNICIPAL_NETWORK)
        if organisations:
            wanted.append(ConsentPurpose.SHARE_NAMED_ORGANISATIONS)
        given_on = self.days_ago(given_days_ago)
        consent = consent_services.consent_record(
            household=household, by=self.user(by), purposes=wanted, categories=list(categories), given_on=given_on,
            notice_version=CURRENT_NOTICE_VERSION, notice_language=language,
            person=self.members[person] if person else None, recipient_networks=networks,
            recipient_organisations=organisations, given_by_kind=given_by_kind,
            given_by_name=given_by_name or DEMO_CONSENT_SIGNER, guardian_evidence=guardian_evidence,
            expires_on=self.today + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        )
        self.created("consent")
        return consent

    def service(self, slug: str, prefix: str) -> Service | None:
        active = Service.objects.filter(organisation__slug=slug, status=ServiceStatus.ACTIVE).order_by("name", "pk")
        service = active.filter(name__startswith=prefix).first() or active.first()
        if service is None:
            self.builder._warn(f"nessun servizio attivo di {slug}: segnalazione della demo non creata")
        return service

    def referral(self, household: Household, plan: ReferralPlan, *, sender: str, receiver: str) -> None:
        service = self.service(plan.to_organisation, plan.service_prefix)
        if service is None:
            return
        referral = referral_services.referral_create(
            household=household, by=self.user(sender), people=[self.members[k] for k in plan.people], service=service,
            reason=plan.reason, categories=list(plan.categories), urgency=plan.urgency)
        sent_at = self.now - dt.timedelta(days=plan.sent_days_ago)
        referral_services.referral_send(referral=referral, by=self.user(sender), at=sent_at)
        self.created("referral")
        by = self.user(receiver)
        if plan.ends == EXPIRED:
            # The sweep at the moment it fell due, long ago: it touches no other waiting referral.
            assert referral.expires_at is not None
            referral_services.referrals_expire(now=referral.expires_at + dt.timedelta(minutes=1))
        elif plan.ends == DECLINED:
            referral_services.referral_decline(referral=referral, by=by, reason=plan.decline_reason,
                                               at=sent_at + dt.timedelta(days=1))
        elif plan.ends in (ACCEPTED, IN_PROGRESS, COMPLETED):
            # Answered the day after it was sent (an answer today would come after its deadline).
            referral_services.referral_accept(referral=referral, by=by, at=sent_at + dt.timedelta(days=1))
            if plan.ends in (IN_PROGRESS, COMPLETED):
                referral_services.referral_start(referral=referral, by=by, at=sent_at + dt.timedelta(days=2))
            if plan.ends == COMPLETED:
                referral_services.referral_complete(referral=referral, by=by, outcome=plan.outcome,
                                                    note=plan.outcome_note)

    def message(self, household: Household, *, by: str, organisation: Organisation, text: str) -> None:
        referral = Referral.objects.filter(household=household).order_by("-pk").first()
        if referral is not None:
            referral_services.referral_message_add(referral=referral, by=self.user(by), organisation=organisation,
                                                   text=text)
            self.created("referral message")

    # --- the households ----------------------------------------------------------------------------------

    def build(self) -> None:
        a, b = self.ets_a, self.ets_b
        self.ensure(a, "Famiglia Esempio", self.without_documents, by="proximity", opened_days_ago=20, nil=0)
        self.ensure(a, "Minore K. Fittizio", self.unaccompanied_minor, by="reception", opened_days_ago=45, nil=1)
        self.ensure(a, "Famiglia Prova", self.plan_and_trend, by="proximity", opened_days_ago=200, nil=2)
        self.ensure(a, "Famiglia Campione", self.completed_referral, by="proximity", opened_days_ago=120, nil=0)
        self.ensure(a, "Famiglia Modello", self.declined_referral, by="proximity", opened_days_ago=60, nil=3)
        self.ensure(a, "Famiglia Ipotesi", self.expired_referral, by="proximity", opened_days_ago=100, nil=1)
        self.ensure(a, "Famiglia Revoca", self.withdrawn_consent, by="proximity", opened_days_ago=90, nil=2)
        self.ensure(a, "Famiglia Conclusa", self.closed, by="proximity", opened_days_ago=300, nil=0)
        self.ensure(a, "Signor Solitario", self.elderly_alone, by="proximity", opened_days_ago=15, nil=4)
        self.ensure(a, "Mamma Immaginaria", self.member_consent, by="proximity", opened_days_ago=35, nil=5)
        self.ensure(b, "Famiglia Dimostrativa", self.from_ripari_completed, by="proximity_b", opened_days_ago=80,
                    nil=3)
        self.ensure(b, "Famiglia Inventata", self.from_ripari_waiting, by="proximity_b", opened_days_ago=10,
                    nil=4)

    def without_documents(self, household: Household) -> None:
        """No documents, no residency, Arabic-speaking: recorded with first names only; the child is referred
        to an after-school programme of the other cooperative and the referral waits for an answer."""
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Amina", surname="Esempio",
                    birth_year=t.year - 31, sex_gender="female", citizenship="EG", country_of_birth="EG",
                    languages=["ar"], interpreter_needed=True, documents_status="none", residency_status="none",
                    housing_situation="precarious", labour_status="inactive", education_level="isced2")
        self.person(household, "son", by=by, role="child", name="Yusuf", surname="Esempio",
                    birth_date=_age(t, 9, 6, 2), sex_gender="male", citizenship="EG", country_of_birth="EG",
                    mother_country_of_birth="EG", father_country_of_birth="EG", languages=["ar", "it"],
                    documents_status="none", residency_status="none", education_level="isced1")
        self.person(household, "daughter", by=by, role="child", name="Salma", surname="Esempio",
                    birth_date=_age(t, 4, 11, 20), sex_gender="female", country_of_birth="IT",
                    mother_country_of_birth="EG", languages=["ar"], documents_status="pending")
        self.statement(household, by=by, kind=StatementKind.NEED, term="documenti.permesso",
                       text="Regolarizzare i documenti della mamma e dei bambini.")
        self.statement(household, by=by, kind=StatementKind.NEED, term="doposcuola.compiti", person="son",
                       text="Yusuf ha bisogno di aiuto con i compiti e con l'italiano.")
        self.statement(household, by=by, kind=StatementKind.WISH,
                       text="«Vorrei imparare l'italiano per parlare con le maestre.»")
        self.statement(household, by=by, kind=StatementKind.RESOURCE,
                       text="Una vicina di casa aiuta con i bambini; la mamma cucina per la festa di quartiere.")
        self.assessments(household, by=by, series=[(14, {Dimension.HOUSING: 1, Dimension.INCOME_WORK: 1,
                                                         Dimension.EDUCATION: 2, Dimension.RELATIONS: 2})])
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=14, language="ar",
                     networks=[self.municipal], given_by_name="Amina Esempio")
        self.referral(household, ReferralPlan(
            people=("son",), to_organisation=scenario.ETS_B, service_prefix="Doposcuola",
            reason="Aiuto compiti tre pomeriggi a settimana; la mamma parla arabo, serve un mediatore al primo "
                   "incontro.", categories=(IDENTITY, CONTACTS, NEEDS), ends=SENT, sent_days_ago=3,
        ), sender=by, receiver="proximity_b")

    def unaccompanied_minor(self, household: Household) -> None:
        """A minor alone, with a volunteer guardian: the guardian signs the consent; the Comune records the
        social-care basis for the legal status; the receiving community has accepted the referral."""
        t, by = self.today, "reception"
        self.person(household, "minor", by=by, role="other_minor", name="K.", surname="Fittizio",
                    birth_year=t.year - 16, sex_gender="male", citizenship="GM", country_of_birth="GM",
                    languages=["en", "fr"], interpreter_needed=True, documents_status="pending",
                    residency_status="none", housing_situation="reception", education_level="isced1")
        self.statement(household, by=by, kind=StatementKind.NEED, term="accoglienza.msna", person="minor",
                       text="Accoglienza in comunità e avvio della richiesta di permesso per minore età.")
        self.statement(household, by=by, kind=StatementKind.WISH, person="minor",
                       text="«Voglio giocare a calcio e fare il meccanico.»")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS, LEGAL], given_days_ago=40,
                     language="en", networks=[self.municipal], given_by_kind=GivenByKind.GUARDIAN,
                     given_by_name="Tutore volontario (demo)",
                     guardian_evidence="Decreto di nomina del tutore n. 0000/2026 (fittizio)")
        # The Comune's community social worker sees the household through the network's consent and records
        # the social-care duty that lets the Comune hold the minor's legal position.
        sara = self.user("social_worker")
        if households_visible_to(sara, among=[household.pk]).exists():
            consent_services.legal_basis_record(
                household=household, by=sara, basis=SharingBasis.PUBLIC_TASK,
                reference="L. 47/2017 e L. 328/2000 art. 22 (demo)",
                reason="Presa in carico del minore straniero non accompagnato da parte del servizio sociale.",
                categories=[IDENTITY, NEEDS, LEGAL], organisation=self.comune)
            self.created("legal basis")
        else:
            self.builder._warn("l'assistente sociale non vede il nucleo del minore: base giuridica non registrata")
        self.referral(household, ReferralPlan(
            people=("minor",), to_organisation=scenario.ETS_B, service_prefix="Comunità per minori",
            reason="Inserimento in comunità per minori stranieri non accompagnati.",
            categories=(IDENTITY, CONTACTS, NEEDS), ends=ACCEPTED, sent_days_ago=30, urgency=Urgency.URGENT,
        ), sender=by, receiver="proximity_b")

    def plan_and_trend(self, household: Household) -> None:
        """Assessments every three months (a trend), a co-designed plan with goals, actions and a review with
        outcomes, notes of each visibility, a consent to a named organisation and a referral in progress."""
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Giulia", surname="Prova",
                    birth_date=_age(t, 38, 1, 9), sex_gender="female", citizenship="IT", languages=["it"],
                    housing_situation="public_housing", labour_status="unemployed", education_level="isced3",
                    phones=["+39 000 0000001"], disability="no")
        self.person(household, "father", by=by, role="partner", name="Marco", surname="Prova",
                    birth_date=_age(t, 41, 7, 30), sex_gender="male", citizenship="IT", languages=["it"],
                    labour_status="employed", education_level="isced2", disability="declined",
                    health_notes="Segue una terapia (dato di esempio, cifrato).")
        self.person(household, "son", by=by, role="child", name="Luca", surname="Prova",
                    birth_date=_age(t, 13, 10, 5), sex_gender="male", education_level="isced1")
        self.person(household, "daughter", by=by, role="child", name="Sofia", surname="Prova",
                    birth_date=_age(t, 7, 4, 18), sex_gender="female")
        self.statement(household, by=by, kind=StatementKind.NEED, term="reddito.bollette",
                       text="Bollette arretrate da sei mesi.")
        self.statement(household, by=by, kind=StatementKind.NEED, term="scuola.dispersione", person="son",
                       text="Luca salta spesso la scuola.")
        self.statement(household, by=by, kind=StatementKind.WISH, person="mother",
                       text="«Vorrei tornare a lavorare, anche part-time.»")
        self.statement(household, by=by, kind=StatementKind.RESOURCE,
                       text="I nonni abitano nello stesso caseggiato e tengono Sofia il pomeriggio.")
        self.assessments(household, by=by, series=[
            (190, {Dimension.HOUSING: 3, Dimension.INCOME_WORK: 1, Dimension.EDUCATION: 2, Dimension.HEALTH: 3,
                   Dimension.RELATIONS: 2, Dimension.PARTICIPATION: 1, Dimension.PARENTING: 2}),
            (100, {Dimension.HOUSING: 3, Dimension.INCOME_WORK: 2, Dimension.EDUCATION: 2, Dimension.HEALTH: 3,
                   Dimension.RELATIONS: 3, Dimension.PARTICIPATION: 2, Dimension.PARENTING: 3}),
            (10, {Dimension.HOUSING: 3, Dimension.INCOME_WORK: 3, Dimension.EDUCATION: 3, Dimension.HEALTH: 2,
                  Dimension.RELATIONS: 4, Dimension.PARTICIPATION: 3, Dimension.PARENTING: 3}),
        ], notes={Dimension.INCOME_WORK: "La mamma ha un contratto part-time da un mese.",
                  Dimension.HEALTH: "Peggiorata: il papà ha iniziato una terapia."})
        operator = self.user(by)
        work = services.plan_goal_add(household=household, by=operator, dimension=Dimension.INCOME_WORK,
                                      description="Giulia trova un lavoro compatibile con gli orari dei figli.",
                                      target_date=t + dt.timedelta(days=60), status=GoalStatus.IN_PROGRESS)
        school = services.plan_goal_add(household=household, by=operator, dimension=Dimension.EDUCATION,
                                        description="Luca frequenta regolarmente la scuola e il doposcuola.",
                                        target_date=t + dt.timedelta(days=120))
        bills = services.plan_goal_add(household=household, by=operator, dimension=Dimension.HOUSING,
                                       description="Rateizzare le bollette arretrate.",
                                       target_date=self.days_ago(20), status=GoalStatus.ACHIEVED)
        self.created("plan goal", 3)
        cv = services.plan_action_add(goal=work, by=operator, description="Scrivere insieme il curriculum.",
                                      by_operator=operator, due_date=self.days_ago(120))
        services.plan_action_update(action=cv, by=operator, status=ActionStatus.DONE)
        services.plan_action_add(goal=work, by=operator, description="Laboratorio curriculum e colloqui.",
                                 by_organisation=self.ets_b, due_date=t + dt.timedelta(days=5))
        services.plan_action_add(goal=school, by=operator, description="Colloquio con i docenti di Luca.",
                                 by_member=self.members["mother"], due_date=t + dt.timedelta(days=3))
        rate = services.plan_action_add(goal=bills, by=operator, description="Chiedere la rateizzazione al "
                                        "gestore.", by_member=self.members["father"], due_date=self.days_ago(40))
        services.plan_action_update(action=rate, by=operator, status=ActionStatus.DONE)
        self.created("plan action", 4)
        services.plan_review_record(household=household, by=operator, reviewed_on=self.days_ago(10), outcomes={
            Dimension.INCOME_WORK: services.DimensionOutcome(OutcomeResult.IMPROVED, "Contratto part-time firmato."),
            Dimension.HOUSING: services.DimensionOutcome(OutcomeResult.IMPROVED, "Rate concordate e pagate."),
            Dimension.EDUCATION: services.DimensionOutcome(OutcomeResult.UNCHANGED, "Assenze ancora frequenti."),
            Dimension.HEALTH: services.DimensionOutcome(OutcomeResult.WORSENED, "Terapia del papà (dato cifrato)."),
        })
        self.created("plan review")
        for visibility, text in (
            (NoteVisibility.ORGANISATION, "Nota interna (demo): colloquio in sede, la famiglia è puntuale."),
            (NoteVisibility.SHARED, "Nota condivisa (demo): la famiglia preferisce essere contattata al mattino."),
            (NoteVisibility.SENSITIVE, "Nota riservata (demo): tensioni in famiglia legate alla malattia."),
        ):
            services.note_add(household=household, by=operator, organisation=self.ets_a, text=text,
                              visibility=visibility)
            self.created("note")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS, NOTES], given_days_ago=150,
                     organisations=[self.ets_b], given_by_name="Giulia Prova", expires_in_days=365)
        self.referral(household, ReferralPlan(
            people=("mother",), to_organisation=scenario.ETS_B, service_prefix="Laboratorio curriculum",
            reason="Preparazione ai colloqui di lavoro.", categories=(IDENTITY, CONTACTS, NEEDS),
            ends=IN_PROGRESS, sent_days_ago=25,
        ), sender=by, receiver="proximity_b")
        self.message(household, by="proximity_b", organisation=self.ets_b,
                     text="Primo incontro fissato per martedì alle 10 (demo).")

    def completed_referral(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "father", by=by, role="parent", name="Pedro", surname="Campione",
                    birth_year=t.year - 45, sex_gender="male", citizenship="PE", country_of_birth="PE",
                    languages=["es", "it"], documents_status="valid", residency_status="resident",
                    housing_situation="rented", labour_status="long_term_unemployed", education_level="isced3")
        self.person(household, "daughter", by=by, role="child", name="Rosa", surname="Campione",
                    birth_date=_age(t, 15, 2, 28), sex_gender="female", languages=["es", "it"])
        self.statement(household, by=by, kind=StatementKind.NEED, term="reddito.debiti",
                       text="Debiti con la finanziaria dopo la perdita del lavoro.")
        self.assessments(household, by=by, series=[(110, {Dimension.INCOME_WORK: 1, Dimension.HOUSING: 2}),
                                                   (20, {Dimension.INCOME_WORK: 2, Dimension.HOUSING: 3})])
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=100, language="es",
                     networks=[self.municipal], given_by_name="Pedro Campione")
        self.referral(household, ReferralPlan(
            people=("father",), to_organisation=scenario.ETS_B, service_prefix="Sportello debiti",
            reason="Piano di rientro dei debiti.", categories=(IDENTITY, CONTACTS, NEEDS), ends=COMPLETED,
            sent_days_ago=90, outcome=Outcome.GOT_HELP, outcome_note="Piano di rientro concordato (demo).",
        ), sender=by, receiver="proximity_b")

    def declined_referral(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Olena", surname="Modello",
                    birth_year=t.year - 34, sex_gender="female", citizenship="UA", country_of_birth="UA",
                    languages=["uk", "ru"], documents_status="valid", residency_status="fictitious",
                    housing_situation="hosted")
        self.person(household, "son", by=by, role="child", name="Taras", surname="Modello",
                    birth_date=_age(t, 6, 9, 1), sex_gender="male", languages=["uk"])
        self.statement(household, by=by, kind=StatementKind.NEED, term="casa.emergenza",
                       text="Ospiti di un'amica, devono lasciare la casa entro un mese.")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=50, language="uk",
                     networks=[self.municipal], given_by_name="Olena Modello")
        self.referral(household, ReferralPlan(
            people=("mother", "son"), to_organisation=scenario.ETS_B, service_prefix="Emergenza abitativa",
            reason="Ricerca di una sistemazione per mamma e bambino.", categories=(IDENTITY, CONTACTS, NEEDS),
            ends=DECLINED, sent_days_ago=40, urgency=Urgency.SOON, decline_reason=DeclineReason.NO_CAPACITY,
        ), sender=by, receiver="proximity_b")

    def expired_referral(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "father", by=by, role="parent", name="Rahim", surname="Ipotesi",
                    birth_year=t.year - 39, sex_gender="male", citizenship="BD", country_of_birth="BD",
                    languages=["bn"], interpreter_needed=True, labour_status="employed")
        self.statement(household, by=by, kind=StatementKind.NEED, term="lingua-italiana.adulti",
                       text="Corso di italiano serale.")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=95,
                     networks=[self.municipal], given_by_name="Rahim Ipotesi")
        self.referral(household, ReferralPlan(
            people=("father",), to_organisation=scenario.ETS_B, service_prefix="Contributi",
            reason="Richiesta di contributo per le spese scolastiche.", categories=(IDENTITY, CONTACTS, NEEDS),
            ends=EXPIRED, sent_days_ago=60,
        ), sender=by, receiver="proximity_b")

    def withdrawn_consent(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Fatou", surname="Revoca",
                    birth_year=t.year - 29, sex_gender="female", citizenship="SN", languages=["fr", "wo"])
        self.statement(household, by=by, kind=StatementKind.NEED, term="genitorialita.nascita",
                       text="Accompagnamento in gravidanza.")
        consent = self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=80,
                               language="fr", organisations=[self.ets_b], given_by_name="Fatou Revoca")
        consent_services.consent_withdraw(consent=consent, by=self.user(by),
                                          reason="La signora preferisce non condividere i dati (demo).")
        self.created("consent withdrawal")
        # Only monitoring remains: her data stay with Farsi Prossimo.
        self.consent(household, by=by, categories=[NEEDS], given_days_ago=5, language="fr",
                     purposes=[ConsentPurpose.MONITORING_STATISTICS], given_by_name="Fatou Revoca")

    def closed(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Chiara", surname="Conclusa",
                    birth_year=t.year - 44, sex_gender="female", citizenship="IT", labour_status="employed")
        self.person(household, "grandmother", by=by, role="grandparent", name="Nonna Ida", surname="Conclusa",
                    birth_year=t.year - 78, sex_gender="female", labour_status="retired")
        self.assessments(household, by=by, series=[(290, {Dimension.RELATIONS: 1, Dimension.PARTICIPATION: 1}),
                                                   (40, {Dimension.RELATIONS: 4, Dimension.PARTICIPATION: 3})])
        operator = self.user(by)
        goal = services.plan_goal_add(household=household, by=operator, dimension=Dimension.RELATIONS,
                                      description="Nonna Ida frequenta il laboratorio di comunità.",
                                      target_date=self.days_ago(60), status=GoalStatus.ACHIEVED)
        self.created("plan goal")
        services.plan_action_add(goal=goal, by=operator, description="Accompagnare la nonna al primo incontro.",
                                 by_operator=operator, due_date=self.days_ago(200))
        self.created("plan action")
        services.household_close(
            household=household, by=operator, reason=ClosureReason.GOALS_ACHIEVED, closed_on=self.days_ago(30),
            note="Percorso concluso (demo).", outcomes={
                Dimension.RELATIONS: services.DimensionOutcome(OutcomeResult.IMPROVED,
                                                               "Partecipa ogni settimana al laboratorio."),
                Dimension.PARTICIPATION: services.DimensionOutcome(OutcomeResult.IMPROVED,
                                                                   "Volontaria alla festa di quartiere."),
            })
        self.created("household closure")

    def elderly_alone(self, household: Household) -> None:
        t, by = self.today, "proximity"
        self.person(household, "man", by=by, role="other_adult", name="Ottavio", surname="Solitario",
                    birth_year=t.year - 82, sex_gender="male", labour_status="retired", disability="yes")
        self.statement(household, by=by, kind=StatementKind.NEED, term="anziani",
                       text="Vive solo, esce poco; chiede compagnia e aiuto con la spesa.")
        self.statement(household, by=by, kind=StatementKind.RESOURCE,
                       text="Ex falegname: si offre di riparare i giochi del laboratorio.")

    def member_consent(self, household: Household) -> None:
        """A consent given by one member for herself only: a shared reader sees her, not her partner."""
        t, by = self.today, "proximity"
        self.person(household, "mother", by=by, role="parent", name="Lina", surname="Immaginaria",
                    birth_year=t.year - 27, sex_gender="female", citizenship="MA", languages=["ar", "fr"])
        self.person(household, "partner", by=by, role="partner", name="Samir", surname="Immaginario",
                    birth_year=t.year - 30, sex_gender="male", citizenship="MA")
        self.person(household, "baby", by=by, role="child", name="Nour", surname="Immaginaria",
                    birth_date=self.days_ago(200), sex_gender="not_said")
        self.statement(household, by=by, kind=StatementKind.NEED, term="prima-infanzia.spazi-mamma-bambino",
                       person="mother", text="Uno spazio mamma-bambino vicino a casa.")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=30,
                     networks=[self.municipal], person="mother", given_by_name="Lina Immaginaria")

    def from_ripari_completed(self, household: Household) -> None:
        """Owned by Ripari, referred to a Farsi Prossimo service that completed it: Paolo is the receiver."""
        t, by = self.today, "proximity_b"
        self.person(household, "mother", by=by, role="parent", name="Mei", surname="Dimostrativa",
                    birth_year=t.year - 33, sex_gender="female", citizenship="CN", languages=["zh"],
                    interpreter_needed=True)
        self.person(household, "son", by=by, role="child", name="Leo", surname="Dimostrativo",
                    birth_date=_age(t, 3, 5, 5), sex_gender="male")
        self.statement(household, by=by, kind=StatementKind.WISH, person="mother",
                       text="«Vorrei parlare italiano con le altre mamme del parco.»")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=70, language="en",
                     organisations=[self.ets_a], given_by_name="Mei Dimostrativa")
        self.referral(household, ReferralPlan(
            people=("mother", "son"), to_organisation=scenario.ETS_A, service_prefix="Italiano per mamme",
            reason="Corso di italiano con spazio bimbi.", categories=(IDENTITY, CONTACTS, NEEDS), ends=COMPLETED,
            sent_days_ago=60, outcome=Outcome.PARTLY, outcome_note="Frequenta un giorno su due (demo).",
        ), sender=by, receiver="proximity")

    def from_ripari_waiting(self, household: Household) -> None:
        """Owned by Ripari, waiting in Farsi Prossimo's inbox."""
        t, by = self.today, "proximity_b"
        self.person(household, "father", by=by, role="parent", name="Ion", surname="Inventato",
                    birth_year=t.year - 37, sex_gender="male", citizenship="MD", languages=["ro", "it"],
                    documents_status="expired")
        self.statement(household, by=by, kind=StatementKind.NEED, term="documenti.pratiche",
                       text="Rinnovo del permesso di soggiorno scaduto.")
        self.consent(household, by=by, categories=[IDENTITY, CONTACTS, NEEDS], given_days_ago=8,
                     networks=[self.municipal], given_by_name="Ion Inventato")
        self.referral(household, ReferralPlan(
            people=("father",), to_organisation=scenario.ETS_A, service_prefix="Sportello immigrazione",
            reason="Aiuto con la pratica di rinnovo.", categories=(IDENTITY, CONTACTS, NEEDS), ends=SENT,
            sent_days_ago=6,
        ), sender=by, receiver="proximity")


def build_records(builder: DemoBuilder) -> None:
    RecordsBuilder(builder).build()

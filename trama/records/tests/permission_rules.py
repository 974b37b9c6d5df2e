"""The permission matrix's independent statement of the rules (used by test_permission_matrix.py).

Nothing here calls the access funnel (trama/records/access.py, trama/referrals/access.py) or the role table in
code: the expected outcome of every (persona, URL) pair is derived from the rules as the issue and the docs state
them, applied to the facts of one small world built by `build_world`:

- issue 4 §3: the owning organisation's members see its households according to role; other organisations only
  through an active consent naming them (or their network), a recorded legal basis naming them, or an accepted
  referral; evaluators never; platform administrators only through break-glass, read only;
- docs/architecture.md: who may not see an object gets 404, who may see it but not change it gets 403 on write
  endpoints, and every opening and every denial writes an audit event; the roles table (copied below, checked
  against trama/accounts/roles.py by test_the_persona_table_matches_the_roles);
- referrals: both parties see a referral (the receiver once it is sent), those managing referrals act on it;
- the access log is the owning organisation's; a person's export needs the owner's full view (special categories
  and sensitive notes); anonymisation needs the owner's editing right, or the municipal unit lead's role there;
  the register of processing activities is for records readers and break-glass holders; asking for a case
  transfer needs the owner's editing right and the management of referrals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from django.utils import timezone

from trama.core.testing import Personas, build_personas
from trama.directory import services as directory_services
from trama.records import consent as consent_services
from trama.records import services as records_services
from trama.records.models import Consent, Household, HouseholdRole, Person, PlanAction, PlanGoal, Statement
from trama.referrals import services as referral_services
from trama.referrals.models import CaseTransfer, Referral

VIEW = "records.view"
EDIT = "records.edit"
SPECIAL = "records.special_categories"
SENSITIVE = "records.sensitive_notes"
LEGAL = "records.legal_basis"
GLASS = "records.break_glass"
REFER = "referrals.manage"
RELEVANT_PERMS = frozenset({VIEW, EDIT, SPECIAL, SENSITIVE, LEGAL, GLASS, REFER})


@dataclass(frozen=True)
class Persona:
    organisation: str | None  # key of the organisation in the world (None: no membership at all)
    role: str
    perms: frozenset[str]  # the records/referrals permissions of the role (the roles table)


# Copied by hand from docs/architecture.md (roles table) and trama/core/testing.py (who is where).
PERSONAS: dict[str, Persona] = {
    "coordinator": Persona("comune", "city_coordinator", frozenset()),
    "social_worker": Persona("comune", "community_social_worker",
                             frozenset({VIEW, EDIT, REFER, SPECIAL, SENSITIVE, LEGAL})),
    "unit_lead": Persona("comune", "municipal_unit_lead", frozenset({VIEW, LEGAL})),
    "admin": Persona("comune", "platform_admin", frozenset({GLASS})),
    "referent": Persona("ets_a", "network_referent", frozenset({VIEW, REFER})),
    "proximity": Persona("ets_a", "proximity_worker", frozenset({VIEW, EDIT, REFER, SPECIAL, SENSITIVE})),
    "facilitator": Persona("ets_a", "lab_facilitator", frozenset()),
    "volunteer": Persona("ets_a", "volunteer", frozenset()),
    "officer": Persona("ets_a", "administrative_officer", frozenset()),
    "reception": Persona("ets_a", "reception_manager", frozenset({VIEW, EDIT, REFER, SPECIAL, SENSITIVE})),
    "referent_b": Persona("ets_b", "network_referent", frozenset({VIEW, REFER})),
    "proximity_b": Persona("ets_b", "proximity_worker", frozenset({VIEW, EDIT, REFER, SPECIAL, SENSITIVE})),
    "referent_other": Persona("ets_other", "network_referent", frozenset({VIEW, REFER})),
    "evaluator": Persona("university", "evaluator", frozenset()),
    "nobody": Persona(None, "", frozenset()),
}

# Which organisations act for which municipal network (trama/core/testing.py).
NETWORK_MEMBERS: dict[str, frozenset[str]] = {
    "network8": frozenset({"comune", "ets_a", "ets_b"}),
    "network1": frozenset({"ets_other"}),
}


class Level(IntEnum):
    NONE = 0  # may not know it exists: 404
    READ = 1  # may see it: 403 on what changes it
    WRITE = 2  # may change it (households) / act on it (referrals, transfers)


# --- The facts of the world ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFacts:
    owner: str
    consent_organisations: frozenset[str] = frozenset()
    legal_basis_networks: frozenset[str] = frozenset()
    break_glass: frozenset[str] = frozenset()  # personas with an open break-glass access


@dataclass(frozen=True)
class PartiesFacts:
    sender: str
    receiver: str
    draft: bool = False


@dataclass
class WorldHousehold:
    name: str
    household: Household
    facts: HouseholdFacts
    person: Person
    consent: Consent
    goal: PlanGoal
    action: PlanAction
    statement: Statement


@dataclass
class WorldParties:
    name: str
    obj: Referral | CaseTransfer
    facts: PartiesFacts


@dataclass
class World:
    personas: Personas
    households: list[WorldHousehold]
    referrals: list[WorldParties]
    transfers: list[WorldParties]
    extra: dict[str, object] = field(default_factory=dict)

    def household(self, pk: int) -> WorldHousehold:
        return next(h for h in self.households if h.household.pk == pk)


# --- The rules ----------------------------------------------------------------------------------------------


def household_level(persona: str, facts: HouseholdFacts) -> Level:
    who = PERSONAS[persona]
    if VIEW in who.perms and who.organisation == facts.owner:
        return Level.WRITE if EDIT in who.perms else Level.READ
    if VIEW in who.perms and who.organisation in facts.consent_organisations:
        return Level.READ
    if VIEW in who.perms and any(who.organisation in NETWORK_MEMBERS[n] for n in facts.legal_basis_networks):
        return Level.READ
    if GLASS in who.perms and persona in facts.break_glass:
        return Level.READ
    return Level.NONE


def is_owner_reader(persona: str, facts: HouseholdFacts) -> bool:
    who = PERSONAS[persona]
    return VIEW in who.perms and who.organisation == facts.owner


def may_export(persona: str, facts: HouseholdFacts) -> bool:
    """The owner's full view: every category including the special ones, and the sensitive notes."""
    return is_owner_reader(persona, facts) and {SPECIAL, SENSITIVE} <= PERSONAS[persona].perms


def may_anonymise(persona: str, facts: HouseholdFacts) -> bool:
    who = PERSONAS[persona]
    return is_owner_reader(persona, facts) and (EDIT in who.perms or who.role == "municipal_unit_lead")


def may_request_transfer(persona: str, facts: HouseholdFacts) -> bool:
    """Passing the case on: the owner's editing right and the management of referrals there."""
    return household_level(persona, facts) >= Level.WRITE and REFER in PERSONAS[persona].perms


def parties_level(persona: str, facts: PartiesFacts) -> Level:
    who = PERSONAS[persona]
    parties = {facts.sender} if facts.draft else {facts.sender, facts.receiver}
    if who.organisation not in parties or not who.perms & {VIEW, REFER}:
        return Level.NONE
    return Level.WRITE if REFER in who.perms else Level.READ


# --- The world ----------------------------------------------------------------------------------------------

TODAY_NOTICE = "2026-11"


def _household(p: Personas, name: str, facts: HouseholdFacts, *, by_key: str, label: str) -> WorldHousehold:
    by = p.users[by_key]
    organisation = getattr(p, facts.owner)
    household = records_services.household_create(organisation=organisation, by=by, label=label,
                                                   municipio=p.municipio8)
    person = records_services.person_add(household=household, by=by, role_in_household=HouseholdRole.PARENT,
                                         first_name_or_alias=f"Persona {name}", health_notes="asma")
    records_services.person_add(household=household, by=by, role_in_household=HouseholdRole.CHILD,
                                first_name_or_alias=f"Figlio {name}")
    goal = records_services.plan_goal_add(household=household, by=by, dimension="income_work",
                                          description=f"Obiettivo {name}")
    action = records_services.plan_action_add(goal=goal, by=by, description=f"Azione {name}",
                                             by_organisation=organisation)
    records_services.note_add(household=household, by=by, organisation=organisation, text=f"Nota {name}")
    statement = records_services.statement_add(household=household, by=by, kind="need", text=f"Bisogno {name}")
    consent = consent_services.consent_record(
        household=household, by=by, purposes=["share_named_organisations"],
        categories=["identity", "needs_and_plan", "notes"], given_on=timezone.localdate(),
        notice_version=TODAY_NOTICE, notice_language="it", given_by_name=f"Persona {name}",
        recipient_organisations=[getattr(p, key) for key in sorted(facts.consent_organisations)])
    for network in sorted(facts.legal_basis_networks):
        consent_services.legal_basis_record(
            household=household, by=p.unit_lead, basis="public_task", reference="L. 328/2000 art. 22",
            reason="Presa in carico del servizio sociale", categories=["identity", "needs_and_plan"],
            network=getattr(p, network))
    for persona in sorted(facts.break_glass):
        consent_services.break_glass_open(user=p.users[persona], household=household,
                                          reason="Richiesta urgente del pronto soccorso per un minore")
    return WorldHousehold(name=name, household=household, facts=facts, person=person, consent=consent, goal=goal,
                          action=action, statement=statement)


def build_world() -> World:
    """Two households and what hangs from them:

    - "alfa": Cooperativa Alfa's (ets_a), shared by consent with Associazione Beta (ets_b) — identity, needs and
      plan, notes; the platform administrator has an open break-glass access to it; a referral of its child to
      an after-school service of ets_b (sent), another one still a draft, and a pending case transfer to ets_b.
    - "beta": Associazione Beta's (ets_b), shared by consent with Fondazione Gamma (ets_other, another network)
      and on a legal basis (public task) with the Municipio 8 network (the Comune, ets_a, ets_b).
    """
    p = build_personas()
    alfa = _household(p, "alfa", HouseholdFacts(owner="ets_a", consent_organisations=frozenset({"ets_b"}),
                                                break_glass=frozenset({"admin"})),
                      by_key="proximity", label="Famiglia Alfa")
    beta = _household(p, "beta", HouseholdFacts(owner="ets_b", consent_organisations=frozenset({"ets_other"}),
                                                legal_basis_networks=frozenset({"network8"})),
                      by_key="proximity_b", label="Famiglia Beta")
    service = directory_services.service_create(by=p.referent_b, organisation=p.ets_b, maintainer=p.ets_b,
                                                name="Doposcuola Beta")
    child = Person.objects.filter(household=alfa.household, role_in_household=HouseholdRole.CHILD).get()

    def referral() -> Referral:
        return referral_services.referral_create(
            household=alfa.household, by=p.proximity, people=[child], service=service,
            reason="Ha bisogno di aiuto con i compiti", categories=["identity", "needs_and_plan"])

    sent = referral_services.referral_send(referral=referral(), by=p.proximity)
    draft = referral()
    transfer = referral_services.case_transfer_request(household=alfa.household, by=p.proximity,
                                                       to_organisation=p.ets_b, reason="La famiglia si trasferisce")
    return World(
        personas=p, households=[alfa, beta],
        referrals=[WorldParties("sent", sent, PartiesFacts("ets_a", "ets_b")),
                   WorldParties("draft", draft, PartiesFacts("ets_a", "ets_b", draft=True))],
        transfers=[WorldParties("pending", transfer, PartiesFacts("ets_a", "ets_b"))],
        extra={"service": service},
    )

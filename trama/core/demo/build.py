"""Build the demo: Milan's territory, the real QuBì and reception networks from the seeds, fictional
personas in two ETS of QuBì Municipio 8 and in the Comune, and the governance bodies with their meetings.

Idempotent: every object is looked up by its natural key (slug, code, e-mail, network + name, body + title …)
and created through the owning module's service only when missing; organisations and networks that exist are
brought back in line with the data files by their update services, which write (and audit) only what differs.
So a second run writes nothing and no audit event. Writes go through services (`trama.network.services`,
`trama.accounts.services`), so the audit trail is the one people's actions would leave; objects without a
service are written directly and listed in `DIRECT_WRITES`."""

from __future__ import annotations

import datetime as dt
import io
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.accounts.services import membership_grant, user_create
from trama.core.demo import scenario, seeds
from trama.core.demo.directory import build_directory
from trama.core.demo.governance import build_governance
from trama.core.demo.records import build_records
from trama.network.models import (
    ATSMember,
    ATSRole,
    Network,
    NetworkLevel,
    NetworkMembership,
    NetworkRole,
    Organisation,
    OrganisationAddress,
    Person,
    Programme,
)
from trama.network.services.networks import network_create, network_membership_add, network_update
from trama.network.services.organisations import (
    ats_member_add,
    organisation_address_add,
    organisation_create,
    organisation_update,
    person_add,
)
from trama.territory.models import Area, AreaKind, Place, PlaceKind

if TYPE_CHECKING:
    from django.core.management.base import OutputWrapper

# Models the demo writes without a service, because the owning module offers none (kept short on purpose).
DIRECT_WRITES = ("network.Programme", "accounts.User.password")


@dataclass(frozen=True)
class Login:
    email: str
    full_name: str
    role: str
    organisation: str


@dataclass
class DemoResult:
    logins: list[Login] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _fold(text: str) -> str:
    """Lower case, no accents, letters and digits only: to compare "Città Studi" with "CITTA' STUDI"."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in kept.casefold()).strip()


def nil_matches(nil_name: str, quartiere: str) -> bool:
    """True if the NIL's official name contains the quartiere's name as whole words."""
    return f" {_fold(quartiere)} " in f" {' '.join(_fold(nil_name).split())} "


class DemoBuilder:
    def __init__(self, *, today: dt.date | None = None, stdout: OutputWrapper | None = None,
                 load_territory: bool = True) -> None:
        self.today = today or timezone.localdate()
        self.stdout = stdout
        self.load_territory = load_territory
        self.result = DemoResult()
        self.organisations: dict[str, Organisation] = {}
        self.networks: dict[str, Network] = {}
        self.users: dict[str, User] = {}
        self.people: dict[str, Person] = {}
        self._password_hash: str | None = None

    # --- running ---------------------------------------------------------------------------------------

    def run(self) -> DemoResult:
        self._step("territorio di Milano", self.build_territory)
        with transaction.atomic():
            self._step("organizzazioni", self.build_organisations)
            self._step("reti QuBì", self.build_qubi)
            self._step("rete dell'accoglienza", self.build_reception)
            self._step("persone della demo", self.build_personas)
            self._step("governance", self.build_governance)
            self._step("directory", self.build_directory)
            self._step("cartelle sociali", self.build_records)
        return self.result

    def _step(self, label: str, function: Callable[[], None]) -> None:
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        self.result.timings[label] = elapsed
        self._say(f"  {label}: {elapsed:.1f} s")

    def _say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def _warn(self, message: str) -> None:
        # Printed by the command at the end, next to the logins, where they are seen.
        if message not in self.result.warnings:
            self.result.warnings.append(message)

    # --- territory -------------------------------------------------------------------------------------

    def build_territory(self) -> None:
        """Load Milan's areas and places with the territory module's commands, unless already loaded (the
        loaders are idempotent too, but skipping them keeps a second run fast and silent)."""
        if not self.load_territory:
            return
        nil_count = Area.objects.filter(kind=AreaKind.NIL, code__startswith="MI-NIL-").count()
        if Area.objects.filter(code="MI").exists() and nil_count >= 88:
            self._say("  territorio già caricato")
        else:
            self._call("load_milano")
        if Place.objects.exists():
            self._say("  luoghi già caricati")
        else:
            self._call("load_places")

    def _call(self, command: str) -> None:
        output = io.StringIO()
        call_command(command, stdout=output)
        for line in output.getvalue().splitlines():
            if line.strip():
                self._say(f"  {command}: {line.strip()}")

    def area(self, code: str) -> Area | None:
        area = Area.objects.filter(code=code).first()
        if area is None:
            self._warn(f"area {code} non trovata: la rete resta senza territorio")
        return area

    # --- organisations ---------------------------------------------------------------------------------

    def build_organisations(self) -> None:
        municipi = self._municipi_of_organisations()
        for spec in seeds.organisations().values():
            self.organisations[spec.slug] = self._ensure_organisation(
                slug=spec.slug, name=spec.name, short_name=spec.short_name, kind=spec.kind,
                legal_form=spec.legal_form, description=spec.description,
                municipi=municipi.get(spec.slug, ()),
            )
            for address in spec.addresses:
                self._ensure_address(spec.slug, label=address.label, text=address.text)
        # The Comune's offices: the nine Municipio seats loaded from open data (ds1299) as places.
        for place in Place.objects.filter(kind=PlaceKind.MUNICIPIO_HQ).order_by("name"):
            self._ensure_address(scenario.COMUNE, label=place.name, text=place.address)
        for fictional in (scenario.EVALUATOR_ORGANISATION, scenario.ATS_M8):
            self.organisations[fictional.slug] = self._ensure_organisation(
                slug=fictional.slug, name=fictional.name, short_name=fictional.short_name,
                kind=fictional.kind, legal_form="", description=fictional.description, municipi=(),
            )

    def _municipi_of_organisations(self) -> dict[str, list[Area]]:
        """The Municipio of each neighbourhood network, for the ETS that represent or join it."""
        areas = {a.code: a for a in Area.objects.filter(kind=AreaKind.MUNICIPIO, code__startswith="MI-M")}
        result: dict[str, list[Area]] = {}
        for network in seeds.qubi().neighbourhood_networks:
            area = areas.get(f"MI-M{network.municipio}")
            if area is None:
                continue
            for slug in (*network.representatives, *network.members):
                if area not in result.setdefault(slug, []):
                    result[slug].append(area)
        return result

    def _ensure_address(self, slug: str, *, label: str, text: str) -> None:
        organisation = self.organisations[slug]
        if not text or OrganisationAddress.objects.filter(organisation=organisation, address_text=text).exists():
            return
        # Geocoded on the city gazetteer; an address it does not know is kept without a point, not dropped.
        organisation_address_add(organisation=organisation, by=None, address_text=text, label=label,
                                 allow_unlocated=True)
        self.result.created["address"] += 1

    def _ensure_organisation(self, *, slug: str, name: str, short_name: str, kind: str, legal_form: str,
                             description: str, municipi: Iterable[Area]) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            self.result.created["organisation"] += 1
            return organisation_create(by=None, slug=slug, name=name, short_name=short_name, kind=kind,
                                       legal_form=legal_form, description=description, municipi=municipi)
        # Only what differs is written (and audited): a second run changes nothing.
        current = set(organisation.municipi.values_list("pk", flat=True))
        wanted = current | {a.pk for a in municipi}
        return organisation_update(
            organisation=organisation, by=None, name=name, short_name=short_name, kind=kind,
            legal_form=legal_form, description=description,
            municipi=Area.objects.filter(pk__in=wanted) if wanted != current else None,
        )

    # --- programmes and networks -----------------------------------------------------------------------

    def _ensure_programme(self, spec: seeds.ProgrammeSpec, description: str) -> Programme:
        # No programme service exists in trama.network.services: written directly (see DIRECT_WRITES).
        programme, created = Programme.objects.get_or_create(
            name=spec.name,
            defaults={"description": description, "starts_on": spec.starts_on, "ends_on": spec.ends_on},
        )
        if created:
            self.result.created["programme"] += 1
        return programme

    def _ensure_network(self, *, slug: str, name: str, level: str, parent: Network | None, area: Area | None,
                        programme: Programme, description: str) -> Network:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            self.result.created["network"] += 1
            network = network_create(by=None, slug=slug, name=name, level=level, parent=parent, area=area,
                                     programme=programme, description=description)
        else:
            changes: dict[str, object] = {"name": name, "level": level, "parent": parent,
                                          "programme": programme, "description": description}
            if area is not None:
                changes["area"] = area
            network = network_update(network=network, by=None, **changes)
        self.networks[slug] = network
        return network

    def _ensure_member(self, network: Network, organisation_slug: str, role: str, since: dt.date) -> None:
        organisation = self.organisations[organisation_slug]
        if NetworkMembership.objects.filter(network=network, organisation=organisation).exists():
            return
        network_membership_add(network=network, organisation=organisation, by=None, role=role, since=since)
        self.result.created["network membership"] += 1

    def build_qubi(self) -> None:
        data = seeds.qubi()
        programme_spec = data.programme
        since = programme_spec.starts_on
        programme = self._ensure_programme(
            programme_spec,
            f"{programme_spec.full_name}. Progetti unitari dal {since:%d/%m/%Y} al "
            f"{programme_spec.ends_on:%d/%m/%Y}, prorogabili di {data.extension_months} mesi.",
        )
        city = self._ensure_network(
            slug=data.city_network.slug, name=data.city_network.name, level=NetworkLevel.CITY, parent=None,
            area=self.area(data.city_network.area_code), programme=programme,
            description="Rete cittadina QuBì: 9 reti municipali nate dalle reti di quartiere "
                        "(Municipio 1: rete nuova dal 2024).",
        )
        self._ensure_member(city, scenario.COMUNE, NetworkRole.LEAD_PARTNER, since)
        self._ensure_member(city, scenario.EVALUATOR_ORG, NetworkRole.CO_MANAGER, since)
        for slug in data.other_ets:
            self._ensure_member(city, slug, NetworkRole.MEMBER, since)

        municipal: dict[int, Network] = {}
        for spec in data.municipal_networks:
            description = (
                "Rete municipale costituita nel 2024, nuova: il Municipio non aveva reti QuBì di quartiere."
                if spec.new_in_2024 else
                "Rete municipale che aggrega le reti QuBì di quartiere del Municipio."
            )
            network = self._ensure_network(
                slug=spec.slug, name=spec.name, level=NetworkLevel.MUNICIPAL, parent=city,
                area=self.area(spec.area_code), programme=programme, description=description,
            )
            municipal[spec.municipio] = network
            self._ensure_member(network, scenario.COMUNE, NetworkRole.PARTNER, since)

        for neighbourhood in data.neighbourhood_networks:
            self._build_neighbourhood(neighbourhood, municipal[neighbourhood.municipio], programme, since)

        self._build_ats_m8(municipal[scenario.MUNICIPIO], since)

    def _build_neighbourhood(self, spec: seeds.NeighbourhoodNetworkSpec, parent: Network,
                             programme: Programme, since: dt.date) -> None:
        area = self._neighbourhood_area(spec) or parent.area
        description = f"Rete di quartiere ({', '.join(spec.quartieri)}), nel seed: «{spec.seed_text}»."
        if spec.members:
            description += (" Gli aderenti sono gli enti che hanno partecipato con la rete alla Festa di "
                            "Natale QuBì (volantino): adesione dedotta per la demo.")
        network = self._ensure_network(
            slug=spec.slug, name=spec.name, level=NetworkLevel.NEIGHBOURHOOD, parent=parent, area=area,
            programme=programme, description=description,
        )
        for slug in spec.representatives:
            self._ensure_member(network, slug, NetworkRole.LEAD_PARTNER, since)
            # The ETS of the neighbourhood networks are the co-design partners of their municipal network.
            self._ensure_member(parent, slug, NetworkRole.PARTNER, since)
        for slug in spec.members:
            self._ensure_member(network, slug, NetworkRole.MEMBER, since)
        self._ensure_member(network, scenario.COMUNE, NetworkRole.PARTNER, since)

    def _neighbourhood_area(self, spec: seeds.NeighbourhoodNetworkSpec) -> Area | None:
        """The NIL named like the quartiere when exactly one clearly matches; else None (→ the Municipio)."""
        if len(spec.nil_ids) != 1:
            return None
        nil = Area.objects.filter(code=f"MI-NIL-{spec.nil_ids[0]}").first()
        if nil is None:
            return None
        if not any(nil_matches(nil.name, quartiere) for quartiere in spec.quartieri):
            self._warn(f"il NIL {nil.code} «{nil.name}» non corrisponde a {spec.name}: uso il Municipio")
            return None
        return nil

    def _build_ats_m8(self, network: Network, since: dt.date) -> None:
        ats = self.organisations[scenario.ATS_M8.slug]
        members = [n for n in seeds.qubi().neighbourhood_networks if n.municipio == scenario.MUNICIPIO]
        slugs = [slug for n in members for slug in n.representatives]
        for slug in dict.fromkeys(slugs):
            organisation = self.organisations[slug]
            if ATSMember.objects.filter(ats=ats, organisation=organisation).exists():
                continue
            role = ATSRole.LEAD if slug == scenario.ETS_A else ATSRole.PRINCIPAL
            ats_member_add(ats=ats, organisation=organisation, by=None, role=role, since=since)
            self.result.created["ATS member"] += 1
        self._ensure_member(network, ats.slug, NetworkRole.PARTNER, since)

    def build_reception(self) -> None:
        data = seeds.reception()
        programme = self._ensure_programme(
            data.programme,
            f"{data.programme.full_name}. Percorso avviato il {data.programme.starts_on:%d/%m/%Y}; "
            f"CAS {data.capacity['cas_places']} posti, SAI {data.capacity['sai_places']} + "
            f"{data.capacity['sai_places_mental_health']}, MSNA {data.capacity['msna_places']}.",
        )
        network = self._ensure_network(
            slug=data.network.slug, name=data.network.name, level=NetworkLevel.CITY, parent=None,
            area=self.area(data.network.area_code), programme=programme,
            description="Rete della co-programmazione del sistema cittadino di accoglienza e integrazione: "
                        "i 43 Enti del Terzo Settore ammessi e il Comune di Milano.",
        )
        since = data.programme.starts_on
        self._ensure_member(network, scenario.COMUNE, NetworkRole.LEAD_PARTNER, since)
        for entry in data.ets:
            self._ensure_member(network, entry.organisation, NetworkRole.MEMBER, since)

    # --- personas --------------------------------------------------------------------------------------

    def build_personas(self) -> None:
        since = seeds.qubi().programme.starts_on
        for spec in scenario.PERSONAS:
            organisation = self.organisations[spec.organisation]
            scope = self.networks[spec.network] if spec.network is not None else None
            user = self._ensure_user(spec)
            self._ensure_membership(user, organisation, spec.role, scope, since)
            self.users[spec.key] = user
            self.people[spec.key] = self._ensure_person(spec, user, organisation)
            self.result.logins.append(Login(
                email=spec.email, full_name=spec.full_name, role=str(Role(spec.role).label),
                organisation=str(organisation) if scope is None else f"{organisation} (solo {scope})",
            ))

    def _ensure_membership(self, user: User, organisation: Organisation, role: str, scope: Network | None,
                           since: dt.date) -> None:
        """The persona's role, limited to `scope` (that network and the ones below it) when the spec says so.

        A demo built before the scopes existed gets its roles re-granted with the scope (the grant is audited);
        otherwise nothing is written."""
        membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
        wanted = scope.pk if scope is not None else None
        if membership is not None and membership.network_id == wanted:
            return
        if membership is None:
            self.result.created["membership"] += 1
        else:
            self.result.created["membership scope"] += 1
        membership_grant(
            user=user, organisation=organisation, role=role, network=scope,
            valid_from=membership.valid_from if membership is not None else since,
            valid_until=membership.valid_until if membership is not None else None,
        )

    def _ensure_user(self, spec: scenario.PersonaSpec) -> User:
        user = User.objects.filter(email=spec.email).first()
        if user is not None:
            return user
        user = user_create(email=spec.email, full_name=spec.full_name)
        # One hash for all, written directly (listed in DIRECT_WRITES): the password is the same and public,
        # and hashing it once per persona would make the demo slow for nothing.
        if self._password_hash is None:
            self._password_hash = make_password(scenario.DEMO_PASSWORD)
        user.password = self._password_hash
        user.save(update_fields=["password"])
        self.result.created["user"] += 1
        return user

    def _ensure_person(self, spec: scenario.PersonaSpec, user: User, organisation: Organisation) -> Person:
        person = Person.objects.filter(organisation=organisation, user=user).first()
        if person is None:
            person = person_add(organisation=organisation, by=None, full_name=spec.full_name,
                                title=spec.title, email=spec.email, user=user)
            self.result.created["staff contact"] += 1
        return person

    # --- governance ------------------------------------------------------------------------------------

    def build_governance(self) -> None:
        build_governance(self)

    # --- resource directory (trama.core.demo.directory) ------------------------------------------------

    def build_directory(self) -> None:
        build_directory(self)

    # --- social records and referrals (trama.core.demo.records) ----------------------------------------

    def build_records(self) -> None:
        build_records(self)

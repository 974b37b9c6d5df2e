"""Synthetic directory for the load benchmark: organisations, services, locations with real Milan coordinates,
service-at-locations with weekly schedules, needs terms, target groups and languages.

Everything goes through bulk_create (the per-row services would reindex one service at a time), then the search
index is rebuilt once with `reindex_all()`. Needs the territory (`manage.py load_milano`) and the taxonomies (loaded
by the directory migrations). Deterministic for a given seed.

    summary = generate(services=20_000, locations=30_000)
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.directory.models import (
    Attribute,
    Language,
    Location,
    LocationType,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TargetGroup,
    TaxonomyTerm,
)
from trama.directory.search import reindex_all
from trama.network.models import Organisation, OrganisationKind
from trama.territory.locator import locate_ids
from trama.territory.models import Area, AreaKind

USER_EMAIL = "bench.directory@trama.invalid"
USER_PASSWORD = "bench-directory-password-1"  # noqa: S105 - a throwaway benchmark database
# A word found in a handful of services only (the "rare word" queries).
RARE_WORD = "ludobiblioteca"
# A word found in every description (the "very common word" queries).
COMMON_WORD = "servizio"
BATCH = 2000

# What a service is called, by root need; the root codes come from trama.directory.taxonomies.
KINDS: dict[str, list[str]] = {
    "casa": ["Sportello casa", "Accoglienza abitativa", "Sportello affitti"],
    "lavoro": ["Sportello lavoro", "Orientamento al lavoro", "Laboratorio curriculum"],
    "reddito": ["Fondo famiglie", "Sportello bollette", "Consulenza debiti"],
    "cibo": ["Emporio solidale", "Distribuzione pacchi alimentari", "Mensa di quartiere"],
    "salute": ["Ambulatorio solidale", "Consultorio familiare", "Sportello salute"],
    "prima-infanzia": ["Spazio mamma-bambino", "Spazio gioco 0-6", "Tempo per le famiglie"],
    "doposcuola": ["Doposcuola", "Aiuto compiti", "Centro di aggregazione giovanile"],
    "scuola": ["Supporto scolastico", "Contrasto alla dispersione", "Sportello iscrizioni scolastiche"],
    "genitorialita": ["Sostegno alla genitorialità", "Gruppo genitori", "Percorso nascita"],
    "lingua-italiana": ["Corso di italiano", "Italiano per mamme", "Scuola di italiano per ragazzi"],
    "documenti": ["Sportello legale", "Sportello permessi di soggiorno", "Aiuto pratiche"],
    "supporto-psicologico": ["Spazio di ascolto", "Sportello psicologico", "Centro antiviolenza"],
    "sport": ["Sport di quartiere", "Calcio per tutti", "Palestra popolare"],
    "cultura": ["Laboratorio creativo", "Biblioteca di quartiere", "Cineforum"],
    "orientamento": ["Punto di accesso", "Sportello di orientamento", "Segretariato sociale"],
    "accoglienza": ["Centro di accoglienza", "Accoglienza migranti", "Servizio senza dimora"],
    "disabilita": ["Centro diurno disabili", "Sportello disabilità"],
    "anziani": ["Custodia sociale", "Centro anziani"],
    "digitale": ["Sportello SPID", "Facilitazione digitale"],
}
# Relative weight of each root need: "doposcuola" is common on purpose (the example query).
WEIGHTS = {"doposcuola": 4, "prima-infanzia": 3, "cibo": 3, "lingua-italiana": 3, "orientamento": 2}
PHRASES = [
    "Il servizio è aperto a tutte le famiglie del quartiere.",
    "Il servizio accoglie bambini e ragazzi con i loro genitori.",
    "Il servizio offre ascolto, orientamento e accompagnamento.",
    "Il servizio è gestito da educatori e volontari.",
    "Il servizio collabora con le scuole e i servizi sociali del Municipio.",
    "Il servizio è gratuito e non serve la residenza.",
    "Il servizio si svolge in piccoli gruppi, anche in lingua madre.",
    "Il servizio aiuta a compilare domande e a prenotare appuntamenti.",
]
STREETS = ["Via Padova", "Via Saponaro", "Viale Monza", "Via Giambellino", "Via Lorenteggio", "Via Quarti",
           "Via Val Lagarina", "Piazza Prealpi", "Via Graziano Imperatore", "Via Ornato", "Via Gola", "Via Barona",
           "Via Console Flaminio", "Via Mompiani", "Via dei Cinquecento", "Via Bolla", "Via Appennini"]
LANGUAGES = [("ar", "Arabo"), ("en", "Inglese"), ("fr", "Francese"), ("es", "Spagnolo"), ("uk", "Ucraino"),
             ("zh", "Cinese"), ("tl", "Tagalog"), ("bn", "Bengalese")]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


@dataclass
class Summary:
    services: int = 0
    locations: int = 0
    links: int = 0
    schedules: int = 0
    attributes: int = 0
    organisations: int = 0
    seconds: float = 0.0
    index_seconds: float = 0.0
    user_id: int = 0
    points: list[tuple[float, float]] = field(default_factory=list)  # a few real points, for distance queries


def _points(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`count` random points inside Milan's NIL, with their municipio and NIL ids."""
    city = Area.objects.get(kind=AreaKind.CITY, code="MI")
    assert city.bbox_min_lat is not None and city.bbox_max_lat is not None
    assert city.bbox_min_lon is not None and city.bbox_max_lon is not None
    lats, lons, municipi, nils = [], [], [], []
    kept = 0
    while kept < count:
        lat = rng.uniform(city.bbox_min_lat, city.bbox_max_lat, count)
        lon = rng.uniform(city.bbox_min_lon, city.bbox_max_lon, count)
        municipio, nil = locate_ids(lat, lon)
        inside = (municipio >= 0) & (nil >= 0)
        lats.append(lat[inside])
        lons.append(lon[inside])
        municipi.append(municipio[inside])
        nils.append(nil[inside])
        kept += int(inside.sum())
    return (np.concatenate(lats)[:count], np.concatenate(lons)[:count], np.concatenate(municipi)[:count],
            np.concatenate(nils)[:count])


def _user(organisation: Organisation) -> User:
    """A staff member who reads the directory (a volunteer: no two-factor requirement in any profile)."""
    user = User.objects.filter(email=USER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=USER_EMAIL, password=USER_PASSWORD, full_name="Bruna Benchmark")
        Membership.objects.create(user=user, organisation=organisation, role=Role.VOLUNTEER,
                                  valid_from=dt.date(2024, 1, 1))
    return user


def generate(*, services: int, locations: int, seed: int = 2024) -> Summary:
    """Create the synthetic directory (needs `locations` ≥ `services`: every service has a place, a third of
    them a second one: the itinerant desks)."""
    if locations < services:
        raise ValueError("locations must be at least services")
    start = time.perf_counter()
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    summary = Summary()
    nil_names = dict(Area.objects.filter(kind=AreaKind.NIL).values_list("pk", "name"))
    needs = list(TaxonomyTerm.objects.filter(taxonomy__code="bisogni").only("pk", "code", "parent_id"))
    roots = [t for t in needs if t.parent_id is None and t.code in KINDS]
    leaves_of: dict[int, list[TaxonomyTerm]] = {}
    for term in needs:
        if term.parent_id is not None:
            leaves_of.setdefault(term.parent_id, []).append(term)
    root_weights = [WEIGHTS.get(t.code, 1) for t in roots]
    action_lines = list(TaxonomyTerm.objects.filter(taxonomy__code="linee-azione").values_list("pk", flat=True))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    today = timezone.localdate()

    with transaction.atomic():
        organisations = Organisation.objects.bulk_create([
            Organisation(name=f"Associazione Banco {i:04d}", short_name=f"Banco {i:04d}", slug=f"bench-org-{i:04d}",
                         kind=OrganisationKind.ETS, legal_form="aps")
            for i in range(max(20, services // 60))
        ], batch_size=BATCH)
        summary.organisations = len(organisations)
        summary.user_id = _user(organisations[0]).pk

        lats, lons, municipi, nils = _points(locations, rng)
        rows = []
        for i in range(locations):
            street = f"{rnd.choice(STREETS)} {rnd.randint(1, 180)}"
            nil_id = int(nils[i])
            rows.append(Location(
                maintainer=organisations[i % len(organisations)], location_type=LocationType.PHYSICAL,
                name=f"Sede {nil_names.get(nil_id, 'Milano')} {i}", address_text=street,
                normalised_address=f"{street}, Milano", postcode=f"201{rnd.randint(21, 62)}",
                latitude=float(lats[i]), longitude=float(lons[i]), municipio_id=int(municipi[i]), nil_id=nil_id,
                confidential_address=rnd.random() < 0.01,
            ))
        places = Location.objects.bulk_create(rows, batch_size=BATCH)
        summary.locations = len(places)
        summary.points = [(float(lats[i]), float(lons[i])) for i in range(0, locations, max(1, locations // 50))]

        rows_s: list[Service] = []
        kinds: list[TaxonomyTerm] = []
        for i in range(services):
            root = rnd.choices(roots, root_weights)[0]
            kinds.append(root)
            place = places[i]
            nil = nil_names.get(place.nil_id or 0, "Milano")
            minimum = rnd.choice([None, None, 0, 3, 6, 11, 14, 18])
            maximum = None if minimum is None else rnd.choice([None, minimum + 3, minimum + 8, 99])
            description = " ".join(rnd.sample(PHRASES, 3))
            if i % 4000 == 7:
                description += f" Ospita anche una {RARE_WORD} aperta al quartiere."
            organisation = organisations[rnd.randrange(len(organisations))]
            rows_s.append(Service(
                organisation=organisation, maintainer=organisation,
                name=f"{rnd.choice(KINDS[root.code])} {nil} {i}",
                description=description,
                status=ServiceStatus.ACTIVE if rnd.random() < 0.92 else rnd.choice(
                    [ServiceStatus.INACTIVE, ServiceStatus.TEMPORARILY_CLOSED, ServiceStatus.DEFUNCT]),
                is_public=rnd.random() < 0.97,
                minimum_age=minimum, maximum_age=maximum,
                requires_residency=rnd.random() < 0.3, requires_documents=rnd.random() < 0.3,
                requires_isee=rnd.random() < 0.2, requires_appointment=rnd.random() < 0.4,
                is_free=rnd.random() < 0.7,
                last_verified_on=today - dt.timedelta(days=rnd.randint(0, 400)),
            ))
        made = Service.objects.bulk_create(rows_s, batch_size=BATCH)
        summary.services = len(made)

        # Every service at its own place; the remaining places go to random services (itinerant desks).
        pairs = [(made[i], places[i]) for i in range(services)]
        seen = {(s.pk, p.pk) for s, p in pairs}
        for place in places[services:]:
            service = made[rnd.randrange(services)]
            if (service.pk, place.pk) not in seen:
                seen.add((service.pk, place.pk))
                pairs.append((service, place))
        links = ServiceAtLocation.objects.bulk_create(
            [ServiceAtLocation(service=s, location=p) for s, p in pairs], batch_size=BATCH)
        summary.links = len(links)

        schedules = []
        for link in links:
            days = rnd.sample(DAYS, rnd.randint(1, 4))
            opens = rnd.choice([8, 9, 10, 14, 15, 16])
            schedules.append(Schedule(service_at_location=link, byday=",".join(days),
                                      opens_at=dt.time(opens, 0), closes_at=dt.time(opens + rnd.choice([2, 3, 4]), 0)))
            if rnd.random() < 0.3:  # a second window the same days
                schedules.append(Schedule(service_at_location=link, byday=",".join(days),
                                          opens_at=dt.time(17, 0), closes_at=dt.time(19, 30)))
        Schedule.objects.bulk_create(schedules, batch_size=BATCH)
        summary.schedules = len(schedules)

        attributes = []
        through = Service.target_groups.through
        memberships = []
        languages = []
        for service, root in zip(made, kinds, strict=True):
            leaves = leaves_of.get(root.pk, [])
            attributes.append(Attribute(service=service, term_id=rnd.choice(leaves).pk if leaves else root.pk))
            if rnd.random() < 0.3:
                other = rnd.choice(needs)
                if other.pk != root.pk and other.parent_id != root.pk:
                    attributes.append(Attribute(service=service, term_id=other.pk))
            if action_lines:
                attributes.append(Attribute(service=service, term_id=rnd.choice(action_lines)))
            for group in rnd.sample(groups, min(len(groups), rnd.randint(0, 2))):
                memberships.append(through(service_id=service.pk, targetgroup_id=group))
            if rnd.random() < 0.3:
                for code, name in rnd.sample(LANGUAGES, rnd.randint(1, 2)):
                    languages.append(Language(service=service, code=code, name=name))
        Attribute.objects.bulk_create(attributes, batch_size=BATCH)
        through.objects.bulk_create(memberships, batch_size=BATCH)
        Language.objects.bulk_create(languages, batch_size=BATCH)
        summary.attributes = len(attributes)

    index_start = time.perf_counter()
    reindex_all()
    summary.index_seconds = time.perf_counter() - index_start
    summary.seconds = time.perf_counter() - start
    return summary

"""A small, demo-like directory for the portal tests: Municipio 8's itinerant QuBì desk (three zones, seed 001),
a doposcuola near Via Saponaro, a shelter with a confidential address, and records the public must never see
(inactive, defunct, not public)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone, translation

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import (
    DocumentKind,
    PhoneType,
    Service,
    ServiceStatus,
    TargetGroup,
    TaxonomyTerm,
)
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service
from trama.territory.models import Area, AreaKind

# The Municipio 8 flyer: zone, address used for the test, weekday, hours, phone.
QUBI_ZONES = (
    ("Quarto Oggiaro", "Via Michele Lessona 20", "TU", "10:00", "13:00", "333 111 2222"),
    ("Gallaratese", "Via Appennini 70", "WE", "14:00", "17:00", "333 333 4444"),
    ("Villapizzone", "Via Console Marcello 2", "FR", "10:00", "13:00", "333 555 6666"),
)
SHELTER_ADDRESS = "Via Cesare Pascarella 30"


@dataclass
class PortalData:
    qubi: Service
    doposcuola: Service
    shelter: Service
    nolo: Service
    inactive: Service
    defunct: Service
    hidden: Service
    m8: Area
    m2: Area


def _term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__code="bisogni", code=code)


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    # LocaleMiddleware activates the request's language on this thread and leaves it active.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def portal_data(personas: Personas) -> PortalData:
    p = personas
    city = Area.objects.create(kind=AreaKind.CITY, code="MI", name="Milano")
    m8 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M8", name="Municipio 8", parent=city)
    m2 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M2", name="Municipio 2", parent=city)
    Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M5", name="Municipio 5", parent=city)
    today = timezone.localdate()
    by = p.referent

    qubi = make_service(
        p, name="Spazio di orientamento QuBì Municipio 8 (sportello itinerante)",
        description="Uno spazio di orientamento, ascolto e supporto vicino a casa tua.",
        application_process="Contattaci per un appuntamento: un numero per ciascuna zona.",
        requires_appointment=True, is_free=True,
        translations={"en": {"name": "QuBì orientation desk, Municipio 8 (travelling desk)"},
                      "ar": {"description": "مساحة للتوجيه والاستماع والدعم بالقرب من منزلك."}},
    )
    services.taxonomy_term_assign(service=qubi, term=_term("orientamento.punti-accesso"), by=by)
    services.taxonomy_term_assign(service=qubi, term=_term("doposcuola.compiti"), by=by)
    services.service_area_add(service=qubi, by=by, area=m8)
    services.service_set_target_groups(service=qubi, by=by, target_groups=TargetGroup.objects.filter(
        code__in=["famiglie"]))
    for zone, address, day, opens, closes, phone in QUBI_ZONES:
        location = make_location(p, name=f"Punto QuBì zona {zone}", address_text=address)
        link = services.service_at_location_attach(service=qubi, location=location, by=by)
        services.schedule_set(by=by, service_at_location=link, windows=[ScheduleSpec(
            opens_at=dt.time.fromisoformat(opens), closes_at=dt.time.fromisoformat(closes), byday=day,
            description=f"Zona {zone}")])
        services.phone_add(by=by, service_at_location=link, number=phone, type=PhoneType.CELL)

    doposcuola = make_service(
        p, name="Doposcuola Saponaro (demo)", description="Aiuto compiti per bambini e ragazzi delle medie.",
        minimum_age=6, maximum_age=14, is_free=True, requires_documents=True,
    )
    # Not verified for more than STALE_AFTER_DAYS: publicly marked "to be verified".
    Service.objects.filter(pk=doposcuola.pk).update(last_verified_on=today - dt.timedelta(days=400))
    doposcuola.refresh_from_db()
    services.taxonomy_term_assign(service=doposcuola, term=_term("doposcuola.compiti"), by=by)
    place = make_location(p, name="Oratorio Gratosoglio", address_text="Via Saponaro 20")
    link = services.service_at_location_attach(service=doposcuola, location=place, by=by)
    services.schedule_set(by=by, service_at_location=link, windows=[
        ScheduleSpec(opens_at=dt.time(15), closes_at=dt.time(18), byday="MO,WE"),
        ScheduleSpec(opens_at=dt.time(10), closes_at=dt.time(12), byday="1SA", freq="MONTHLY"),
    ])
    services.phone_add(by=by, service=doposcuola, number="02 1234 5678")
    services.language_add(by=by, service=doposcuola, code="ar", name="arabo")
    services.required_document_add(service=doposcuola, by=by, kind=DocumentKind.ISEE)
    services.required_document_add(service=doposcuola, by=by, document="Pagella dell'ultimo anno")

    shelter = make_service(p, name="Casa rifugio Aurora", description="Accoglienza riservata per donne.")
    services.taxonomy_term_assign(service=shelter, term=_term("orientamento.punti-accesso"), by=by)
    hidden_place = make_location(p, name="Casa Aurora", address_text=SHELTER_ADDRESS, confidential_address=True)
    services.service_at_location_attach(service=shelter, location=hidden_place, by=by)
    services.language_add(by=by, location=hidden_place, code="uk")

    nolo = make_service(p, name="Sportello NoLo", description="Sportello di orientamento a NoLo.")
    services.taxonomy_term_assign(service=nolo, term=_term("orientamento.punti-accesso"), by=by)
    services.service_at_location_attach(service=nolo, by=by,
                                        location=make_location(p, name="Sede NoLo", address_text="Via Padova 36"))

    def invisible(name: str, **fields: object) -> Service:
        service = make_service(p, name=name, description="Doposcuola nascosto", **fields)
        services.taxonomy_term_assign(service=service, term=_term("orientamento.punti-accesso"), by=by)
        services.taxonomy_term_assign(service=service, term=_term("doposcuola.compiti"), by=by)
        services.service_at_location_attach(service=service, by=by, location=make_location(
            p, name=f"Sede {name}", address_text="Via Lessona 33"))
        return service

    return PortalData(
        qubi=qubi, doposcuola=doposcuola, shelter=shelter, nolo=nolo,
        inactive=invisible("Doposcuola Sospeso", status=ServiceStatus.INACTIVE),
        defunct=invisible("Doposcuola Chiuso", status=ServiceStatus.DEFUNCT),
        hidden=invisible("Doposcuola Interno", is_public=False),
        m8=m8, m2=m2,
    )

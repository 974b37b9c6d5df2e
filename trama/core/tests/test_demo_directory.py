"""The demo's resource directory (`trama.core.demo.directory`): the opening-hours parser, the fictional catalogue,
and what `manage.py demo` writes (built once for the module, then rolled back)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from pytest_django import DjangoDbBlocker

from trama.core.demo import directory
from trama.core.demo.directory import (
    DEMO_MARK,
    TEMPLATES,
    ClosureSpec,
    fictional_services,
    parse_opening_hours,
)
from trama.core.models import AuditEvent
from trama.directory.models import (
    Attribute,
    Closure,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from trama.directory.taxonomies import NEEDS_TERMS
from trama.territory.models import Place, PlaceKind


def _leaf_terms() -> set[str]:
    parents = {parent for _, parent, _ in NEEDS_TERMS if parent}
    return {code for code, _, _ in NEEDS_TERMS if code not in parents}


def _windows(text: str) -> list[tuple[str, str, str, dt.date | None, dt.date | None]]:
    hours = parse_opening_hours(text)
    return [(w.byday, f"{w.opens_at:%H:%M}", f"{w.closes_at:%H:%M}", w.valid_from, w.valid_to)
            for w in hours.windows]


# --- the opening-hours parser (no database) --------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("lun-ven 9-18", [("MO,TU,WE,TH,FR", "09:00", "18:00")]),
    ("Dalle 8:00 alle 18:00 dal lunedi al sabato", [("MO,TU,WE,TH,FR,SA", "08:00", "18:00")]),
    ("mar e gio 9.30-12.30", [("TU,TH", "09:30", "12:30")]),
    ("lun, mer e ven 10-12", [("MO,WE,FR", "10:00", "12:00")]),
    ("Lunedì-Venerdì 9:00-13:00 e 14:00-18:00",
     [("MO,TU,WE,TH,FR", "09:00", "13:00"), ("MO,TU,WE,TH,FR", "14:00", "18:00")]),
    ("sabato 10-12, domenica 9-13", [("SA", "10:00", "12:00"), ("SU", "09:00", "13:00")]),
])
def test_it_parses_simple_weekly_hours(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [w[:3] for w in _windows(text)] == expected
    assert all(w[3] is None and w[4] is None for w in _windows(text))


def test_it_parses_the_spazi_freschi_periods_with_their_closures() -> None:
    text = ("Dal 1 giugno al 20 settembre: Lun 14:30-19:00, Mar 9:00-12:00 e 14:30-19:00, Mer 9:00-12:00 e "
            "14:30-19:00, Giov 14:30-19:00, Ven 14,45-19:00.\nChiusura: dal 5 al 19 luglio e tutto agosto")
    hours = parse_opening_hours(text)
    assert hours.parsed and hours.closures_parsed
    start, end = dt.date(2026, 6, 1), dt.date(2026, 9, 20)
    assert _windows(text) == [
        ("MO,TU,WE,TH", "14:30", "19:00", start, end),
        ("TU,WE", "09:00", "12:00", start, end),
        ("FR", "14:45", "19:00", start, end),
    ]
    assert hours.closures == (ClosureSpec(dt.date(2026, 7, 5), dt.date(2026, 7, 19)),
                              ClosureSpec(dt.date(2026, 8, 1), dt.date(2026, 8, 31)))


def test_it_reads_several_periods_and_merges_overlapping_hours() -> None:
    text = ("Dal 1 al 14 giugno: Mer 12:00-18:00 e 17:30-21:00. Dal 1 giugno 7 agosto e dal 24 agosto al 30 "
            "settembre: Lun 15.00-18.00. Dal 1al 7agosto: Ven 8:45-12:00 e 12:00-21:00.\nChiusura: 15-ago")
    assert _windows(text) == [
        ("WE", "12:00", "21:00", dt.date(2026, 6, 1), dt.date(2026, 6, 14)),
        ("MO", "15:00", "18:00", dt.date(2026, 6, 1), dt.date(2026, 8, 7)),
        ("MO", "15:00", "18:00", dt.date(2026, 8, 24), dt.date(2026, 9, 30)),
        ("FR", "08:45", "21:00", dt.date(2026, 8, 1), dt.date(2026, 8, 7)),
    ]
    assert parse_opening_hours(text).closures == (ClosureSpec(dt.date(2026, 8, 15), dt.date(2026, 8, 15)),)
    numeric = "Dal 01/06/2026 al 14/06/2026 Lun 15:00-18:00.\nChiusura: 01/08/26 al 24/08/2026"
    assert _windows(numeric) == [("MO", "15:00", "18:00", dt.date(2026, 6, 1), dt.date(2026, 6, 14))]
    assert parse_opening_hours(numeric).closures == (ClosureSpec(dt.date(2026, 8, 1), dt.date(2026, 8, 24)),)


@pytest.mark.parametrize("text", [
    "9:00 - 12:00 e 15:00 - 16:00",  # hours without days
    "Dal 1 giugno al 20 settembre: Lun 14:3 -18:30, Mar 14:3 -18:30",  # "14:3"
    "Dal 1 giugno al 21 settembre: Lun 15:00-18:00, ,er 15:00-18:00",  # a day that is not one
    "Dal 15 giugno al 21 Luglio: Ven 15:30:19:00",  # a time as the range separator
    "su appuntamento",
    "lun 18-9",  # closing before opening
    "lun-mer",  # days without hours
])
def test_it_leaves_texts_it_is_not_sure_about_unparsed(text: str) -> None:
    hours = parse_opening_hours(text)
    assert not hours.parsed
    assert hours.windows == ()
    assert hours.text == text


@pytest.mark.parametrize(("line", "expected"), [
    ("ND", ()),
    ("Nessuna chiusura", ()),
    ("Settimana di Ferragosto 10-16 agosto", ((dt.date(2026, 8, 10), dt.date(2026, 8, 16)),)),
    ("agosto tutto il mese", ((dt.date(2026, 8, 1), dt.date(2026, 8, 31)),)),
    ("15 e 16 agosto", ((dt.date(2026, 8, 15), dt.date(2026, 8, 16)),)),
    ("dal 10/08 al 23/08", ((dt.date(2026, 8, 10), dt.date(2026, 8, 23)),)),
    ("chiuso dal 16 agosto al 9 settembre", ((dt.date(2026, 8, 16), dt.date(2026, 9, 9)),)),
])
def test_it_parses_closure_lines(line: str, expected: tuple[tuple[dt.date, dt.date], ...]) -> None:
    hours = parse_opening_hours(f"lun 9-12\nChiusura: {line}")
    assert hours.parsed and hours.closures_parsed
    assert tuple((c.start, c.end) for c in hours.closures) == expected


def test_it_keeps_an_unclear_closure_line_as_text_only() -> None:
    hours = parse_opening_hours("lun 9-12\nChiusura: Dal 8 agosto a metà settembre")
    assert hours.parsed and not hours.closures_parsed and hours.closures == ()


# --- the fictional catalogue (no database) ----------------------------------------------------------------


def test_the_templates_cover_every_leaf_need() -> None:
    used = {code for template in TEMPLATES for code in template.terms}
    assert _leaf_terms() <= used
    assert used <= {code for code, _, _ in NEEDS_TERMS}


def test_it_draws_the_same_fictional_services_every_time() -> None:
    organisations = {n: [f"ets-{n}-{i}" for i in range(3)] for n in range(1, 10)}
    first, second = fictional_services(organisations), fictional_services(organisations)
    assert first == second
    assert len(first) == directory.FICTIONAL_SERVICES >= 300
    assert len({s.name for s in first}) == len(first)
    assert all(s.name.endswith(DEMO_MARK) for s in first)
    assert set(Counter(s.municipio for s in first)) == set(range(1, 10))
    assert all(s.organisation in organisations[s.municipio] for s in first)
    assert all(a.municipio == s.municipio for s in first for a in s.addresses)
    # A protected place's name does not give its neighbourhood away.
    assert all(f"Municipio {s.municipio}" in s.name for s in first if s.template.confidential)


# --- manage.py demo ---------------------------------------------------------------------------------------


@dataclass
class DemoRun:
    output: str
    audit_events: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoRun]:
    """Build the demo once for the module inside a transaction rolled back at the end (as test_demo.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield DemoRun(output=out.getvalue(), audit_events=AuditEvent.objects.count())
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_it_builds_at_least_300_services_and_a_location_per_place(demo: DemoRun) -> None:
    assert Service.objects.filter(name__endswith=DEMO_MARK).count() >= 300
    assert Service.objects.count() >= 300 + Place.objects.count()
    places = Place.objects.count()
    assert places > 200
    located = Location.objects.filter(external_identifier_type=directory.PLACE_ID_TYPE)
    assert located.count() == places
    assert not Location.objects.filter(latitude__isnull=True).exists()
    assert not Location.objects.filter(municipio__isnull=True).exists()
    for kind in PlaceKind.values:
        place = Place.objects.filter(kind=kind).first()
        assert place is not None, kind
        link = ServiceAtLocation.objects.select_related("service").get(
            location__external_identifier=directory._place_key(place))
        assert link.service.organisation.slug == link.service.maintainer.slug == "comune-di-milano"
        assert link.service.is_public
    fictional = ServiceAtLocation.objects.filter(service__name__endswith=DEMO_MARK)
    assert set(fictional.values_list("location__municipio__code", flat=True)) == {f"MI-M{n}" for n in range(1, 10)}


@pytest.mark.django_db
def test_it_uses_every_leaf_of_the_needs_taxonomy(demo: DemoRun) -> None:
    used = set(Attribute.objects.filter(term__taxonomy__code="bisogni").values_list("term__code", flat=True))
    leaves = set(TaxonomyTerm.objects.filter(taxonomy__code="bisogni", children__isnull=True)
                 .values_list("code", flat=True))
    assert leaves == _leaf_terms()
    assert leaves <= used


@pytest.mark.django_db
def test_it_builds_the_qubi_itinerant_desk_of_municipio_8(demo: DemoRun) -> None:
    desk = Service.objects.get(name__startswith="Spazio di orientamento QuBì Municipio 8")
    assert desk.organisation.slug == "farsi-prossimo"
    assert desk.requires_appointment and desk.is_free
    links = ServiceAtLocation.objects.filter(service=desk).select_related("location__nil")
    assert links.count() == 3
    found = {}
    for link in links:
        schedules = list(Schedule.objects.filter(service_at_location=link))
        assert len(schedules) == 1
        phones = list(Phone.objects.filter(service_at_location=link).values_list("number", flat=True))
        found[link.location.name] = (schedules[0].byday, f"{schedules[0].opens_at:%H:%M}",
                                     f"{schedules[0].closes_at:%H:%M}", phones)
        assert link.location.has_point and link.location.municipio.code == "MI-M8"
    assert found == {
        "Punto QuBì zona Quarto Oggiaro": ("TU", "10:00", "13:00", ["3516818198"]),
        "Punto QuBì zona Gallaratese": ("WE", "14:00", "17:00", ["3451552523"]),
        "Punto QuBì zona Villapizzone": ("FR", "10:00", "13:00", ["3332683456"]),
    }
    assert Service.objects.filter(name="Zaino sospeso QuBì").exists()


@pytest.mark.django_db
def test_it_builds_place_services_from_the_open_data(demo: DemoRun) -> None:
    office = Service.objects.get(name="Servizio Sociale Territoriale Municipio 1")
    assert office.requires_appointment
    [window] = Schedule.objects.filter(service_at_location__service=office)
    assert (window.byday, window.opens_at, window.closes_at) == ("MO,TU,WE,TH,FR,SA", dt.time(8), dt.time(18))
    assert office.phones.filter(number="020202").exists()
    # A casa di quartiere: summer 2026 windows, closures on the location, the source text kept.
    casa = Service.objects.get(name="Casa di quartiere Aldini")
    link = casa.service_at_locations.get()
    assert link.description.startswith("Orari (dalla fonte): Dal 1 giugno al 20 settembre")
    [summer] = link.schedules.all()
    assert summer.byday == "MO,TU,WE,TH,FR,SA,SU"
    assert (summer.valid_from, summer.valid_to) == (dt.date(2026, 6, 1), dt.date(2026, 9, 20))
    assert Closure.objects.filter(location=link.location, start_date=dt.date(2026, 8, 1)).exists()
    assert "Biliardo" in casa.description
    # Texts the parser is not sure about: the text, no windows.
    unparsed = Place.objects.get(kind=PlaceKind.COMMUNITY_CENTRE, opening_hours__contains=",er ")
    link = ServiceAtLocation.objects.get(location__external_identifier=directory._place_key(unparsed))
    assert ",er 15:00-18:00" in link.description
    assert not link.schedules.exists()


@pytest.mark.django_db
def test_it_varies_the_fictional_services(demo: DemoRun) -> None:
    fictional = Service.objects.filter(name__endswith=DEMO_MARK)
    assert fictional.filter(requires_residency=False, requires_documents=False).count() >= 50
    assert fictional.filter(requires_residency=True).exists()
    assert fictional.filter(requires_documents=True, required_documents__isnull=False).exists()
    assert fictional.filter(is_free=True).exists() and fictional.filter(cost_options__isnull=False).exists()
    assert fictional.filter(requires_appointment=True).exists()
    assert fictional.filter(is_public=False).exists()
    assert fictional.filter(status=ServiceStatus.TEMPORARILY_CLOSED).exclude(alert="").exists()
    assert fictional.stale().count() >= 20
    assert fictional.exclude(pk__in=fictional.stale()).count() >= 200
    assert len(set(fictional.values_list("last_verified_on", flat=True))) > 50
    assert fictional.filter(minimum_age__isnull=False).exists()
    assert fictional.filter(target_groups__isnull=False).distinct().count() >= 250
    languages = set(Language.objects.filter(service__in=fictional).values_list("code", flat=True))
    assert {"it", "en", "ar", "fr", "es", "uk", "zh", "ro", "bn"} <= languages
    itinerant = fictional.annotate(stops=Count("service_at_locations")).filter(stops__gt=1)
    assert itinerant.count() >= 5
    for service in itinerant:
        days = [s.byday for s in Schedule.objects.filter(service_at_location__service=service)]
        assert len(days) == len(set(days)) == service.stops  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_it_keeps_protected_places_confidential(demo: DemoRun) -> None:
    shelters = Service.objects.filter(name__startswith="Casa rifugio per donne")
    assert shelters.exists()
    for shelter in shelters:
        location = shelter.service_at_locations.get().location
        assert location.confidential_address
        assert location.has_point  # kept for the staff pages; never shown publicly (directory/access.py)
        assert location.nil is None or location.nil.name.split(" - ")[0] not in shelter.name
    assert Location.objects.filter(confidential_address=True).count() >= 5
    assert not Location.objects.filter(confidential_address=True,
                                       external_identifier_type=directory.PLACE_ID_TYPE).exists()


@pytest.mark.django_db
def test_it_writes_the_directory_through_its_services(demo: DemoRun) -> None:
    actions = Counter(AuditEvent.objects.filter(action__startswith="directory.").values_list("action", flat=True))
    assert actions["directory.service.create"] == Service.objects.count()
    assert actions["directory.location.create"] == Location.objects.count()
    assert actions["directory.service_at_location.attach"] == ServiceAtLocation.objects.count()


@pytest.mark.django_db
def test_it_creates_nothing_in_the_directory_when_run_again(demo: DemoRun) -> None:
    models = (Service, Location, ServiceAtLocation, Schedule, Closure, Attribute, Language, Phone)
    before = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("demo", stdout=out)
    after = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    assert after == before
    assert AuditEvent.objects.count() == demo.audit_events
    assert "Niente da creare" in out.getvalue()

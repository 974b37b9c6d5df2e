"""Search filters: need (with sub-needs), municipio, NIL, distance from an address or a point, age, language, open
now / on a weekday, no residency, no documents, free — combined with the text, and confidential places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.access import services_visible_to
from trama.directory.models import LocationType, Service, TaxonomyTerm
from trama.directory.search import Point, SearchForm, SearchParams, filter_services, run_search
from trama.directory.search.filters import visible_point
from trama.directory.search.maplayer import map_layer
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service
from trama.lib.schedules import ROME
from trama.territory.models import Area, AreaKind

# Via Appennini 70 (Gallaratese), the origin of the distance tests.
APPENNINI = Point(45.502927, 9.106427, "Via Appennini 70")


def _at(p: Personas, service: Service, address: str, *, name: str = "", **fields: Any) -> Any:
    location = make_location(p, name=name or address, address_text=address,
                             maintainer=fields.pop("maintainer", service.maintainer), **fields)
    return services.service_at_location_attach(service=service, location=location, by=p.referent)


def found(p: Personas, params: SearchParams, user: Any = None, **kwargs: Any) -> list[str]:
    user = user or p.referent
    return [s.name for s in filter_services(services_visible_to(user), params, user=user, **kwargs)]


def _term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__code="bisogni", code=code)


def test_it_combines_need_with_children_free_residency_documents_age_and_language(personas: Personas) -> None:
    p = personas
    good = make_service(p, name="Doposcuola Alfa", is_free=True, minimum_age=6, maximum_age=14)
    services.taxonomy_term_assign(service=good, term=_term("doposcuola.compiti"), by=p.referent)
    services.language_add(by=p.referent, service=good, code="ar", name="arabo")
    paying = make_service(p, name="Doposcuola a pagamento", minimum_age=6, maximum_age=14)
    services.taxonomy_term_assign(service=paying, term=_term("doposcuola"), by=p.referent)
    resident = make_service(p, name="Doposcuola per residenti", is_free=True, requires_residency=True)
    services.taxonomy_term_assign(service=resident, term=_term("doposcuola"), by=p.referent)
    papers = make_service(p, name="Doposcuola con documenti", is_free=True, requires_documents=True)
    services.taxonomy_term_assign(service=papers, term=_term("doposcuola"), by=p.referent)
    make_service(p, name="Mensa", is_free=True)

    assert set(found(p, SearchParams(need="doposcuola"))) == {
        "Doposcuola a pagamento", "Doposcuola Alfa", "Doposcuola con documenti", "Doposcuola per residenti"}
    assert found(p, SearchParams(need="doposcuola.compiti")) == ["Doposcuola Alfa"]
    both = SearchParams(need="doposcuola", free=True, no_residency=True, no_documents=True)
    assert found(p, both) == ["Doposcuola Alfa"]
    assert set(found(p, SearchParams(need="doposcuola", age=10, free=True))) == {
        "Doposcuola Alfa", "Doposcuola con documenti", "Doposcuola per residenti"}  # no age limits = any age
    assert set(found(p, SearchParams(age=3, need="doposcuola", free=True))) == {
        "Doposcuola con documenti", "Doposcuola per residenti"}
    assert found(p, SearchParams(language="ar")) == ["Doposcuola Alfa"]
    assert found(p, SearchParams(text="doposcuola", language="ar", free=True, age=8)) == ["Doposcuola Alfa"]
    assert found(p, SearchParams(text="mensa", need="doposcuola")) == []


def test_it_filters_by_municipio_and_nil(personas: Personas) -> None:
    p = personas
    m8 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M8", name="Municipio 8")
    Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M2", name="Municipio 2")
    Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-76", name="Quarto Oggiaro", parent=m8)
    Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-65", name="Gallaratese", parent=m8)
    qo = make_service(p, name="QuBì Quarto Oggiaro")
    _at(p, qo, "Via Lessona 20")
    gallaratese = make_service(p, name="QuBì Gallaratese")
    _at(p, gallaratese, "Via Appennini 70")
    nolo = make_service(p, name="Sportello NoLo")
    _at(p, nolo, "Via Padova 36")
    assert found(p, SearchParams(municipio="MI-M8")) == ["QuBì Gallaratese", "QuBì Quarto Oggiaro"]
    assert found(p, SearchParams(nil="MI-NIL-76")) == ["QuBì Quarto Oggiaro"]
    assert found(p, SearchParams(municipio="MI-M2")) == ["Sportello NoLo"]
    assert found(p, SearchParams(municipio="MI-M2", nil="MI-NIL-76")) == []


def test_it_uses_a_confidential_place_for_the_nil_only_with_whoever_may_see_it(personas: Personas) -> None:
    p = personas
    m8 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M8", name="Municipio 8")
    Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-76", name="Quarto Oggiaro", parent=m8)
    shelter = make_service(p, name="Casa rifugio")
    _at(p, shelter, "Via Lessona 20", name="Casa", confidential_address=True)
    assert found(p, SearchParams(nil="MI-NIL-76"), user=p.referent) == ["Casa rifugio"]  # maintainer
    assert found(p, SearchParams(nil="MI-NIL-76"), user=p.coordinator) == ["Casa rifugio"]  # city-wide
    assert found(p, SearchParams(nil="MI-NIL-76"), user=p.referent_b) == []
    # The municipio of a confidential place is public.
    assert found(p, SearchParams(municipio="MI-M8"), user=p.referent_b) == ["Casa rifugio"]


def _three_places(p: Personas) -> dict[str, Service]:
    made = {}
    for name, address in [("Sportello Padova", "Via Padova 36"), ("Sportello Villapizzone", "Via Console Marcello 2"),
                          ("Sportello Quarto Oggiaro", "Via Lessona 20")]:
        made[name] = make_service(p, name=name, description="Sportello di orientamento")
        _at(p, made[name], address)
    online = make_service(p, name="Sportello online", description="Sportello di orientamento")
    virtual = services.location_create(by=p.referent, maintainer=p.ets_a, name="Online",
                                       location_type=LocationType.VIRTUAL, url="https://example.org")
    services.service_at_location_attach(service=online, location=virtual, by=p.referent)
    return made


def test_it_orders_by_distance_and_cuts_at_the_radius(personas: Personas) -> None:
    p = personas
    _three_places(p)
    result = run_search(services_visible_to(p.referent), SearchParams(text="sportello", origin=APPENNINI),
                        user=p.referent)
    assert [s.name for s in result.services] == [
        "Sportello Quarto Oggiaro", "Sportello Villapizzone", "Sportello Padova", "Sportello online"]
    km = sorted(result.distances.values())
    assert 2.0 < km[0] < 3.0 and 3.0 < km[1] < 4.0 and 8.0 < km[2] < 11.0
    near = SearchParams(text="orientamento", origin=APPENNINI, radius_km=5)
    assert found(p, near) == ["Sportello Quarto Oggiaro", "Sportello Villapizzone"]


def test_it_measures_from_a_geocoded_address(personas: Personas) -> None:
    p = personas
    _three_places(p)
    form = SearchForm({"address": "via appennini 70", "radius": "5"})
    assert form.is_valid(), form.errors
    params = form.to_params()
    assert params.origin is not None and abs(params.origin.latitude - APPENNINI.latitude) < 1e-4
    assert found(p, params) == ["Sportello Quarto Oggiaro", "Sportello Villapizzone"]
    point = SearchForm({"lat": "45.4888", "lon": "9.2204", "radius": "1"})
    assert point.is_valid(), point.errors
    assert found(p, point.to_params()) == ["Sportello Padova"]


def test_it_refuses_an_unknown_address_with_suggestions_in_italian(personas: Personas) -> None:
    form = SearchForm({"address": "Via Saponaroo 16"})
    assert not form.is_valid()
    assert "Strada non trovata" in form.errors["address"][0]
    assert "Via Michele Saponaro 16, Milano" in form.address_suggestions
    assert not SearchForm({"lat": "45.5"}).is_valid()


def test_it_keeps_confidential_points_out_of_distances_and_markers(personas: Personas) -> None:
    p = personas
    shelter = make_service(p, name="Casa rifugio", description="Accoglienza")
    _at(p, shelter, "Via Lessona 20", name="Casa", confidential_address=True)
    office = make_service(p, name="Sportello accoglienza", description="Accoglienza")
    _at(p, office, "Via Padova 36")
    params = SearchParams(text="accoglienza", origin=APPENNINI)
    for outsider in (p.referent_b, p.referent_other, p.evaluator):
        result = run_search(services_visible_to(outsider), params, user=outsider)
        assert [s.name for s in result.services] == ["Sportello accoglienza", "Casa rifugio"]  # unlocated last
        assert shelter.pk not in result.distances
        layer = map_layer(result.services, visible=visible_point(outsider))
        assert [row.service_name for row in layer.points] == ["Sportello accoglienza"]
        assert found(p, SearchParams(text="accoglienza", origin=APPENNINI, radius_km=50), user=outsider) == [
            "Sportello accoglienza"]
    for insider in (p.referent, p.coordinator):
        result = run_search(services_visible_to(insider), params, user=insider)
        assert [s.name for s in result.services] == ["Casa rifugio", "Sportello accoglienza"]
        layer = map_layer(result.services, visible=visible_point(insider))
        assert {row.service_name for row in layer.points} == {"Casa rifugio", "Sportello accoglienza"}


def rome(y: int, m: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=ROME)


def test_it_filters_open_now_and_open_on_a_weekday(personas: Personas) -> None:
    p = personas
    tuesday = make_service(p, name="Sportello del martedì")
    services.schedule_set(by=p.referent, service_at_location=_at(p, tuesday, "Via Lessona 20"),
                          windows=[ScheduleSpec(byday="TU", opens_at=dt.time(10), closes_at=dt.time(13))])
    friday = make_service(p, name="Sportello del venerdì")
    services.schedule_set(by=p.referent, service=friday,
                          windows=[ScheduleSpec(byday="FR", opens_at=dt.time(9), closes_at=dt.time(12))])
    make_service(p, name="Senza orari")
    # Tuesday 3 June 2025
    assert found(p, SearchParams(open_now=True), now=rome(2025, 6, 3, 11)) == ["Sportello del martedì"]
    assert found(p, SearchParams(open_now=True), now=rome(2025, 6, 3, 14)) == []
    assert found(p, SearchParams(weekday="FR"), now=rome(2025, 6, 3, 14)) == ["Sportello del venerdì"]
    assert found(p, SearchParams(weekday="TU"), now=rome(2025, 6, 3, 14)) == ["Sportello del martedì"]
    services.closure_add(by=None, service=friday, start_date=dt.date(2025, 6, 6), reason="Ponte")
    assert found(p, SearchParams(weekday="FR"), now=rome(2025, 6, 3, 14)) == []
    assert found(p, SearchParams(weekday="FR", text="sportello"), now=rome(2025, 6, 9, 8)) == ["Sportello del venerdì"]


def test_the_age_filter_reads_the_age_bands_of_target_groups(personas: Personas) -> None:
    # A service without ages of its own is for the ages of its age-band target groups (0-6 …); groups that are
    # not age bands (families, new mothers) and services without groups do not restrict the age.
    from trama.directory.models import TargetGroup

    p = personas
    make_service(p, name="Spazio 0-6", target_groups=TargetGroup.objects.filter(code="0-6"))
    make_service(p, name="Per tutti")
    make_service(p, name="Doposcuola esplicito", minimum_age=6, maximum_age=14,
                 target_groups=TargetGroup.objects.filter(code="0-6"))  # its own ages win
    assert set(found(p, SearchParams(age=4))) == {"Spazio 0-6", "Per tutti"}
    assert set(found(p, SearchParams(age=10))) == {"Per tutti", "Doposcuola esplicito"}
    assert set(found(p, SearchParams(age=40))) == {"Per tutti"}

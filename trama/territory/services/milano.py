"""Loading Milan: the city, its 9 Municipi and 88 NIL with boundaries and 2024 population (idempotent)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.territory.geo import geojson_of, geometry_problems
from trama.territory.milano import (
    CITY_CODE,
    CITY_NAME,
    POPULATION_YEAR,
    SUMMABLE_DETAILS,
    SourceArea,
    read_municipi,
    read_nil,
    read_population,
)
from trama.territory.models import Area, AreaKind
from trama.territory.services.areas import area_set_geometry

if TYPE_CHECKING:
    from trama.accounts.models import User

SOURCE_MUNICIPI = "Comune di Milano, ds379 Municipi (CC BY 4.0)"
SOURCE_NIL = "Comune di Milano, ds964 NIL PGT 2030; popolazione ds205 2024 (CC BY 4.0)"


@dataclass
class MilanoLoadReport:
    municipi: int
    nil: int
    residents: int
    minors: int
    created: int
    updated: int


def _check(areas: list[SourceArea]) -> None:
    problems = [f"{a.code}: {p}" for a in areas for p in geometry_problems(a.geometry)]
    if problems:
        raise ApplicationError(_("I confini di Milano nei file dei dati non sono validi: %(problems)s")
                               % {"problems": "; ".join(problems)})


def _parent_by_overlap(nil: SourceArea, municipi: list[SourceArea], tree: shapely.STRtree) -> SourceArea:
    """The Municipio sharing the most surface with the NIL (NIL boundaries do not always nest in Municipi)."""
    shape = nil.shape
    best, best_overlap = None, -1.0
    for i in sorted(tree.query(shape).tolist()):
        overlap = shape.intersection(municipi[i].shape).area
        if overlap > best_overlap:
            best, best_overlap = municipi[i], overlap
    if best is None:
        raise ApplicationError(_("Il NIL %(name)s non tocca nessun Municipio.") % {"name": nil.name})
    return best


class _Upserter:
    def __init__(self) -> None:
        self.existing = {a.code: a for a in Area.objects.filter(code__startswith=CITY_CODE)}
        self.created = 0
        self.updated = 0

    def save(self, *, code: str, kind: str, name: str, parent: Area | None, geometry: dict[str, Any],
             source: str, figures: dict[str, Any]) -> Area:
        area = self.existing.get(code)
        if area is None:
            area = Area(code=code)
            self.created += 1
        else:
            self.updated += 1
        area.kind = kind
        area.name = name
        area.parent = parent
        area.source = source
        area_set_geometry(area, geometry)
        for attr, value in figures.items():
            setattr(area, attr, value)
        area.save()
        self.existing[code] = area
        return area


def _figures(residents: int, minors: int, foreign: int, households: int, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "residents": residents, "minors": minors, "foreign_residents": foreign, "households": households,
        "population_year": POPULATION_YEAR, "demographics": details,
    }


@transaction.atomic
def milano_load(*, actor: User | None = None) -> MilanoLoadReport:
    """Create or update Milan's area tree from the project's data files; running it again changes nothing."""
    municipi = read_municipi()
    nils = read_nil()
    population = read_population()
    _check(municipi)
    _check(nils)
    missing = [n.code for n in nils if n.number not in population]
    if missing:
        raise ApplicationError(_("Mancano i dati di popolazione per: %(codes)s") % {"codes": ", ".join(missing)})

    tree = shapely.STRtree([m.shape for m in municipi])
    parent_of = {n.code: _parent_by_overlap(n, municipi, tree) for n in nils}

    # Totals: each NIL counts in the Municipio it mostly lies in.
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n in nils:
        pop = population[n.number]
        for key in (CITY_CODE, parent_of[n.code].code):
            bucket = totals[key]
            bucket["residents"] += pop.residents
            bucket["minors"] += pop.minors
            bucket["foreign"] += pop.foreign_residents
            bucket["households"] += pop.households
            for detail in SUMMABLE_DETAILS:
                bucket[detail] += int(pop.details.get(detail, 0))

    def total_figures(code: str) -> dict[str, Any]:
        t = totals[code]
        return _figures(t["residents"], t["minors"], t["foreign"], t["households"],
                        {d: t[d] for d in SUMMABLE_DETAILS})

    upsert = _Upserter()
    city_shape = shapely.union_all([m.shape for m in municipi])
    city = upsert.save(code=CITY_CODE, kind=AreaKind.CITY, name=CITY_NAME, parent=None,
                       geometry=geojson_of(city_shape), source=SOURCE_MUNICIPI, figures=total_figures(CITY_CODE))
    municipio_areas = {}
    for m in municipi:
        municipio_areas[m.code] = upsert.save(
            code=m.code, kind=AreaKind.MUNICIPIO, name=m.name, parent=city, geometry=m.geometry,
            source=SOURCE_MUNICIPI, figures=total_figures(m.code),
        )
    for n in nils:
        pop = population[n.number]
        upsert.save(
            code=n.code, kind=AreaKind.NIL, name=n.name, parent=municipio_areas[parent_of[n.code].code],
            geometry=n.geometry, source=SOURCE_NIL,
            figures=_figures(pop.residents, pop.minors, pop.foreign_residents, pop.households, pop.details),
        )
    report = MilanoLoadReport(
        municipi=len(municipi), nil=len(nils), residents=totals[CITY_CODE]["residents"],
        minors=totals[CITY_CODE]["minors"], created=upsert.created, updated=upsert.updated,
    )
    audit.record(action="territory.milano_loaded", actor=actor, obj=city,
                 details={"municipi": report.municipi, "nil": report.nil, "created": report.created,
                          "updated": report.updated})
    return report

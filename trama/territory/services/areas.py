"""Areas from any GeoJSON (an Ambito's Comuni, neighbourhoods …): validate everything, then load all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.territory.geo import derive, geometry_problems, to_shape
from trama.territory.models import Area, AreaKind

if TYPE_CHECKING:
    from trama.accounts.models import User

# Names a GeoJSON `crs` member may use for WGS84 longitude/latitude (RFC 7946 removed `crs`; old files keep it).
WGS84_NAMES = frozenset({
    "EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "CRS84", "OGC:CRS84",
})
MAX_CODE = Area._meta.get_field("code").max_length or 40
MAX_NAME = Area._meta.get_field("name").max_length or 200


class AreaLoadError(ApplicationError):
    """The file cannot be loaded; `problems` lists every problem found (nothing was written)."""

    def __init__(self, message: str, *, problems: list[str]) -> None:
        super().__init__(message, code="invalid_areas")
        self.problems = problems


@dataclass
class AreaLoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def area_set_geometry(area: Area, geometry: dict[str, Any] | None) -> None:
    """Set an area's boundary and everything derived from it (centroid, bbox, km², map geometry); not saved."""
    if geometry is None:
        area.geometry = None
        area.geometry_simplified = None
        area.centroid_lat = area.centroid_lon = None
        area.bbox_min_lon = area.bbox_min_lat = area.bbox_max_lon = area.bbox_max_lat = None
        area.area_km2 = None
        return
    derived = derive(to_shape(geometry))
    area.geometry = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    area.geometry_simplified = derived.simplified
    area.centroid_lat, area.centroid_lon = derived.centroid_lat, derived.centroid_lon
    area.bbox_min_lon, area.bbox_min_lat, area.bbox_max_lon, area.bbox_max_lat = derived.bbox
    area.area_km2 = derived.area_km2


@dataclass
class _Row:
    index: int
    code: str
    name: str
    geometry: dict[str, Any]


def _crs_problem(collection: dict[str, Any]) -> str | None:
    crs = collection.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name in WGS84_NAMES:
        return None
    return _("il file dichiara il sistema di riferimento %(crs)s: servono coordinate WGS84 (EPSG:4326) in "
             "longitudine/latitudine") % {"crs": name or repr(crs)}


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def _validate(
    collection: Any, *, kind: str, name_field: str, code_field: str | None, parent: Area | None,
    parent_code: str | None, code_prefix: str,
) -> tuple[list[_Row], list[str]]:
    problems: list[str] = []
    if kind not in AreaKind.values:
        problems.append(_("tipo di area sconosciuto: %(kind)s (ammessi: %(kinds)s)")
                        % {"kind": kind, "kinds": ", ".join(AreaKind.values)})
    if parent_code and parent is None:
        problems.append(_("l'area superiore %(code)s non esiste") % {"code": parent_code})
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return [], [*problems, _("il file non è una FeatureCollection GeoJSON")]
    crs_problem = _crs_problem(collection)
    if crs_problem:
        problems.append(crs_problem)
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        return [], [*problems, _("il file non contiene elementi («features» vuoto o mancante)")]

    rows: list[_Row] = []
    first_index_of: dict[str, int] = {}
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("elemento %(i)d: non è una Feature GeoJSON") % {"i": i})
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        name = _text(properties.get(name_field))
        label = _("elemento %(i)d («%(name)s»)") % {"i": i, "name": name} if name else \
            _("elemento %(i)d") % {"i": i}
        feature_problems: list[str] = []
        if not name:
            feature_problems.append(_("il nome (proprietà «%(field)s») è vuoto o mancante") % {"field": name_field})
        elif len(name) > MAX_NAME:
            feature_problems.append(_("il nome supera %(n)d caratteri") % {"n": MAX_NAME})
        if code_field:
            raw_code = _text(properties.get(code_field))
            if not raw_code:
                feature_problems.append(_("il codice (proprietà «%(field)s») è vuoto o mancante")
                                        % {"field": code_field})
        else:
            raw_code = slugify(name).upper()
        code = f"{code_prefix}{raw_code}" if raw_code else ""
        if code and len(code) > MAX_CODE:
            feature_problems.append(_("il codice %(code)s supera %(n)d caratteri") % {"code": code, "n": MAX_CODE})
        if code and code in first_index_of:
            feature_problems.append(_("il codice %(code)s è già usato dall'elemento %(other)d")
                                    % {"code": code, "other": first_index_of[code]})
        elif code:
            first_index_of[code] = i
        feature_problems.extend(geometry_problems(feature.get("geometry")))
        problems.extend(f"{label}: {p}" for p in feature_problems)
        if not feature_problems:
            rows.append(_Row(i, code, name, feature["geometry"]))

    existing = dict(Area.objects.filter(code__in=[r.code for r in rows]).values_list("code", "kind"))
    for row in rows:
        if row.code in existing and existing[row.code] != kind:
            problems.append(_("elemento %(i)d («%(name)s»): il codice %(code)s appartiene già a un'area di tipo "
                              "%(kind)s") % {"i": row.index, "name": row.name, "code": row.code,
                                             "kind": existing[row.code]})
        if parent is not None and row.code == parent.code:
            problems.append(_("elemento %(i)d («%(name)s»): un'area non può essere superiore a se stessa")
                            % {"i": row.index, "name": row.name})
    return rows, problems


def areas_load_geojson(
    *,
    collection: Any,
    kind: str,
    name_field: str,
    code_field: str | None = None,
    parent_code: str | None = None,
    code_prefix: str | None = None,
    source: str = "",
    actor: User | None = None,
) -> AreaLoadReport:
    """Create or update one area per feature; any problem in any feature loads nothing (AreaLoadError).

    Codes are `code_prefix` + the `code_field` value (or the slug of the name); the prefix defaults to
    "<parent code>-" so codes stay unique across territories."""
    parent = Area.objects.filter(code=parent_code).first() if parent_code else None
    prefix = code_prefix if code_prefix is not None else (f"{parent_code}-" if parent_code else "")
    rows, problems = _validate(collection, kind=kind, name_field=name_field, code_field=code_field, parent=parent,
                               parent_code=parent_code, code_prefix=prefix)
    if problems:
        raise AreaLoadError(
            _("Nessuna area caricata: %(n)d problemi nel file (elementi numerati da 0, nell'ordine di «features»).")
            % {"n": len(problems)},
            problems=problems,
        )
    report = AreaLoadReport()
    with transaction.atomic():
        existing = {a.code: a for a in Area.objects.filter(code__in=[r.code for r in rows])}
        for row in rows:
            area = existing.get(row.code) or Area(code=row.code, kind=kind)
            is_new = area.pk is None
            area.name = row.name
            area.parent = parent
            area.source = source[:200]
            area_set_geometry(area, row.geometry)
            area.save()
            (report.created if is_new else report.updated).append(row.code)
        audit.record(
            action="territory.areas_loaded", actor=actor, object_type="territory.area",
            object_id=parent.pk if parent else "",
            details={"kind": kind, "source": source, "created": len(report.created), "updated": len(report.updated)},
        )
    return report

"""Writes to the territory: every loader and geometry change goes through these functions."""

from __future__ import annotations

from trama.territory.services.areas import AreaLoadError, AreaLoadReport, area_set_geometry, areas_load_geojson
from trama.territory.services.milano import MilanoLoadReport, milano_load
from trama.territory.services.places import PlacesLoadReport, places_load

__all__ = [
    "AreaLoadError",
    "AreaLoadReport",
    "MilanoLoadReport",
    "PlacesLoadReport",
    "area_set_geometry",
    "areas_load_geojson",
    "milano_load",
    "places_load",
]

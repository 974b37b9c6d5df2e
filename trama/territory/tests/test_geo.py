from __future__ import annotations

import math

import pytest
import shapely

from trama.territory.geo import area_km2, derive, geometry_problems, to_shape


def square(lon: float, lat: float, size: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def test_it_computes_the_surface_on_the_ellipsoid() -> None:
    # A 0.01° cell at Milan's latitude: 0.01° of latitude ≈ 1111.5 m, of longitude ≈ 781.4 m (WGS84).
    km2 = area_km2(to_shape(square(9.18, 45.46, 0.01)))
    assert km2 == pytest.approx(1.1115 * 0.7814, rel=2e-3)


def test_it_derives_centroid_bbox_and_a_light_map_geometry() -> None:
    derived = derive(to_shape(square(9.1, 45.4, 0.1)))
    assert (derived.centroid_lat, derived.centroid_lon) == pytest.approx((45.45, 9.15))
    assert derived.bbox == pytest.approx((9.1, 45.4, 9.2, 45.5))
    assert derived.simplified["type"] == "Polygon"
    assert shapely.geometry.shape(derived.simplified).is_valid


def test_it_accepts_valid_polygons_and_multipolygons() -> None:
    assert geometry_problems(square(9.1, 45.4, 0.1)) == []
    multi = {"type": "MultiPolygon", "coordinates": [square(9.1, 45.4, 0.1)["coordinates"],
                                                      square(9.3, 45.4, 0.1)["coordinates"]]}
    assert geometry_problems(multi) == []


@pytest.mark.parametrize(
    ("geometry", "fragment"),
    [
        ({"type": "Point", "coordinates": [9.1, 45.4]}, "Polygon e MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.4], [9.2, 45.5], [9.1, 45.5]]]}, "non è chiuso"),
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.4], [9.1, 45.4]]]}, "almeno 4"),
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], [math.nan, 45.4], [9.2, 45.5], [9.1, 45.4]]]},
         "non finita"),
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], [200.0, 45.4], [9.2, 45.5], [9.1, 45.4]]]},
         "fuori dagli intervalli"),
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], ["9.2", 45.4], [9.2, 45.5], [9.1, 45.4]]]},
         "coppia"),
        # A bow tie: closed, finite, in range, but self-intersecting.
        ({"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.5], [9.2, 45.4], [9.1, 45.5], [9.1, 45.4]]]},
         "non è valida"),
        (None, "mancante"),
    ],
)
def test_it_explains_what_is_wrong_with_a_geometry(geometry: object, fragment: str) -> None:
    problems = geometry_problems(geometry)
    assert problems and fragment in problems[0]

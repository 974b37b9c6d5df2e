"""Point-in-polygon over many polygons: an STRtree of bounding boxes, then exact tests on prepared polygons.

Framework-free, so the gazetteer builder can use it on the data files and the locator on the database."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


class PolygonIndex:
    """Finds, for each point, the first polygon (in the given order) that covers it, boundary included.

    Order matters only on shared boundaries, where a point touches two polygons: callers pass polygons in a
    stable order (e.g. by code) so the answer is deterministic."""

    def __init__(self, geometries: Sequence[BaseGeometry]) -> None:
        self.geometries = list(geometries)
        for geom in self.geometries:
            shapely.prepare(geom)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.geometries)

    def lookup(self, lon: float, lat: float) -> int:
        """Index of the polygon covering the point, or -1."""
        candidates = self.tree.query(shapely.Point(lon, lat))
        for i in sorted(candidates.tolist()):
            if shapely.intersects_xy(self.geometries[i], lon, lat):
                return i
        return -1

    def lookup_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Vectorised `lookup`: an int array of polygon indexes (-1 where no polygon covers the point)."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        result = np.full(lons.shape[0], -1, dtype=np.int64)
        if not len(self.geometries) or not lons.shape[0]:
            return result
        # Bounding-box candidates for all points at once: (point index, polygon index) pairs.
        point_idx, poly_idx = self.tree.query(shapely.points(lons, lats))
        if not point_idx.size:
            return result
        hit = np.zeros(point_idx.shape[0], dtype=bool)
        order = np.argsort(poly_idx, kind="stable")
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        bounds = np.flatnonzero(np.diff(poly_idx)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [poly_idx.shape[0]]))
        for start, end in zip(starts, ends, strict=True):
            pts = point_idx[start:end]
            hit[start:end] = shapely.intersects_xy(self.geometries[int(poly_idx[start])], lons[pts], lats[pts])
        # Keep the first covering polygon per point: pairs are sorted by polygon, so assigning in reverse
        # order leaves the lowest polygon index in place.
        winners_pt = point_idx[hit][::-1]
        winners_poly = poly_idx[hit][::-1]
        result[winners_pt] = winners_poly
        return result

    def nearest(self, lon: float, lat: float, max_distance: float) -> int:
        """Index of the nearest polygon within `max_distance` (degrees), or -1."""
        i = self.tree.query_nearest(shapely.Point(lon, lat), max_distance=max_distance)
        return int(min(i.tolist())) if len(i) else -1

"""Point-in-polygon throughput: 100,000 random points in Milan's bounding box (goal ≥ 50,000 points/s)."""

from __future__ import annotations

import time

import numpy as np
from _common import Measure, seconds

from trama.territory.locator import locate, locate_ids
from trama.territory.models import Area

N = 100_000
SINGLE = 1_000


def run() -> list[Measure]:
    city = Area.objects.get(code="MI")
    assert city.bbox_min_lat is not None and city.bbox_max_lat is not None
    assert city.bbox_min_lon is not None and city.bbox_max_lon is not None
    rng = np.random.default_rng(2024)
    lats = rng.uniform(city.bbox_min_lat, city.bbox_max_lat, N)
    lons = rng.uniform(city.bbox_min_lon, city.bbox_max_lon, N)
    cold, _ = seconds(lambda: locate_ids(lats[:1], lons[:1]))  # builds the per-process index
    start = time.perf_counter()
    municipi, nils = locate_ids(lats, lons)
    elapsed = time.perf_counter() - start
    inside = int((municipi >= 0).sum())
    single, _ = seconds(lambda: [locate(float(lats[i]), float(lons[i])) for i in range(SINGLE)])
    return [
        Measure("index build (first call)", cold * 1000, "ms"),
        Measure(f"locate_ids, {N:,} points in bulk", N / elapsed, "points/s", goal=50_000,
                note=f"{inside:,} inside a Municipio, {int((nils >= 0).sum()):,} inside a NIL, "
                     f"{elapsed:.2f} s"),
        Measure(f"locate(), {SINGLE:,} single calls", SINGLE / single, "calls/s",
                note="one small query per call: the index fingerprint (areas come from the index)"),
    ]

"""What a benchmark reports: one figure against its goal."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Measure:
    name: str
    value: float
    unit: str
    goal: float | None = None  # None: informational figure
    note: str = ""

    @property
    def met(self) -> bool:
        return self.goal is None or self.value >= self.goal


def seconds(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result

from __future__ import annotations

urlpatterns: list = []  # type: ignore[type-arg]

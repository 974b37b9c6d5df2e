"""Run axe-core (trama/static/vendor/axe-core/axe.min.js, installed with npm) on the page a Playwright test is on.

    from axe import assert_accessible
    assert_accessible(page, "portal search (ar)")

fails with the id, impact, help text and CSS targets of every violation at or above the given impacts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent.parent / "trama" / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """axe.run() on the whole document; returns the violations (axe's own dictionaries)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag added to the page would be an inline script,
        # which the pages' Content-Security-Policy refuses.
        page.evaluate(_axe_source())
    result = page.evaluate("(options) => axe.run(document, options || {})", options or {})
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(str(t) for t in node.get("target", [])) for node in violation.get("nodes", [])]
        shown = "; ".join(targets[:8]) + (f"; … ({len(targets)} in all)" if len(targets) > 8 else "")
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation.get('help')} → {shown}")
    return "\n".join(lines)


def assert_accessible(page: Any, label: str, *, impacts: tuple[str, ...] = BLOCKING,
                      options: dict[str, Any] | None = None) -> None:
    """Fail when axe finds a violation of one of `impacts` on the current page."""
    blocking = [v for v in run_axe(page, options) if v.get("impact") in impacts]
    assert not blocking, f"axe-core: {len(blocking)} serious/critical violation(s) on {label} ({page.url}):\n" + (
        describe(blocking))

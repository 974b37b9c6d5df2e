"""Run axe-core (trama/static/vendor/axe-core/axe.min.js, installed with npm) on the page a Playwright test is on.

    from axe import assert_accessible
    assert_accessible(page, "portal search (ar)")

fails with the id, impact, help text and CSS targets of every violation at or above the given impacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent.parent / "trama" / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def run_axe(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """axe.run() on the whole document; returns the violations (axe's own dictionaries)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
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

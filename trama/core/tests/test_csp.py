"""The Content-Security-Policy: HTML responses carry it, and no template needs an exception to it (no inline
script, no on* attribute, no javascript: URL, no htmx attribute that needs eval). The browser tests
(e2e/conftest.py) fail on any violation the pages report."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from trama.settings import _tiles_origin

ROOT = Path(settings.BASE_DIR) / "trama"
TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
JSON_TYPES = ("application/json", "application/ld+json")
# htmx evaluates trigger filters (`click[ctrlKey]`), hx-on and js: values: the policy refuses eval. A bracket
# outside parentheses is read as a filter (selectors with spaces or brackets go in parentheses: `from:(#f [name])`).
PARENTHESES = re.compile(r"\([^)]*\)")


def _directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/aiuto/", "/account/login/"])
def test_html_responses_carry_the_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert _tiles_origin(settings.TRAMA_TILES_URL) in policy["img-src"]


@pytest.mark.django_db
def test_other_responses_do_not(client: Client) -> None:
    # JSON runs no script; a PDF shown in the browser's viewer would be refused by object-src 'none'.
    response = client.get("/api/hsds/")
    assert response.status_code == 200 and "Content-Security-Policy" not in response


def test_the_tiles_origin() -> None:
    assert _tiles_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert _tiles_origin("https://{s}.tiles.example.org:8443/a/{z}/{x}/{y}.png") == "https://*.tiles.example.org:8443"
    assert _tiles_origin("http://tiles.example.org?z={z}&x={x}&y={y}") == "http://tiles.example.org"
    assert _tiles_origin("") == ""
    for bad in ("https://tile-{s}.example.org/{z}.png", "https://user@tiles.example.org/{z}.png",
                "https://tiles.example.org;script-src */{z}.png", "https://tiles example.org/{z}.png"):
        with pytest.raises(ImproperlyConfigured):
            _tiles_origin(bad)


class _Findings(HTMLParser):
    """What in one template the policy would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values and (values.get("type") or "") not in JSON_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            where = f"<{tag} {name}> at line {self.getpos()[0]}"
            if name.startswith("on"):
                self.found.append(f"event handler attribute {where}")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {where}")
            elif name.startswith(("hx-on", "data-hx-on")) or name in ("hx-vars", "data-hx-vars"):
                self.found.append(f"htmx attribute that needs eval: {where}")
            elif name in ("hx-vals", "data-hx-vals") and (value or "").strip().startswith("js:"):
                self.found.append(f"htmx js: value in {where}")
            elif name in ("hx-trigger", "data-hx-trigger") and "[" in PARENTHESES.sub("", value or ""):
                self.found.append(f"htmx trigger filter (eval) in {where}")


def findings(text: str) -> list[str]:
    parser = _Findings()
    # Template tags become a placeholder, so `{% if a > b %}` inside a tag does not end it early.
    parser.feed(TEMPLATE_TAGS.sub("x", text))
    parser.close()
    return parser.found


def test_no_template_needs_an_exception_to_the_policy() -> None:
    templates = sorted(ROOT.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    found = [f"{path.relative_to(ROOT)}: {problem}" for path in templates
             for problem in findings(path.read_text(encoding="utf-8"))]
    assert not found, "use data attributes handled by core/trama.js instead:\n" + "\n".join(found)


def test_our_scripts_do_not_evaluate_strings() -> None:
    scripts = [path for path in ROOT.glob("**/static/**/*.js") if "vendor" not in path.parts]
    assert scripts
    found = [str(path.relative_to(ROOT)) for path in scripts
             if re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*[\"']", path.read_text(encoding="utf-8"))]
    assert not found, found


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>", '<SCRIPT type="module">x</SCRIPT>', '<script data-src="x">alert(1)</script>',
    '<form method="post" onsubmit="return confirm(1)">', '<a title="{% if a > b %}x{% endif %}" onclick="x()">',
    '<a href="x"onclick="y()">', '<a href="javascript:void(0)">', '<div hx-on:click="x()">',
    '<div hx-trigger="change[target.name!==\'basis\'] from:body">', '<div hx-vals=\'js:{a: 1}\'>',
    '<div hx-trigger="change from:#f [name=\'people\']">',
    '<button\n  type="button"\n  onclick="x()">',
])
def test_the_scan_finds(markup: str) -> None:
    assert findings(markup), markup


@pytest.mark.parametrize("markup", [
    '<script src="/static/a.js"></script>', "<script id='d' type='application/json'>{}</script>",
    '<form data-confirm="Confermi?">', '<div hx-trigger="change from:(#f [name=\'people\']), submit">',
    '<div hx-vals=\'{"a": 1}\'>',
])
def test_the_scan_allows(markup: str) -> None:
    assert not findings(markup), markup

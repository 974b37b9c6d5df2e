"""Small request helpers shared by every module's views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` parameter (POST, then GET) if it points at this site, else `default`: never an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def parse_id(value: object) -> int | None:
    """A database id from request input, or None: ASCII digits only (`str.isdigit` also accepts "²" and other
    scripts' digits, which `int` then refuses or reads), positive and within a 64-bit integer."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number > 0 else None


def search_text(request: HttpRequest, name: str = "q", *, limit: int = 100) -> str:
    """A free-text search parameter (GET), trimmed to `limit` characters, without the NUL characters PostgreSQL
    refuses in a text value (a query string with "%00" would be a 500 there, and nobody types one)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]

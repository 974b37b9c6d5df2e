"""Views of the public HSDS 3.1 API. Thin: parameters (params.py) → public queryset (queries.py) → dicts
(serializers.py) → JSON. Anyone may call them (no login, no session needed); they only ever read public records.

Errors are JSON: 400 ``{"status": 400, "error": "bad_request", "parameter": …, "detail": …}`` for a bad query
parameter, 404 for an unknown id or path, 405 for anything but GET/HEAD. ``detail`` is in the request's language
(Italian unless Accept-Language asks for one of the others); ``error`` and ``parameter`` are codes, never translated.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from trama.directory import hsds
from trama.directory.api import params, queries, serializers
from trama.directory.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from trama.network.models import Organisation

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]

PROFILE_DOCUMENT = Path(settings.BASE_DIR) / "docs" / "hsds-profile.md"
PATCHED_SCHEMAS = ("service", "location", "taxonomy_term")
API_DESCRIPTION = (
    "Public, read-only HSDS 3.1 API of the Trama resource directory (Milan), Trama IT profile. Only active, public "
    "services are published, with the organisations that run them; confidential addresses are never published "
    "and never used for distance filters. Ids are UUIDs. Lists are HSDS pages: page (from 1), per_page (default "
    f"{params.DEFAULT_PER_PAGE}, at most {params.MAX_PER_PAGE}; {params.MAX_PER_PAGE_MINIMAL} with minimal=true). "
    "proximity is 'lat,lon' (ordered by distance), 'lat,lon,metres' (within that radius) or 'metres' with "
    "postcode (around the centroid of the published places with that postcode); with proximity, records without "
    "a published position (online-only, confidential) are left out. postcode alone matches the published places "
    "with that postcode. modified_after is an ISO 8601 "
    "date-time or date (Europe/Rome when no offset is given). taxonomy_term_id includes the term's sub-terms."
)


# --- responses --------------------------------------------------------------------------------------------------


R = TypeVar("R", bound=HttpResponseBase)


def _cors(response: R) -> R:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data: Any, status: int = 200) -> HttpResponse:
    return _cors(JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}))


def _error(status: int, error: str, detail: str, parameter: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"status": status, "error": error, "detail": detail}
    if parameter is not None:
        body["parameter"] = parameter
    return _json(body, status=status)


def _not_found(what: str = "record") -> HttpResponse:
    """`what`: the HSDS name of the record's type (service, organization…), not translated."""
    return _error(404, "not_found", _("Nessun record pubblico di tipo %(type)s con questo id.") % {"type": what})


def api_view(view: View) -> View:
    """GET/HEAD only, JSON 400 for bad parameters, CORS open (public data)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "method_not_allowed", _("Questa API è in sola lettura: usa GET."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except params.ParamError as error:
            return _error(400, "bad_request", _("Parametro %(parameter)s non valido: %(message)s.")
                          % {"parameter": error.parameter, "message": error.message}, parameter=error.parameter)

    return wrapper


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _page(
    queryset: QuerySet[M] | None, paging: params.Paging, serialize: Callable[[list[M]], Sequence[dict[str, Any]]]
) -> dict[str, Any]:
    """The HSDS Page envelope. ``queryset`` None means an empty result known without asking the database."""
    total = queryset.count() if queryset is not None else 0
    rows: list[M] = []
    if queryset is not None and paging.offset < total:
        rows = list(queryset[paging.offset : paging.offset + paging.per_page])
    contents = list(serialize(rows)) if rows else []
    total_pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _filters(request: HttpRequest, *, located: bool) -> queries.Filters:
    query = request.GET
    postcode = params.postcode(query) if located else None
    return queries.Filters(
        search=params.text(query, "search"),
        taxonomy_term_id=params.identifier(query, "taxonomy_term_id"),
        taxonomy_id=params.identifier(query, "taxonomy_id"),
        organization_id=params.identifier(query, "organization_id") if located else None,
        modified_after=params.modified_after(query) if located else None,
        postcode=postcode,
        proximity=params.proximity(query, postcode=postcode) if located else None,
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("hsds:root"))


# --- root, documents --------------------------------------------------------------------------------------------


@api_view
def root(request: HttpRequest) -> HttpResponse:
    return _json(hsds.api_root(_base_url(request), description=API_DESCRIPTION))


@api_view
def openapi(request: HttpRequest) -> HttpResponseBase:
    """Our corrected HSDS 3.1 OpenAPI document, as shipped (its relative $refs resolve to schema/<name>.json)."""
    return _cors(FileResponse(hsds.openapi_file().open("rb"), content_type="application/json"))


@api_view
def schema(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in hsds.SCHEMA_NAMES:
        return _error(404, "not_found", _("Nessuno schema «%(name)s»; quelli disponibili: %(known)s.")
                      % {"name": name[:80], "known": ", ".join(hsds.SCHEMA_NAMES)})
    return _cors(FileResponse(hsds.schema_file(name).open("rb"), content_type="application/json"))


@api_view
def profile(request: HttpRequest) -> HttpResponse:
    """The profile's machine-readable description, built from the package (always available); with
    ``?format=markdown`` the human-readable document, when the deployment ships docs/hsds-profile.md."""
    if request.GET.get("format") in ("markdown", "md"):
        if not PROFILE_DOCUMENT.is_file():
            return _error(404, "not_found", _("Il documento del profilo non è incluso in questa installazione."))
        return _cors(HttpResponse(PROFILE_DOCUMENT.read_text(encoding="utf-8"),
                                  content_type="text/markdown; charset=utf-8"))
    base = _base_url(request)
    patches = {name: hsds.profile_patch(name) for name in PATCHED_SCHEMAS}
    return _json({
        "name": hsds.PROFILE_NAME,
        "version": hsds.PROFILE_VERSION,
        "hsds_version": hsds.HSDS_VERSION,
        "uri": base + "profile/",
        "description": (
            "An HSDS 3.1 profile for Italian local welfare directories: eligibility flags (residency, documents, "
            "ISEE, appointment, free), target groups, per-field translations in the portal languages "
            "(it, en, fr, es, ar, uk, zh), municipio/NIL codes and the confidential-address rule. It only adds "
            "optional properties and rules, so every response is also plain HSDS 3.1."
        ),
        "openapi_url": base + "openapi.json",
        "schemas": {name: f"{base}schema/{name}.json" for name in hsds.SCHEMA_NAMES},
        "patches": {name: f"{base}profile/{name}.json" for name in PATCHED_SCHEMAS},
        "extensions": {name: sorted(patch["properties"]) for name, patch in patches.items()},
        "api": API_DESCRIPTION,
        "documentation": base + "profile/?format=markdown",
        "license": {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
        "attribution": "Human Services Data Specification: an Open Referral resource (https://openreferral.org/).",
    })


@api_view
def profile_patch(request: HttpRequest, name: str) -> HttpResponse:
    if name not in PATCHED_SCHEMAS:
        return _error(404, "not_found", _("Il profilo modifica solo questi schemi: %(names)s.")
                      % {"names": ", ".join(PATCHED_SCHEMAS)})
    return _json(hsds.profile_patch(name))


# --- services ---------------------------------------------------------------------------------------------------


@api_view
def services(request: HttpRequest) -> HttpResponse:
    params.output_format(request.GET)
    minimal = params.boolean(request.GET, "minimal")
    full = params.boolean(request.GET, "full")
    paging = params.paging(request.GET, minimal=minimal)
    rows = queries.filter_services(queries.public_services(), _filters(request, located=True))
    serialize: Callable[[list[Service]], list[dict[str, Any]]]
    if rows is not None and minimal:
        rows = rows.only("hsds_id", "updated_at")
        serialize = lambda page: [serializers.minimal_service_dict(s) for s in page]  # noqa: E731
    elif rows is not None and full:
        rows = serializers.service_full_queryset(rows)
        serialize = lambda page: [serializers.service_full_dict(s) for s in page]  # noqa: E731
    else:
        rows = serializers.service_list_queryset(rows) if rows is not None else None
        serialize = lambda page: [serializers.service_list_dict(s) for s in page]  # noqa: E731
    return _json(_page(rows, paging, serialize))


@api_view
def service(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the HSDS path parameter
    key = _uuid(id)
    found = None
    if key is not None:
        found = serializers.service_full_queryset(queries.public_services().filter(hsds_id=key)).first()
    if found is None:
        return _not_found("service")
    return _json(serializers.service_full_dict(found))


# --- organisations ----------------------------------------------------------------------------------------------


@api_view
def organizations(request: HttpRequest) -> HttpResponse:
    params.output_format(request.GET)
    full = params.boolean(request.GET, "full")
    full_service = params.boolean(request.GET, "full_service")
    paging = params.paging(request.GET)
    rows = queries.filter_organisations(queries.public_organisations(), _filters(request, located=False))
    if full or full_service:
        def serialize(page: list[Organisation]) -> list[dict[str, Any]]:
            return serializers.organisation_full_dicts(page, queries.public_services(), full_service=full_service)
    else:
        def serialize(page: list[Organisation]) -> list[dict[str, Any]]:
            return serializers.organisations_basic(page)
    return _json(_page(rows, paging, serialize))


@api_view
def organization(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the HSDS path parameter
    full_service = params.boolean(request.GET, "full_service")
    key = _uuid(id)
    found = queries.get_organisation(key) if key is not None else None
    if found is None:
        return _not_found("organization")
    [data] = serializers.organisation_full_dicts([found], queries.public_services(), full_service=full_service)
    return _json(data)


# --- service at locations ---------------------------------------------------------------------------------------


@api_view
def service_at_locations(request: HttpRequest) -> HttpResponse:
    params.output_format(request.GET)
    full = params.boolean(request.GET, "full")
    paging = params.paging(request.GET)
    rows = queries.filter_links(queries.public_links(), _filters(request, located=True))
    serialize: Callable[[list[ServiceAtLocation]], list[dict[str, Any]]]
    if rows is not None and full:
        rows = serializers.link_full_queryset(rows)
        serialize = lambda page: [serializers.link_full_dict(link) for link in page]  # noqa: E731
    else:
        rows = serializers.link_list_queryset(rows) if rows is not None else None
        serialize = lambda page: [serializers.link_list_dict(link) for link in page]  # noqa: E731
    return _json(_page(rows, paging, serialize))


@api_view
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the HSDS path parameter
    key = _uuid(id)
    found = None
    if key is not None:
        found = serializers.link_full_queryset(queries.public_links().filter(hsds_id=key)).first()
    if found is None:
        return _not_found("service_at_location")
    return _json(serializers.link_full_dict(found))


# --- taxonomies -------------------------------------------------------------------------------------------------


@api_view
def taxonomies(request: HttpRequest) -> HttpResponse:
    params.output_format(request.GET)
    paging = params.paging(request.GET)
    rows = queries.filter_taxonomies(params.text(request.GET, "search"))
    return _json(_page(rows, paging, lambda page: [serializers.taxonomy_dict(t) for t in page]))


@api_view
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the HSDS path parameter
    key = _uuid(id)
    found = Taxonomy.objects.filter(hsds_id=key).first() if key is not None else None
    if found is None:
        return _not_found("taxonomy")
    return _json(serializers.taxonomy_dict(found))


@api_view
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    params.output_format(request.GET)
    paging = params.paging(request.GET)
    rows = queries.filter_terms(
        search=params.text(request.GET, "search"),
        taxonomy_id=params.identifier(request.GET, "taxonomy_id"),
        parent_id=params.identifier(request.GET, "parent_id"),
        top_only=params.boolean(request.GET, "top_only"),
    )
    return _json(_page(rows, paging, lambda page: [serializers.taxonomy_term_dict(t) for t in page]))


@api_view
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the HSDS path parameter
    key = _uuid(id)
    found: TaxonomyTerm | None = None
    if key is not None:
        found = serializers.term_queryset().filter(hsds_id=key).first()
    if found is None:
        return _not_found("taxonomy_term")
    return _json(serializers.taxonomy_term_dict(found))


@api_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _error(404, "not_found", _("Questo percorso non esiste: i percorsi dell'API sono in openapi.json."))

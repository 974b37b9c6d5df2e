"""HSDS 3.1 standards groundwork: our OpenAPI document, the HSDS schemas and a validator.

Read-only data shipped with the package (never read from outside it):

- ``schema/*.json``: Open Referral HSDS 3.1 schemas, unmodified (the compiled views of service, organization,
  service_at_location and their ``_list`` variants; taxonomy, taxonomy_term and metadata). See ``ATTRIBUTION.md``.
- ``openapi.json``: our corrected HSDS 3.1 OpenAPI document with the Trama IT profile extensions
  (``components/schemas/TramaIT*``), published at ``/api/hsds/openapi.json``. Its ``$ref``s are relative
  (``schema/service.json``), so they resolve against the published URL (``/api/hsds/schema/service.json``) and against
  this folder alike.
- ``examples/*.json``: the HSDS example API responses, used by the tests.

Validation uses JSON Schema draft 2020-12 (``jsonschema`` >= 4.18 with ``referencing``). Formats ``uuid``, ``email``,
``date-time``, ``date`` and ``uri`` are asserted with built-in, dependency-free checks, so results don't depend on
which optional format packages happen to be installed.

The dicts returned by :func:`openapi_document` and :func:`schema` are cached and shared: don't mutate them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "HSDS_VERSION",
    "PROFILE_NAME",
    "PROFILE_VERSION",
    "PROFILE_SCHEMAS",
    "SCHEMA_NAMES",
    "api_root",
    "openapi_document",
    "openapi_file",
    "profile_patch",
    "schema",
    "schema_file",
    "validate",
    "validate_response",
]

HSDS_VERSION = "3.1"
PROFILE_NAME = "Trama IT profile"
PROFILE_VERSION = "0.1.0"

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
OPENAPI_FILE = HERE / "openapi.json"

# Every file in schema/ (without .json). The compiled views keep their HSDS name without "compiled/".
SCHEMA_NAMES: tuple[str, ...] = (
    "service",
    "service_list",
    "organization",
    "organization_list",
    "service_at_location",
    "service_at_location_list",
    "taxonomy",
    "taxonomy_term",
    "metadata",
)

# HSDS schema name -> the openapi component that adds the Trama IT profile to it (validate(..., profile=True)).
PROFILE_SCHEMAS: dict[str, str] = {
    "service": "TramaITService",
    "service_list": "TramaITService",
    "organization": "TramaITOrganization",
    "organization_list": "TramaITOrganization",
    "service_at_location": "TramaITServiceAtLocation",
    "service_at_location_list": "TramaITServiceAtLocation",
    "taxonomy_term": "TramaITTaxonomyTerm",
}

# Internal base URI under which the files are registered; mirrors the published layout (/api/hsds/...).
# ".invalid" is reserved (RFC 2606): nothing is ever fetched, unknown URIs raise instead.
_BASE = "https://trama.invalid/api/hsds/"
_OPENAPI_URI = _BASE + "openapi.json"
_MAX_MESSAGE = 300


def _check_name(name: str) -> None:
    if name not in SCHEMA_NAMES:
        raise KeyError(f"unknown HSDS schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")


def schema_file(name: str) -> Path:
    """Path of the bundled schema file ``name`` (e.g. ``"service"``), for serving it as-is."""
    _check_name(name)
    return SCHEMA_DIR / f"{name}.json"


def openapi_file() -> Path:
    """Path of our OpenAPI document, for serving it as-is at ``/api/hsds/openapi.json``."""
    return OPENAPI_FILE


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """The HSDS JSON Schema ``name`` (one of :data:`SCHEMA_NAMES`), parsed once per process. Read-only."""
    return json.loads(schema_file(name).read_text(encoding="utf-8"))


@functools.cache
def openapi_document() -> dict[str, Any]:
    """Our corrected HSDS 3.1 OpenAPI document (with the Trama IT profile), parsed once per process. Read-only."""
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def api_root(base_url: str, **extra: Any) -> dict[str, Any]:
    """Body of ``GET /api/hsds/`` for an API whose absolute base URL (ending in ``/``) is ``base_url``.

    ``extra`` may add the optional ``description`` and ``publisher`` properties.
    """
    if not base_url.endswith("/"):
        base_url += "/"
    return {
        "version": HSDS_VERSION,
        "profile": base_url + "profile/",
        "openapi_url": base_url + "openapi.json",
        **extra,
    }


def profile_patch(name: str) -> dict[str, Any]:
    """The Trama IT profile's JSON Merge Patch (RFC 7386) for the HSDS modular schema ``name``.

    ``name`` is ``"service"``, ``"location"`` or ``"taxonomy_term"``. Built from the ``TramaIT*`` components of
    :func:`openapi_document`, so the OpenAPI document stays the single source of the extension properties; the
    nested-object plumbing that only the compiled views need is left out.
    """
    components = openapi_document()["components"]["schemas"]
    component = {"service": "TramaITService", "location": "TramaITLocation", "taxonomy_term": "TramaITTaxonomyTerm"}
    if name not in component:
        raise KeyError(f"the Trama IT profile doesn't modify {name!r}")
    source = components[component[name]]
    properties = {
        key: value
        for key, value in source["properties"].items()
        if not (isinstance(value, dict) and (value.get("$ref") or value.get("items", {}).get("properties")))
    }
    patch: dict[str, Any] = {"properties": json.loads(json.dumps(properties))}
    for keyword in ("if", "then"):
        if keyword in source:
            patch[keyword] = json.loads(json.dumps(source[keyword]))
    return patch


# --- validation -----------------------------------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=("uuid", "email"))  # both are stdlib-only checks in jsonschema

    @checker.checks("date-time", raises=ValueError)
    def _date_time(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        if not _RFC3339.match(instance):
            return False
        dt.datetime.fromisoformat(instance.replace("z", "Z"))
        return True

    @checker.checks("date", raises=ValueError)
    def _date(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        return len(instance) == 10 and bool(dt.date.fromisoformat(instance))

    @checker.checks("uri")
    def _uri(instance: object) -> bool:
        return not isinstance(instance, str) or bool(_URI.match(instance))

    return checker


def _retrieve(uri: str) -> Resource[Any]:
    if uri == _OPENAPI_URI:
        return DRAFT202012.create_resource(openapi_document())
    prefix = _BASE + "schema/"
    if uri.startswith(prefix) and uri.endswith(".json") and uri[len(prefix) : -5] in SCHEMA_NAMES:
        return DRAFT202012.create_resource(schema(uri[len(prefix) : -5]))
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class, ref is its only field


@functools.cache
def _registry() -> Registry[Any]:
    # Resources are loaded lazily (the compiled views are several MB each) and kept by the cached schema() /
    # openapi_document(); crawling isn't needed since every $ref is a plain relative URI or JSON pointer.
    return Registry(retrieve=_retrieve)  # type: ignore[call-arg]  # attrs field, mypy misses it


@functools.cache
def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref}, registry=_registry(), format_checker=_format_checker())


def _message(error: ValidationError) -> str:
    if error.context:  # anyOf / oneOf: say which alternative came closest, not the whole instance
        closest = best_match(error.context)
        text = f"matches none of the allowed shapes; closest: {_message(closest)}"
    else:
        text = error.message
        if len(text) > _MAX_MESSAGE:
            text = text[: _MAX_MESSAGE - 1] + "…"
    return f"{error.json_path}: {text}"


def _errors(ref: str, instance: Any) -> list[str]:
    errors = sorted(_validator(ref).iter_errors(instance), key=lambda e: (e.json_path, e.message))
    return [_message(error) for error in errors]


def validate(instance: Any, schema_name: str, *, profile: bool = False) -> list[str]:
    """Validate ``instance`` against the HSDS 3.1 schema ``schema_name``; return readable errors (empty = valid).

    Each error reads ``"<JSON path>: <message>"``, e.g. ``"$.status: 'open' is not one of [...]"``.
    With ``profile=True`` the instance must also satisfy the Trama IT profile's extension for that schema
    (extension property types, the confidential-address rule), when the profile has one.
    """
    _check_name(schema_name)
    errors = _errors(f"{_BASE}schema/{schema_name}.json", instance)
    if profile and schema_name in PROFILE_SCHEMAS:
        errors += _errors(f"{_OPENAPI_URI}#/components/schemas/{PROFILE_SCHEMAS[schema_name]}", instance)
    return errors


def validate_response(
    instance: Any, path: str, method: str = "get", status: str = "200", media_type: str = "application/json"
) -> list[str]:
    """Validate an API response body against our OpenAPI document (HSDS schemas + Page envelope + profile).

    ``path`` is the templated OpenAPI path relative to the server, e.g. ``"/services"`` or ``"/services/{id}"``.
    """
    operations = openapi_document()["paths"]
    if path not in operations or method not in operations[path]:
        raise KeyError(f"no operation {method.upper()} {path} in the Trama HSDS OpenAPI document")
    pointer = "/".join(
        segment.replace("~", "~0").replace("/", "~1")
        for segment in ("paths", path, method, "responses", status, "content", media_type, "schema")
    )
    return _errors(f"{_OPENAPI_URI}#/{quote(pointer, safe='/~')}", instance)

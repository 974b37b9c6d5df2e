"""The permission matrix (issue 4 §6): every records, plan, note, consent, GDPR, referral and transfer URL — and
every endpoint of the JSON API under /api/ — requested by every persona, compared with an independent statement
of the rules (permission_rules.py), never with the funnel's own answers.

The URLs come from the URL configuration (`get_resolver()`, walked recursively), so a new page is covered the
moment it is mounted. Pages of the namespaces `records` and `referrals` need one line in `HTML_RULES` saying what
they are; an API endpoint is classified by its path parameters and HTTP methods (GET reads, anything else
writes), so a new one is covered automatically. An unknown URL or parameter fails the test with the line to add.

For each (URL, world object, method, persona): allowed → 200 (a form may redirect, a POST may answer 400 or 422);
not allowed to see the object → 404; allowed to see it but not to do this → 403; anonymous → the login page
(pages) or 401 (API). Each household read, referral or transfer opening and each denial must write its audit
event, and a refused request must write nothing else. Every request runs in a savepoint rolled back afterwards, so the
world stays the same for all of them and allowed POSTs are exercised too. All mismatches are reported at once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from trama.accounts.roles import ROLE_PERMISSIONS
from trama.core.models import AuditEvent
from trama.records.tests.permission_rules import (
    EDIT,
    GLASS,
    LEGAL,
    PERSONAS,
    RELEVANT_PERMS,
    VIEW,
    Level,
    World,
    WorldHousehold,
    WorldParties,
    build_world,
    household_level,
    is_owner_reader,
    may_anonymise,
    may_export,
    may_request_transfer,
    parties_level,
)

NAMESPACES = ("records", "referrals", "api")
READ_METHODS = frozenset({"GET", "HEAD"})


# --- What each page is (HTML namespaces) -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a URL is and what it needs.

    get: "page" (200), "form" (200, or a redirect when there is nothing to do), "file" (a download, 200), or None
         when the URL takes POST only (GET answers 405).
    post: whether it takes POST (tested for every persona, rolled back).
    need: on the object its URL names — "read", "write" (change a household / act on a referral or transfer),
          "own" (read, as a member of the owning organisation), "export" (the owner's full view),
          "anonymise" (the owner's editing right, or its municipal unit lead).
    perms: for pages checked before any object: the user needs one of these permissions, else 403
        (post_perms: the same, for POST only).
    lists_households: the page lists households: exactly the ones the persona may read must appear.
    audits_reads: False for the htmx fragments that show nothing of the household (service and organisation
        pickers): allowed users are not audited at every keystroke; denials still are.
    body_household: for an API creation naming no object in its path, the body field naming the household
        (the matrix then posts it once per household of the world and judges it on that household).
    """

    get: str | None
    post: bool
    need: str = "read"
    perms: frozenset[str] = frozenset()
    post_perms: frozenset[str] = frozenset()
    lists_households: bool = False
    audits_reads: bool = True
    body_household: str = ""


FORM = Rule(get="form", post=True, need="write")
ACT = Rule(get=None, post=True, need="write")

HTML_RULES: dict[str, Rule] = {
    # records: `pk` is the household
    "records:household_list": Rule(get="page", post=False, lists_households=True),
    "records:household_create": Rule(get="form", post=True, perms=frozenset({EDIT})),
    "records:break_glass": Rule(get="form", post=True, perms=frozenset({GLASS})),
    "records:processing_register": Rule(get="page", post=False, perms=frozenset({VIEW, GLASS})),
    "records:notifications": Rule(get="page", post=True),  # every member reads their organisations' notices
    "records:household_detail": Rule(get="page", post=False),
    "records:access_log": Rule(get="page", post=False, need="own"),
    "records:household_edit": FORM,
    "records:household_close": FORM,
    "records:household_reopen": FORM,
    "records:household_anonymise": Rule(get="form", post=True, need="anonymise"),
    "records:person_add": FORM,
    "records:person_edit": FORM,
    "records:person_export": Rule(get="file", post=False, need="export"),
    "records:person_export_pdf": Rule(get="file", post=False, need="export"),
    "records:person_anonymise": Rule(get="form", post=True, need="anonymise"),
    "records:statement_add": FORM,
    "records:assessment_add": FORM,
    "records:goal_add": FORM,
    "records:goal_edit": FORM,
    "records:statement_edit": FORM,
    "records:statement_remove": FORM,
    "records:action_add": FORM,
    "records:action_edit": FORM,
    "records:review_add": FORM,
    "records:note_add": FORM,
    "records:consent_add": FORM,
    "records:consent_form_blank": Rule(get="file", post=False, need="write"),
    "records:consent_form_filled": ACT,
    "records:consent_withdraw": FORM,
    "records:legal_basis_add": Rule(get="form", post=True, need="read", perms=frozenset({LEGAL})),
    "records:legal_basis_revoke": Rule(get="form", post=True, need="read", perms=frozenset({LEGAL})),
    # referrals: `pk` is the referral, `household_pk` the household, `transfer_pk` a case transfer
    "referrals:home": Rule(get="page", post=False),
    "referrals:received": Rule(get="page", post=False),
    "referrals:sent": Rule(get="page", post=False),
    "referrals:new": FORM,
    "referrals:service_options": Rule(get="page", post=False, need="write", audits_reads=False),
    "referrals:basis_options": Rule(get="page", post=False, need="write"),
    "referrals:transfer_new": Rule(get="form", post=True, need="transfer"),
    "referrals:transfer_organisations": Rule(get="page", post=False, need="transfer", audits_reads=False),
    "referrals:transfer_detail": Rule(get="page", post=False),
    "referrals:transfer_accept": ACT,
    "referrals:transfer_decline": ACT,
    "referrals:transfer_cancel": ACT,
    "referrals:household": Rule(get="page", post=False),
    "referrals:detail": Rule(get="page", post=False),
    "referrals:edit": FORM,  # a draft's sender: the form; anyone else acting on it: back to its page
    "referrals:send": ACT,
    "referrals:accept": ACT,
    "referrals:decline": ACT,
    "referrals:start": ACT,
    "referrals:complete": ACT,
    "referrals:cancel": ACT,
    "referrals:message_add": ACT,
}

API_BOUND = Rule(get="page", post=True)  # the default for API objects, judged by method: GET reads, the rest writes

# API endpoints naming no object (lists, creations, the OpenAPI document): by URL name.
# "public": answers anyone (the OpenAPI document); a Rule otherwise (GET lists: any signed-in user, filtered).
API_UNBOUND_RULES: dict[str, Rule | str] = {
    "api-root": "public",  # Django Ninja's root: always 404, no data
    "openapi-json": "public",
    "openapi-view": "public",
    "household_list": Rule(get="page", post=True, post_perms=frozenset({EDIT}), lists_households=True),
    "referral_list": Rule(get="page", post=True, need="write", body_household="household"),
}

# API endpoints naming an object whose needs differ from "GET reads, the rest writes": by URL name.
API_BOUND_RULES: dict[str, Rule] = {
    # Changing a draft also needs the right to change the household's record (else 403); on anything but a draft,
    # or by the receiver, it is a state conflict (409), like the page's redirect.
    "referral_update": Rule(get=None, post=True, need="draft_edit"),
}

# The URL parameters each namespace may use, and what they name.
KNOWN_KWARGS = {
    "records": {"pk": "household", "person_pk": "person", "consent_pk": "consent", "goal_pk": "goal",
                "action_pk": "action", "statement_pk": "statement"},
    "referrals": {"pk": "referral", "household_pk": "household", "transfer_pk": "transfer"},
    "api": {"household_id": "household", "person_id": "person", "consent_id": "consent",
            "referral_id": "referral", "goal_id": "goal", "action_id": "action", "statement_id": "statement"},
}


# --- The URL configuration, walked -------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    namespace: str
    name: str  # "namespace:url_name" ("" for an unnamed pattern)
    route: str  # full route without the leading slash
    kwargs: tuple[str, ...]
    regex: bool
    callback: Callable[..., Any] = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.name or f"/{self.route}"


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>")


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], regex: bool
          ) -> Iterator[tuple[tuple[str, ...], str, bool, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        is_regex = regex or isinstance(entry.pattern, RegexPattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route, namespaces + ((entry.namespace,) if entry.namespace else ()), is_regex)
        else:
            yield namespaces, route, is_regex, entry


def all_endpoints() -> tuple[list[Endpoint], list[str]]:
    """Every URL pattern of the covered namespaces, deduplicated (the API mounts one pattern per operation),
    and the problems found while walking (API-looking URLs outside the `api` namespace)."""
    found: dict[tuple[str, str], Endpoint] = {}
    problems: list[str] = []
    for namespaces, route, regex, pattern in _walk(get_resolver(), "", (), False):
        route = route.lstrip("^").replace("\\/", "/")
        namespace = next((ns for ns in namespaces if ns in NAMESPACES), None)
        if namespace is None:
            if route.startswith("api/") and not route.startswith("api/hsds/"):
                problems.append(f"/{route} is under /api/ but not in the `api` namespace: mount the API with "
                                f"urls_namespace='api' so the permission matrix covers it")
            continue
        names = [m.group("name") for m in (_REGEX_PARAM if regex else _ROUTE_PARAM).finditer(route)]
        name = f"{':'.join(namespaces)}:{pattern.name}" if pattern.name else ""
        found.setdefault((namespace, route), Endpoint(namespace=namespace, name=name, route=route,
                                                      kwargs=tuple(names), regex=regex, callback=pattern.callback))
    return sorted(found.values(), key=lambda e: (e.namespace, e.route)), problems


def api_methods(endpoint: Endpoint) -> frozenset[str]:
    """The HTTP methods of an API endpoint: Django Ninja keeps its operations on the PathView behind the view."""
    for cell in getattr(endpoint.callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list) and operations:
            return frozenset(m.upper() for op in operations for m in op.methods)
    return frozenset({"GET"})


def endpoint_problems(endpoint: Endpoint) -> list[str]:
    """Why the matrix cannot place this URL, with how to place it (empty: it can)."""
    problems = []
    known = KNOWN_KWARGS[endpoint.namespace]
    unknown = [k for k in endpoint.kwargs if k not in known]
    where = f"{endpoint.label} (/{endpoint.route})"
    if endpoint.regex:
        problems.append(f"{where} is a regex pattern: use path() with named converters so the matrix can build it")
    if unknown:
        problems.append(
            f"{where} has URL parameter(s) {unknown} the permission matrix does not know: name them like the "
            f"others ({', '.join(sorted(known))}) or teach KNOWN_KWARGS and `_bindings` in "
            f"trama/records/tests/test_permission_matrix.py what they name")
    if endpoint.namespace == "api":
        if not _names_an_object(endpoint) and _api_key(endpoint) not in API_UNBOUND_RULES:
            problems.append(
                f"API endpoint {where} {sorted(api_methods(endpoint))} names no object: add "
                f"{_api_key(endpoint)!r} to API_UNBOUND_RULES in "
                f"trama/records/tests/test_permission_matrix.py (\"public\" or a Rule saying what it needs)")
    elif not endpoint.name:
        problems.append(f"/{endpoint.route} has no URL name: name it and add it to HTML_RULES")
    elif endpoint.name not in HTML_RULES:
        problems.append(
            f"{where} is not classified: add a line to HTML_RULES in trama/records/tests/test_permission_matrix.py "
            f"saying what it is (get: page/form/file, or None for POST only; post: True/False; need: "
            f"read/write/own/export/anonymise; perms: checked before the object)")
    return problems


def stale_rules(endpoints: list[Endpoint]) -> list[str]:
    names = {e.name for e in endpoints}
    return [f"HTML_RULES has {name}, which the URL configuration no longer has: remove it"
            for name in sorted(set(HTML_RULES) - names)]


def _names_an_object(endpoint: Endpoint) -> bool:
    return any(KNOWN_KWARGS[endpoint.namespace].get(k) for k in endpoint.kwargs)


def _api_key(endpoint: Endpoint) -> str:
    return endpoint.name.split(":", 1)[1] if endpoint.name else f"/{endpoint.route}"


# --- Binding URLs to the world -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """One URL made concrete with objects of the world, and how to judge each persona's level on it."""

    url: str
    kind: str  # "household" | "referral" | "transfer" | "none"
    label: str
    household: WorldHousehold | None = None
    parties: WorldParties | None = None
    in_body: str = ""  # the body field naming the household (API creations naming no object in their path)

    def level(self, persona: str) -> Level:
        if self.household is not None:
            return household_level(persona, self.household.facts)
        if self.parties is not None:
            return parties_level(persona, self.parties.facts)
        return Level.WRITE


def _build(route: str, values: dict[str, int]) -> str:
    return "/" + _ROUTE_PARAM.sub(lambda m: str(values[m.group("name")]), route)


def _household_values(h: WorldHousehold) -> dict[str, int]:
    return {"household": h.household.pk, "person": h.person.pk, "consent": h.consent.pk, "goal": h.goal.pk,
            "action": h.action.pk, "statement": h.statement.pk}


def _bindings(endpoint: Endpoint, world: World) -> list[Binding]:
    meaning = KNOWN_KWARGS[endpoint.namespace]
    names = {meaning[k] for k in endpoint.kwargs}
    if not names:
        return [Binding(url=_build(endpoint.route, {}), kind="none", label="")]
    if "referral" in names or "transfer" in names:
        assert len(names) == 1, f"{endpoint.label}: a referral or transfer URL naming other objects too"
        kind = names.pop()
        objects = world.referrals if kind == "referral" else world.transfers
        key = next(k for k in endpoint.kwargs if meaning[k] == kind)
        return [Binding(url=_build(endpoint.route, {key: o.obj.pk}), kind=kind, label=o.name, parties=o)
                for o in objects]
    bindings = []
    for h in world.households:
        values = _household_values(h)
        bindings.append(Binding(url=_build(endpoint.route, {k: values[meaning[k]] for k in endpoint.kwargs}),
                                kind="household", label=h.name, household=h))
    return bindings


def _body_bindings(endpoint: Endpoint, rule: Rule, world: World) -> list[Binding]:
    return [Binding(url=_build(endpoint.route, {}), kind="household", label=f"{h.name} in the body", household=h,
                    in_body=rule.body_household) for h in world.households]


# --- Request bodies for the API (valid enough to reach the funnel: validation comes first in Django Ninja) ---


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def fill(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """A minimal value the schema accepts: required properties only, first enum value, today for dates."""
    schema = _resolve(schema, document)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, document).get("type") != "null"]
            return fill(options[0], document) if options else None
    if "allOf" in schema:
        return fill(schema["allOf"][0], document)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {name: fill(prop, document) for name, prop in schema.get("properties", {}).items()
                if name in required}
    if kind == "array":
        return [fill(schema.get("items", {}), document) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") == "date":
            return timezone.localdate().isoformat()
        if schema.get("format") == "date-time":
            return timezone.now().isoformat()
        return "x" * max(1, schema.get("minLength", 1))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None


def openapi_path(route: str) -> str:
    return "/" + _ROUTE_PARAM.sub(lambda m: "{" + m.group("name") + "}", route)


# --- Expectations ------------------------------------------------------------------------------------------

OK = "ok"


@dataclass(frozen=True)
class Expected:
    status: int | str  # 403, 404, 405, OK, "login", 401, "public"

    def __str__(self) -> str:
        return {"login": "redirect to login", OK: "allowed"}.get(str(self.status), str(self.status))


def expected(persona: str | None, rule: Rule | str, binding: Binding, method: str, *, api: bool) -> Expected:
    if rule == "public":
        return Expected("public")
    assert isinstance(rule, Rule)
    if persona is None:
        return Expected(401 if api else "login")
    if not api and method == "GET" and rule.get is None:
        return Expected(405)
    who = PERSONAS[persona]
    perms = rule.perms if method in READ_METHODS else rule.perms | rule.post_perms
    if perms and not who.perms & perms:
        return Expected(403)
    if binding.kind == "none":
        return Expected(OK)
    level = binding.level(persona)
    if level == Level.NONE:
        return Expected(404)
    need = rule.need
    if api and method in READ_METHODS:
        need = "read"  # an API object's GET reads it, whatever its other methods need
    elif rule is API_BOUND:
        need = "write"
    h = binding.household
    allowed = {
        "read": True,
        "write": level >= Level.WRITE,
        "own": h is not None and is_owner_reader(persona, h.facts),
        "export": h is not None and may_export(persona, h.facts),
        "anonymise": h is not None and may_anonymise(persona, h.facts),
        "transfer": h is not None and may_request_transfer(persona, h.facts),
        "draft_edit": level >= Level.WRITE and not (
            binding.parties is not None and binding.parties.facts.draft and EDIT not in who.perms),
    }[need]
    return Expected(OK if allowed else 403)


def _ok_statuses(rule: Rule, method: str, api: bool) -> Callable[[int], bool]:
    if method not in READ_METHODS:
        return lambda status: status not in (401, 403, 404, 405) and status < 500
    if api:
        return lambda status: status == 200
    if rule.get == "form":
        return lambda status: status in (200, 302)
    return lambda status: status == 200


# --- Writes (a refused request must change nothing) ----------------------------------------------------------

# Tables a refused request may write to: its audit event and the session's last activity.
WRITABLE_WHEN_REFUSED = ("core_auditevent", "django_session")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)


def tables_written(queries: list[dict[str, Any]]) -> set[str]:
    """The tables the captured SQL inserted into, updated or deleted from."""
    tables = set()
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match:
            tables.add(match.group(1))
    return tables - set(WRITABLE_WHEN_REFUSED)


# --- Running the matrix ------------------------------------------------------------------------------------


@dataclass
class Matrix:
    world: World
    clients: dict[str | None, Client]
    mismatches: list[str] = field(default_factory=list)
    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # expected outcomes met, to spot a degenerate world
    _openapi: dict[str, Any] | None = None

    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            self._openapi = json.loads(self.clients[None].get("/api/openapi.json").content)
        return self._openapi

    def body(self, endpoint: Endpoint, method: str, binding: Binding) -> dict[str, Any]:
        """The JSON body of an API write: the schema's minimal value, naming the world's objects."""
        document = self.openapi()
        operation = document.get("paths", {}).get(openapi_path(endpoint.route), {}).get(method.lower(), {})
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        value = fill(schema, document) if schema else {}
        body: dict[str, Any] = value if isinstance(value, dict) else {}
        h = binding.household
        if binding.in_body and h is not None:
            body.update({binding.in_body: h.household.pk, "people": [h.person.pk],
                         "service": self.world.extra["service"].pk})  # type: ignore[attr-defined]
        return body

    def check(self, endpoint: Endpoint, rule: Rule | str, binding: Binding, method: str,
              persona: str | None) -> None:
        api = endpoint.namespace == "api"
        want = expected(persona, rule, binding, method, api=api)
        self.outcomes[str(want.status)] += 1
        client = self.clients[persona]
        user = self.world.personas.users[persona] if persona is not None else None
        where = f"{persona or 'anonymous'} {method} {binding.url} ({endpoint.label}" + \
            (f", {binding.label}" if binding.label else "") + ")"
        with transaction.atomic():
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            refused = want.status not in (OK, "public")
            extra: dict[str, Any] = {}
            if api and method not in READ_METHODS:
                extra = {"content_type": "application/json",
                         "data": json.dumps(self.body(endpoint, method, binding))}
            with CaptureQueriesContext(connection) as queries:
                response = client.generic(method, binding.url, **extra)
            self.requests += 1
            problems = self._judge(response, want, rule, method, api)
            if not problems and persona is not None and isinstance(rule, Rule):
                problems += self._audited(want, binding, user, last, reads=rule.audits_reads)
            if not problems and isinstance(rule, Rule) and rule.lists_households and want.status == OK \
                    and method in READ_METHODS:
                problems += self._listed(response, persona)
            written = tables_written(queries.captured_queries) if refused else set()
            if written:
                problems.append(f"the refused request wrote to {sorted(written)}")
            transaction.set_rollback(True)
        for problem in problems:
            self.mismatches.append(f"{where}: expected {want}, {problem}")

    @staticmethod
    def _judge(response: HttpResponseBase, want: Expected, rule: Rule | str, method: str, api: bool) -> list[str]:
        status = response.status_code
        if want.status == "public":
            return [] if status < 500 else [f"got {status}"]
        if want.status == "login":
            location = response.get("Location", "")
            if status == 302 and location.startswith(resolve_url(settings.LOGIN_URL)):
                return []
            return [f"got {status} {location}".rstrip()]
        if want.status == OK:
            assert isinstance(rule, Rule)
            return [] if _ok_statuses(rule, method, api)(status) else [f"got {status}"]
        return [] if status == want.status else [f"got {status}"]

    @staticmethod
    def _audited(want: Expected, binding: Binding, user: Any, last: int, *, reads: bool) -> list[str]:
        events = AuditEvent.objects.filter(pk__gt=last, actor=user)
        if want.status in (403, 404):
            if not events.filter(action="access.denied", details__status=want.status).exists():
                return [f"but no access.denied audit event with status {want.status} was written"]
            return []
        if want.status != OK or binding.kind == "none" or not reads:
            return []
        obj = binding.household.household if binding.household is not None else binding.parties.obj  # type: ignore[union-attr]
        prefix = {"household": "records.household.", "referral": "referrals.referral.",
                  "transfer": "referrals.transfer."}[binding.kind]
        if not events.filter(action__startswith=prefix, object_id=str(obj.pk)).exists():
            return [f"but no {prefix}* audit event for object {obj.pk} was written"]
        return []

    def _listed(self, response: HttpResponseBase, persona: str | None) -> list[str]:
        assert persona is not None
        html = response.content.decode()
        problems = []
        for h in self.world.households:
            readable = household_level(persona, h.facts) >= Level.READ
            if (h.household.reference_code in html) != readable:
                problems.append(f"household {h.name} {'missing from' if readable else 'shown in'} the list")
        return problems

    def run(self, endpoint: Endpoint) -> None:
        rule: Rule | str
        if endpoint.namespace == "api":
            # Objects: GET reads, the rest writes (see `expected`); the others are listed by name.
            key = _api_key(endpoint)
            rule = API_BOUND_RULES.get(key, API_BOUND) if _names_an_object(endpoint) else API_UNBOUND_RULES[key]
            methods = sorted(api_methods(endpoint))
        else:
            rule = HTML_RULES[endpoint.name]
            methods = (["GET"] if rule.get is not None else []) + (["POST"] if rule.post else [])
        for method in methods:
            if isinstance(rule, Rule) and rule.body_household and method not in READ_METHODS:
                bindings = _body_bindings(endpoint, rule, self.world)
            else:
                bindings = _bindings(endpoint, self.world)
            for binding in bindings:
                for persona in [*PERSONAS, None]:
                    self.check(endpoint, rule, binding, method, persona)
        if endpoint.namespace != "api" and isinstance(rule, Rule) and rule.get is None:
            # The table says POST only: a signed-in GET answers 405.
            self.check(endpoint, rule, _bindings(endpoint, self.world)[0], "GET", "proximity")


# --- Fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the whole module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def matrix(world: World, db: None) -> Matrix:
    clients: dict[str | None, Client] = {None: Client(raise_request_exception=False)}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(world.personas.users[persona])
        clients[persona] = client
    return Matrix(world=world, clients=clients)


def _run(matrix: Matrix, namespace: str) -> None:
    endpoints, _problems = all_endpoints()
    chosen = [e for e in endpoints if e.namespace == namespace and not endpoint_problems(e)]
    for endpoint in chosen:
        matrix.run(endpoint)
    # The world must exercise every outcome, or the matrix would prove little.
    assert {OK, "403", "404"} <= set(matrix.outcomes), f"degenerate world: {dict(matrix.outcomes)}"
    assert not matrix.mismatches, (
        f"{len(matrix.mismatches)} of {matrix.requests} requests disagree with the rules "
        f"(trama/records/tests/permission_rules.py):\n" + "\n".join(matrix.mismatches))


# --- Tests -------------------------------------------------------------------------------------------------


def test_the_persona_table_matches_the_roles(world: World, db: None) -> None:
    """permission_rules.PERSONAS is a hand copy of the roles table: it must agree with the roles in code and
    with the memberships build_personas() creates, or the expectations would be wrong."""
    from trama.accounts.models import Membership

    problems = []
    for key, persona in PERSONAS.items():
        user = world.personas.users[key]
        memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
        if persona.organisation is None:
            if memberships:
                problems.append(f"{key}: expected no membership")
            continue
        if len(memberships) != 1:
            problems.append(f"{key}: expected one membership, found {len(memberships)}")
            continue
        membership = memberships[0]
        organisation = getattr(world.personas, persona.organisation)
        if (membership.organisation_id, membership.role) != (organisation.pk, persona.role):
            problems.append(f"{key}: expected {persona.role} in {persona.organisation}")
        in_code = ROLE_PERMISSIONS[membership.role] & RELEVANT_PERMS
        if in_code != persona.perms:
            problems.append(f"{key}: the table says {sorted(persona.perms)}, roles.py {sorted(in_code)}")
    assert not problems, "\n".join(problems)


def test_every_url_is_classified(db: None) -> None:
    endpoints, problems = all_endpoints()
    assert {e.namespace for e in endpoints} >= {"records", "referrals"}
    problems += [p for e in endpoints for p in endpoint_problems(e)] + stale_rules(endpoints)
    assert not problems, "URLs the permission matrix cannot judge:\n" + "\n".join(problems)


def test_records_urls(matrix: Matrix) -> None:
    _run(matrix, "records")


def test_referrals_urls(matrix: Matrix) -> None:
    _run(matrix, "referrals")


def test_api_urls(matrix: Matrix) -> None:
    endpoints, _problems = all_endpoints()
    if not any(e.namespace == "api" for e in endpoints):
        pytest.skip("no API mounted under the `api` namespace")
    _run(matrix, "api")


def test_opening_and_listing_reach_the_same_households(world: World, db: None) -> None:
    """`open_household` decides from the sources' rows of one household (`_grants`), the lists from the same
    sources as SQL conditions (`households_visible_to`): for every persona and household of the world, they
    must agree, or a household could be listed and not open, or open and never listed."""
    from django.http import Http404

    from trama.records import consent as consent_services
    from trama.records.access import household_ids_listed, households_visible_to, open_household, plan_categories
    from trama.referrals import services as referral_services
    from trama.referrals.tests.helpers import give_consent, make_family, sent

    # The sources the world lacks: an accepted referral of one member, a consent for one member naming a
    # network, a withdrawn consent (in this test's transaction only).
    p = world.personas
    referred = make_family(p)
    give_consent(p, referred)
    referral_services.referral_accept(referral=sent(p, referred), by=p.proximity_b)
    one_member = make_family(p)
    give_consent(p, one_member, networks=[p.network8], person=one_member.child)
    withdrawn = make_family(p)
    consent_services.consent_withdraw(consent=give_consent(p, withdrawn), by=p.proximity)
    extra = [referred.household.pk, one_member.household.pk, withdrawn.household.pk]

    disagreements = []
    reached = 0
    for persona in [*PERSONAS, None]:
        user = world.personas.users[persona] if persona is not None else None
        listed = set(household_ids_listed(user))
        ids = [h.household.pk for h in world.households] + extra
        readable = plan_categories(user, ids)
        for pk in ids:
            try:
                open_household(user, pk)
                opened = True
            except Http404:
                opened = False
            visible = households_visible_to(user, among=[pk]).exists()
            reached += opened
            if not opened == visible == (pk in listed) == (pk in readable):
                disagreements.append(f"{persona} × household {pk}: opened {opened}, visible {visible}, "
                                     f"listed {pk in listed}, plan categories {pk in readable}")
    assert reached, "degenerate world: nobody opens anything"
    assert not disagreements, "\n".join(disagreements)

"""What every JSON endpoint of the staff API (/api/, built in trama/api.py) shares: session authentication that
answers 401/403 in JSON instead of redirecting, one error body `{"detail": ..., "errors": {field: [...]}}` with
Italian messages, ApplicationError turned into 400/403/409, and page-number pagination.

Referrals' endpoints (trama/referrals/api.py) use these too: records is the lower app."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from trama.core.errors import ApplicationError

# An object's id in a request body: bounded, so a huge number is a 400 rather than an overflow in the database
# driver (Django guards exact lookups against out-of-range integers, not `__in` lists).
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]

if TYPE_CHECKING:
    from ninja import NinjaAPI

    from trama.accounts.models import User

T = TypeVar("T")

PER_PAGE = 25
MAX_PER_PAGE = 100

# Codes of ApplicationError that mean "the object is no longer in a state that allows this" (409); every other
# broken rule is a 400 — including a service's own refusal ("forbidden": e.g. the sender trying to accept), which
# the pages show as a form error too. 403 is the funnel's answer only (may see, may not change).
CONFLICT_CODES = frozenset({
    "already_answered", "already_revoked", "already_sent", "already_withdrawn", "anonymised", "basis_lapsed",
    "closed", "draft", "expired", "final", "gone", "not_accepted", "not_active", "open", "owner_changed", "pending",
})


# --- Errors ---------------------------------------------------------------------------------------------


class DuplicateOut(Schema):
    household: str = Field(description="Reference code of the household of the possible duplicate.")
    reasons: list[str] = Field(description="fiscal_code | name_and_birth.")


class ErrorOut(Schema):
    """The body of every error response of this API."""

    detail: str = Field(description="What went wrong, in the user's language (Italian by default).")
    errors: dict[str, list[str]] = Field(default_factory=dict,
                                         description="Messages per input field (`__all__` for the whole request).")
    duplicates: list[DuplicateOut] | None = Field(None, description="Only in the 409 of POST .../people: possible "
                                                                    "duplicates among the people the caller may see.")


ERROR_STATUSES = (400, 401, 403, 404, 409)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation documents (401 always: every operation needs a session)."""
    return {status: ErrorOut for status in sorted({401, *statuses})}


class ApiError(Exception):
    """An error response raised from an endpoint."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.extra = extra


def error_body(detail: str, errors: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}, **extra}


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    """For middleware, which answers before the API does (no NinjaAPI at hand)."""
    return JsonResponse(error_body(detail, errors), status=status)


def field_error(field: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, message, {field: [message]})


def status_of(error: ApplicationError) -> int:
    if error.code in CONFLICT_CODES:
        return 409
    return 400


def call_service(call: Callable[[], T]) -> T:
    """Run one service call; a broken rule becomes the matching error response (400 or 409)."""
    try:
        return call()
    except ApplicationError as error:
        raise from_application_error(error) from error


def from_application_error(error: ApplicationError) -> ApiError:
    errors = {error.field: [error.message]} if error.field else {}
    return ApiError(status_of(error), error.message, errors)



def _validation_message(kind: str) -> str:
    # Pydantic's messages are English: the few kinds a client meets are said again in Italian.
    if kind == "missing":
        return _("Campo obbligatorio.")
    if kind.startswith(("date", "datetime")):
        return _("Data non valida: usa il formato AAAA-MM-GG.")
    if kind.startswith(("int", "float", "decimal")):
        return _("Numero non valido.")
    if kind.startswith("bool"):
        return _("Valore non valido: usa true o false.")
    if kind in ("literal_error", "enum"):
        return _("Scelta non valida.")
    if kind == "string_too_long":
        return _("Testo troppo lungo.")
    if kind == "too_long":  # a list with more items than allowed
        return _("Troppi elementi.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _("Valore fuori dall'intervallo ammesso.")
    if kind == "extra_forbidden":
        return _("Campo non previsto.")
    if kind in ("list_type", "list"):
        return _("Serve un elenco.")
    return _("Valore non valido.")


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        # ("body", "payload", "field", ...): the payload's name says nothing to the client; ("body", "payload")
        # alone is the body as a whole (JSON that is not an object).
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _validation_errors(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        message = _validation_message(str(error.get("type", "")))
        messages = found.setdefault(_field_name(error.get("loc", ())), [])
        if message not in messages:
            messages.append(message)
    return found


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error of the API as {"detail", "errors"}, in Italian."""

    def respond(request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None,
                **extra: Any) -> HttpResponse:
        return api.create_response(request, error_body(detail, errors, **extra), status=status)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.detail, exc.errors, **exc.extra)

    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        error = from_application_error(exc)
        return respond(request, error.status, error.detail, error.errors)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _("Non trovato."))

    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, _("Non hai il permesso di farlo."))

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, _("Accedi per usare l'API."))

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _validation_errors(exc.errors)
        return respond(request, 400, _("Alcuni dati non sono validi: correggili e riprova."), errors)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja's only 400: a body that is not JSON
            return respond(request, 400, _("Richiesta non valida: il corpo deve essere JSON."))
        return respond(request, exc.status_code, str(exc))

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ApiError, on_api_error), (ApplicationError, on_application_error), (Http404, on_not_found),
        (PermissionDenied, on_forbidden), (AuthenticationError, on_unauthenticated),
        (NinjaValidationError, on_validation), (HttpError, on_http_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


# --- Authentication -------------------------------------------------------------------------------------


def needs_second_factor(request: HttpRequest) -> bool:
    """An authenticated user whose roles require two-factor authentication but whose session is not verified."""
    from trama.accounts.access import requires_two_factor

    user = request.user
    return bool(settings.TRAMA_2FA_REQUIRED and user.is_authenticated
                and not user.is_verified()  # type: ignore[union-attr,attr-defined]
                and requires_two_factor(user))


class StaffSession(SessionAuth):
    """Django's session, as the pages use it. Unlike ninja's SessionAuth, authentication comes before the CSRF
    check, so an anonymous call is always a 401 (never a 403 about CSRF); a session lacking the required second
    factor is a 403 (the middleware answers first; this is the second line)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if needs_second_factor(request):
            raise ApiError(403, _("Serve la verifica in due passaggi: completala dalle pagine di Trama."))
        if _has_nul(request):
            # PostgreSQL cannot store or compare NUL characters; no text of ours contains one.
            raise ApiError(400, _("La richiesta contiene un carattere non ammesso (NUL)."))
        if (self.csrf and not getattr(request, "_ninja_csrf_exempt", False)
                and check_csrf(request) is not None):
            raise ApiError(403, _("Verifica CSRF non riuscita: invia l'intestazione X-CSRFToken."))
        return user


staff_session = StaffSession()


def _has_nul(request: HttpRequest) -> bool:
    """A NUL character in the query string or the body (raw, or escaped in JSON as \\u0000)."""
    if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    body = request.body if request.method not in ("GET", "HEAD") else b""
    return b"\x00" in body or b"\\u0000" in body


def user_of(request: HttpRequest) -> User:
    assert request.user.is_authenticated
    return cast("User", request.user)


# --- Pagination -----------------------------------------------------------------------------------------


class PageMeta(Schema):
    count: int = Field(description="How many items match, on every page.")
    page: int
    per_page: int = Field(description=f"Items per page (at most {MAX_PER_PAGE}).")
    pages: int


def paginate(queryset: QuerySet[Any] | Sequence[Any], page: int, per_page: int) -> tuple[dict[str, Any], list[Any]]:
    """The page's metadata and its items; `per_page` is capped at MAX_PER_PAGE, a page past the end is empty."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (page - 1) * per_page
    # A page past the end is empty without asking the database for an offset it cannot hold.
    items = list(queryset[start:start + per_page]) if start < count else []
    return {"count": count, "page": page, "per_page": per_page, "pages": max(1, math.ceil(count / per_page))}, items

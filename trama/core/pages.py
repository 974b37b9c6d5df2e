"""Helpers shared by the staff pages of every app: pagination, calling a service from a form, the logged-in user."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from trama.core.errors import ApplicationError

if TYPE_CHECKING:
    from trama.accounts.models import User

PAGE_SIZE = 25
T = TypeVar("T")


def apply_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, forms.ValidationError(error.message, code=error.code))


def paginate(
    request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE
) -> tuple[Page[Any], str]:
    """A page of the queryset (or list) and the other query parameters, for core/includes/pagination.html."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def run_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service; a broken rule becomes a form error and the result None."""
    try:
        return call()
    except ApplicationError as error:
        apply_error(form, error)
        return None


def user_of(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required."""
    assert request.user.is_authenticated
    return cast("User", request.user)


def url_for_each(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for the many rows of a list: reversed once, with a marker in place of the key,
    for a route whose only argument is an integer key. A `{% url %}` per row cost 30 µs; this, a string join."""
    marker = 987654321987
    url = reverse(name, args=[marker])
    before, found, after = url.rpartition(str(marker))  # the key comes after any prefix
    if not found:
        raise ValueError(f"{name} does not take one integer key")

    def url_of(pk: int) -> str:
        return f"{before}{int(pk)}{after}"

    return url_of


def line(message: str, **values: Any) -> SafeString:
    """A translated line with values, as `{% blocktranslate with … %}` writes it: the values escaped, the
    translation as it is. `message` is translated by the caller (gettext/ngettext), once for all the rows."""
    return mark_safe(message % {key: conditional_escape(value) for key, value in values.items()})  # noqa: S308

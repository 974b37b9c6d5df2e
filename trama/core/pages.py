"""Helpers shared by the staff pages of every app: pagination, calling a service from a form, the logged-in user."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

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

"""The one exception a service raises when a business rule is broken, and model validation turned into it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


class ApplicationError(Exception):
    """A broken business rule, with a message a person understands (already translated).

    Views turn it into a form error (HTML) or a 400/409 body (API)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's validation (field formats, choices, uniqueness, constraints) and report the first problem as
    an ApplicationError naming the field, so services called from the demo, imports or the API get the same checks
    as forms."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            field, errors = next(iter(error.error_dict.items()))
            raise ApplicationError(errors[0].messages[0],
                                   field=None if field == NON_FIELD_ERRORS else field) from error
        raise ApplicationError(error.messages[0]) from error

"""The one exception a service raises when a business rule is broken."""

from __future__ import annotations


class ApplicationError(Exception):
    """A broken business rule, with a message a person understands (already translated).

    Views turn it into a form error (HTML) or a 400/409 body (API)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

"""Field validators with Italian messages, on top of the framework-free checks in trama.lib."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trama.lib.codice_fiscale import FiscalCodeError, FiscalCodeProblem, check

_FISCAL_CODE_MESSAGES = {
    FiscalCodeProblem.LENGTH: _(
        "Il codice fiscale deve avere 11 cifre (persona giuridica) o 16 caratteri (persona fisica)."
    ),
    FiscalCodeProblem.FORMAT: _("Il codice fiscale contiene caratteri non ammessi o una data impossibile."),
    FiscalCodeProblem.CHECKSUM: _(
        "Il codice fiscale non è valido: il carattere di controllo non corrisponde."
    ),
}


def fiscal_code_problem(value: str) -> str | None:
    """The Italian message saying what is wrong with a fiscal code, or None if it is valid (or empty)."""
    if not value:
        return None
    try:
        check(value)
    except FiscalCodeError as error:
        return str(_FISCAL_CODE_MESSAGES[error.problem])
    return None


def validate_fiscal_code(value: str) -> None:
    message = fiscal_code_problem(value)
    if message is not None:
        raise ValidationError(message, code="fiscal_code")

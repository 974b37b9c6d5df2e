"""Field validators of people's records, with Italian messages."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from trama.lib.codice_fiscale import PERSONAL_CODE_LENGTH, normalise
from trama.network.validators import fiscal_code_problem
from trama.records.codes import CITIZENSHIP_CODES, COUNTRY_CODES, LANGUAGE_CODES

_PHONE = re.compile(r"^\+?[0-9][0-9 ./-]{4,24}$")
MAX_PHONES = 5
MAX_LANGUAGES = 10


def validate_person_fiscal_code(value: str) -> None:
    """A natural person's 16-character code (an 11-digit code belongs to a company, not to a person)."""
    if not value:
        return
    if len(normalise(value)) != PERSONAL_CODE_LENGTH:
        raise ValidationError(_("Il codice fiscale di una persona ha 16 caratteri."), code="fiscal_code")
    problem = fiscal_code_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="fiscal_code")


def validate_country(value: str) -> None:
    if value and value not in COUNTRY_CODES:
        raise ValidationError(_("«%(code)s» non è un codice di paese ISO 3166-1 (due lettere maiuscole, es. IT).")
                              % {"code": value}, code="country")


def validate_citizenship(value: str) -> None:
    if value and value not in CITIZENSHIP_CODES:
        raise ValidationError(_("«%(code)s» non è un codice di cittadinanza ammesso (ISO 3166-1, es. IT; "
                                "XX per apolide).") % {"code": value}, code="country")


def validate_languages(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Le lingue devono essere un elenco di codici."), code="languages")
    if len(value) > MAX_LANGUAGES:
        raise ValidationError(_("Indica al massimo %(n)d lingue.") % {"n": MAX_LANGUAGES}, code="languages")
    unknown = [code for code in value if code not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(_("Codici di lingua non riconosciuti (ISO 639, es. it, ar, uk): %(codes)s.")
                              % {"codes": ", ".join(unknown)}, code="languages")
    if len(set(value)) != len(value):
        raise ValidationError(_("Una lingua è indicata due volte."), code="languages")


def validate_phones(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(phone, str) for phone in value):
        raise ValidationError(_("I telefoni devono essere un elenco di numeri."), code="phones")
    if len(value) > MAX_PHONES:
        raise ValidationError(_("Indica al massimo %(n)d numeri di telefono.") % {"n": MAX_PHONES}, code="phones")
    for phone in value:
        if not _PHONE.match(phone.strip()):
            raise ValidationError(_("«%(phone)s» non sembra un numero di telefono.") % {"phone": phone},
                                  code="phones")


def validate_emails(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(address, str) for address in value):
        raise ValidationError(_("Gli indirizzi e-mail devono essere un elenco."), code="emails")
    for address in value:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(_("«%(email)s» non è un indirizzo e-mail valido.") % {"email": address},
                                  code="emails") from None

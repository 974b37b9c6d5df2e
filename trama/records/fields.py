"""Encrypted model fields for special-category data (docs/adr/0002-field-encryption.md).

The model attribute of an encrypted field never holds plaintext a template, a serializer or a log could print:
it holds a `Sealed` value (or None when nothing was recorded). Writes wrap the assigned plaintext in a pending
`Sealed` at once; `pre_save` encrypts it with the row's associated data (table, column, row uuid). Reads from the
database give a `Sealed` holding only the token. Plaintext comes out only through `trama.records.protection.reveal`,
which requires an `Entitlement` issued by the access funnel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

MASK = "[dato protetto]"


class Sealed:
    """An encrypted value, or a plaintext waiting to be encrypted at save. Prints as a mask, never the value."""

    __slots__ = ("_pending", "_token")

    def __init__(self, *, token: str | None = None, pending: Any = None) -> None:
        if (token is None) == (pending is None):
            raise ValueError("A Sealed value has either a token or a pending plaintext.")
        self._token = token
        self._pending = pending

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def is_pending(self) -> bool:
        return self._token is None

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return "<Sealed pending>" if self.is_pending else "<Sealed>"

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        # Two tokens are equal only if they are the same ciphertext; pending values compare by identity.
        if not isinstance(other, Sealed):
            return NotImplemented
        return self is other or (self._token is not None and self._token == other._token)

    def __hash__(self) -> int:
        return hash(self._token) if self._token is not None else id(self)

    def __reduce__(self) -> Any:
        # Pickling (cache, sessions) must not carry a plaintext out of the process.
        if self.is_pending:
            raise TypeError("A pending encrypted value cannot be pickled; save the model first.")
        return (_unpickle_sealed, (self._token,))

    def _pending_value(self) -> Any:
        return self._pending

    def _sealed_as(self, token: str) -> None:
        self._token = token
        self._pending = None


def _unpickle_sealed(token: str) -> Sealed:
    return Sealed(token=token)


class _SealingDescriptor(DeferredAttribute):
    """Wraps every assigned value in a Sealed, so the attribute never exposes a plaintext."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = self.field.wrap(value)  # type: ignore[attr-defined]


class EncryptedField(models.TextField):
    """Base of the encrypted fields: stores the token in a text column (NULL when nothing is recorded)."""

    descriptor_class = _SealingDescriptor
    # For django-stubs: services assign plaintext (sealed at once), reads give Sealed or None.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Sealed | None  # type: ignore[assignment]
    # Model → its category mapping tells the funnel who may reveal; these fields only keep the value sealed.
    encrypted = True

    def __init__(self, *args: Any, allowed: Iterable[str] | None = None, **kwargs: Any) -> None:
        kwargs["null"] = True
        kwargs["blank"] = True
        kwargs.setdefault("editable", False)
        self.allowed = tuple(allowed) if allowed is not None else None
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        kwargs.pop("blank", None)
        if kwargs.get("editable") is False:
            kwargs.pop("editable")
        if self.allowed is not None:
            kwargs["allowed"] = list(self.allowed)
        return name, path, args, kwargs

    # --- Python side --------------------------------------------------------------------------------

    def wrap(self, value: Any) -> Sealed | None:
        if value is None or isinstance(value, Sealed):
            return value
        if value == "" or value == [] or value == {}:
            return None
        return Sealed(pending=value)

    def encode_plain(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode_plain(self, data: bytes) -> Any:
        return data.decode("utf-8")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(token=value)

    def to_python(self, value: Any) -> Any:
        return self.wrap(value)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        if isinstance(value, Sealed) and value.is_pending:
            self.validate_plaintext(value._pending_value())

    def validate_plaintext(self, plain: Any) -> None:
        if self.allowed is not None and plain not in self.allowed:
            raise ValidationError(_("Valore non ammesso per «%(field)s».") % {"field": self.verbose_name},
                                  code="invalid_choice")
        if not isinstance(plain, str):
            raise ValidationError(_("Valore non ammesso per «%(field)s».") % {"field": self.verbose_name},
                                  code="invalid")

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) carries the token only.
        value = self.value_from_object(obj)
        if isinstance(value, Sealed) and value.is_pending:
            raise ValueError("Save the model before serialising an encrypted field.")
        return value.token if isinstance(value, Sealed) else ""  # type: ignore[return-value]

    # --- Database side ------------------------------------------------------------------------------

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, Sealed) and value.is_pending:
            from trama.records.protection import seal_for_row

            value._sealed_as(seal_for_row(model_instance, self, self.encode_plain(value._pending_value())))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            if value.is_pending:
                # Only model.save() knows the row, which the token is bound to: QuerySet.update(field=plaintext)
                # would store a value that no row could decrypt.
                raise ValueError("Encrypted fields are written through model.save(), not QuerySet.update().")
            return value.token
        raise TypeError("Encrypted fields store Sealed values only.")

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return self.get_prep_value(value)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> None:
        return None  # never edited through a ModelForm: forms take plaintext and services seal it


class EncryptedTextField(EncryptedField):
    """Free text or a choice code (`allowed=`), encrypted."""


class EncryptedJSONField(EncryptedField):
    """A JSON value (dict or list), encrypted as a whole."""

    def encode_plain(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def decode_plain(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))

    def validate_plaintext(self, plain: Any) -> None:
        try:
            json.dumps(plain)
        except (TypeError, ValueError):
            raise ValidationError(_("Valore non ammesso per «%(field)s».") % {"field": self.verbose_name},
                                  code="invalid") from None

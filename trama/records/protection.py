"""Encryption at rest of special-category fields, and the one way to read them back (docs/adr/0002).

- `seal_for_row` is called by the encrypted fields at save: AES-256-GCM with the current key of
  TRAMA_RECORDS_KEYS, bound to table, column and row uuid.
- `reveal(obj, field, entitlement=…)` is the only decryption path. It needs an `Entitlement` for the row's
  household that covers the field's category (and, for sensitive notes, sensitive notes). Entitlements are issued
  by the access funnel (trama/records/access.py, after the role, consent and legal-basis checks and the audit
  event); nothing else may call `Entitlement.issue` (a test enforces it).
- `reencrypt_model` rewrites tokens made with an old key (manage.py records_reencrypt).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from trama.lib import crypto
from trama.records.categories import DataCategory, category_of, is_sensitive_note
from trama.records.fields import EncryptedField, Sealed
from trama.records.models import Dimension, SealedRow

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.records.models import Household, PlanVersion


class NotEntitled(PermissionDenied):
    """The entitlement does not cover this household, category or sensitive note."""


# --- Keys -----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _ring_for(spec: str) -> crypto.KeyRing:
    return crypto.parse_key_ring(spec)


def key_ring() -> crypto.KeyRing:
    """The configured key ring (parsed once per configuration value; tests may override the setting)."""
    return _ring_for(settings.TRAMA_RECORDS_KEYS)


def associated_data(obj: models.Model, db_column: str, row_uuid: Any) -> bytes:
    return f"trama.records|{obj._meta.db_table}|{db_column}|{row_uuid}".encode()


def _field_aad(obj: models.Model, model_field: EncryptedField, row_uuid: Any = None) -> bytes:
    if row_uuid is None:
        if not isinstance(obj, SealedRow):
            raise TypeError(f"{obj._meta.label} has encrypted fields but is not a SealedRow.")
        row_uuid = obj.uuid
    return associated_data(obj, model_field.column, row_uuid)


def seal_for_row(obj: models.Model, model_field: EncryptedField, plaintext: bytes) -> str:
    return crypto.encrypt(key_ring(), plaintext, associated_data=_field_aad(obj, model_field))


# --- Entitlements ---------------------------------------------------------------------------------------

_ISSUER = object()


@dataclass(frozen=True)
class Entitlement:
    """What one user may read of one household, decided by the access funnel for one request."""

    household_id: int
    categories: frozenset[DataCategory]
    sensitive_notes: bool
    user_id: int | None
    purpose: str
    # Only these members' rows, when every source of access is a consent given for single members; None: all.
    person_ids: frozenset[int] | None = None
    # When some source covers single members only (a consent given for one person, a referral of some members):
    # the categories of every member's rows (`member_base`) and those added for some members (`member_extra`).
    # None: a member's rows have the household's `categories`.
    member_base: frozenset[DataCategory] | None = None
    member_extra: tuple[tuple[int, frozenset[DataCategory]], ...] = ()
    _issuer: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._issuer is not _ISSUER:
            raise TypeError("Entitlements are issued by the access funnel through Entitlement.issue().")

    @classmethod
    def issue(
        cls, *, household: Household, categories: Iterable[DataCategory | str], user: User | None, purpose: str,
        sensitive_notes: bool = False, person_ids: Iterable[int] | None = None,
        member_base: Iterable[DataCategory] | None = None,
        member_extra: Mapping[int, Iterable[DataCategory]] | None = None,
    ) -> Entitlement:
        """For trama/records/access.py only: call it after the checks and the audit event."""
        if not purpose:
            raise ValueError("An entitlement states its purpose.")
        granted = frozenset(DataCategory(c) for c in categories)
        base = frozenset(DataCategory(c) for c in member_base) if member_base is not None else None
        extra = tuple(sorted((pk, frozenset(DataCategory(c) for c in values))
                             for pk, values in (member_extra or {}).items()))
        if base is not None and not (base | frozenset().union(*(v for _pk, v in extra))) <= granted:
            raise ValueError("A member's categories are among the household's.")
        return cls(household_id=household.pk, categories=granted,
                   sensitive_notes=sensitive_notes, user_id=user.pk if user is not None else None,
                   purpose=purpose, person_ids=frozenset(person_ids) if person_ids is not None else None,
                   member_base=base, member_extra=extra if base is not None else (), _issuer=_ISSUER)

    def categories_for(self, person_id: int | None) -> frozenset[DataCategory]:
        """The categories readable of a row about one member (None: a row about the whole household)."""
        if person_id is None or self.member_base is None:
            return self.categories
        return self.member_base | dict(self.member_extra).get(person_id, frozenset())

    def members_with(self, category: DataCategory) -> frozenset[int] | None:
        """The members whose rows of this category are readable (None: every member shown)."""
        if self.member_base is None or category in self.member_base:
            return None if category in self.categories else frozenset()
        return frozenset(pk for pk, values in self.member_extra if category in values)

    def covers(self, obj: models.Model, field_name: str) -> bool:
        if not isinstance(obj, SealedRow) or obj.owning_household_id() != self.household_id:
            return False
        if is_sensitive_note(obj) and not self.sensitive_notes:
            return False
        from trama.records.models import Person

        person_id = obj.pk if isinstance(obj, Person) else getattr(obj, "person_id", None)
        if self.person_ids is not None and person_id is not None and person_id not in self.person_ids:
            return False
        category = category_of(obj, field_name)
        return category is None or category in self.categories_for(person_id)


def _encrypted_field(obj: models.Model, field_name: str) -> EncryptedField:
    model_field = obj._meta.get_field(field_name)
    if not isinstance(model_field, EncryptedField):
        raise ValueError(f"{obj._meta.label}.{field_name} is not an encrypted field.")
    return model_field


def _decrypt(obj: models.Model, model_field: EncryptedField) -> Any:
    """The plaintext of one encrypted field of one row (callers decide who may read it)."""
    value = getattr(obj, model_field.attname)
    if value is None:
        return None
    assert isinstance(value, Sealed)
    if value.is_pending:
        return value._pending_value()
    return model_field.decode_plain(
        crypto.decrypt(key_ring(), value.token or "", associated_data=_field_aad(obj, model_field)))


def reveal(obj: models.Model, field_name: str, *, entitlement: Entitlement) -> Any:
    """The plaintext of an encrypted field, if the entitlement covers it; NotEntitled otherwise.

    Raises crypto.DecryptionError if the stored value was altered or moved from another row."""
    model_field = _encrypted_field(obj, field_name)
    if not isinstance(entitlement, Entitlement):
        raise NotEntitled("An Entitlement from the access funnel is required.")
    if not entitlement.covers(obj, field_name):
        raise NotEntitled(f"Not entitled to {obj._meta.label}.{field_name} of this household.")
    return _decrypt(obj, model_field)


def reveal_if_entitled(obj: models.Model, field_name: str, *, entitlement: Entitlement) -> Any:
    """Like `reveal`, but None when the entitlement does not cover the field (for pages that simply omit it)."""
    _encrypted_field(obj, field_name)
    if not isinstance(entitlement, Entitlement) or not entitlement.covers(obj, field_name):
        return None
    return reveal(obj, field_name, entitlement=entitlement)


def reveal_plan_snapshot(version: PlanVersion, *, entitlement: Entitlement) -> dict[str, Any]:
    """A plan version, without the goals of the health dimension unless the entitlement covers health."""
    snapshot: dict[str, Any] = reveal(version, "snapshot", entitlement=entitlement) or {"goals": []}
    if DataCategory.HEALTH not in entitlement.categories:
        snapshot = {**snapshot, "goals": [goal for goal in snapshot.get("goals", [])
                                          if goal.get("dimension") != Dimension.HEALTH]}
    return snapshot


# --- Rotation -------------------------------------------------------------------------------------------


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    found = []
    # Every installed model, not only records': apps built on records (referrals) use the same fields and key.
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found


@dataclass
class RotationResult:
    model: str
    values: int = 0
    rotated: int = 0
    skipped: int = 0  # changed by someone else while we worked; the next run picks them up


def reencrypt_model(model: type[models.Model], fields: list[EncryptedField], *, batch_size: int = 500,
                    dry_run: bool = False) -> RotationResult:
    """Rewrite, under the current key, every value of `fields` encrypted with another key of the ring.

    The plaintext never leaves trama.lib.crypto.reencrypt. Each value is replaced with a conditional UPDATE
    (only if it still holds the old token), through a plain QuerySet because the history models forbid
    updates: rotation changes no content, only the key that protects it."""
    ring = key_ring()
    result = RotationResult(model=model._meta.label)
    last_pk: Any = None
    names = [f.attname for f in fields]
    while True:
        rows: models.QuerySet[Any] = models.QuerySet(model).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values_list("pk", "uuid", *names)[:batch_size])
        if not batch:
            return result
        for pk, row_uuid, *values in batch:
            last_pk = pk
            for model_field, value in zip(fields, values, strict=True):
                if value is None:
                    continue
                result.values += 1
                if not crypto.needs_rotation(ring, value.token):
                    continue
                probe = model(pk=pk)
                new_token = crypto.reencrypt(ring, value.token,
                                             associated_data=_field_aad(probe, model_field, row_uuid))
                if dry_run:
                    result.rotated += 1
                    continue
                updated = models.QuerySet(model).filter(pk=pk, **{model_field.attname: value}).update(
                    **{model_field.attname: Sealed(token=new_token)})
                if updated:
                    result.rotated += 1
                else:
                    result.skipped += 1


def reveal_linked(obj: models.Model, field_name: str, *, entitlement: Entitlement) -> Any:
    """The plaintext of an encrypted field of another app's row about the entitlement's household (a referral's
    reason, one of its messages), whose fields have no data category here: only for an entitlement to every
    category and to sensitive notes — the owner's complete view, as a person's GDPR export requires."""
    if not isinstance(entitlement, Entitlement):
        raise NotEntitled("An Entitlement from the access funnel is required.")
    complete = (entitlement.categories == frozenset(DataCategory) and entitlement.sensitive_notes
                and entitlement.person_ids is None)
    if (not complete or not isinstance(obj, SealedRow) or obj._meta.app_label == "records"
            or obj.owning_household_id() != entitlement.household_id):
        raise NotEntitled(f"Not entitled to {obj._meta.label}.{field_name}.")
    model_field = _encrypted_field(obj, field_name)
    return _decrypt(obj, model_field)


def unseal_for_copy(obj: models.Model, field_name: str) -> Any:
    """The plaintext of an encrypted field, for a service that copies it into another encrypted value (plan
    versions). Not for display: the result must not leave the service (a test limits its callers)."""
    model_field = _encrypted_field(obj, field_name)
    return _decrypt(obj, model_field)

"""Building blocks of the records models: immutable history rows and rows carrying encrypted fields."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels

_M = TypeVar("_M", bound=models.Model)


class ImmutableQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("History rows are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("History rows are immutable.")


class ImmutableModel(ChoiceLabels, models.Model):
    """Written once (history, versions): no update or delete through the ORM. Concrete models declare
    `objects` from a subclass of ImmutableQuerySet."""

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("History rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("History rows are immutable.")


class SealedRow(ChoiceLabels, models.Model):
    """A row with encrypted fields: `uuid` is known before the insert and binds each ciphertext to its row
    (the associated data is table, column and uuid), so a ciphertext copied to another row does not decrypt."""

    uuid = models.UUIDField(_("identificativo"), default=uuid.uuid4, editable=False)

    # How to reach the household from this row, for the entitlement check (overridden per model).
    household_path: tuple[str, ...] = ("household_id",)

    class Meta:
        abstract = True

    def owning_household_id(self) -> int:
        value: Any = self
        for name in self.household_path:
            value = getattr(value, name)
        return int(value)

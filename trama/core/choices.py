"""A cheaper `get_FOO_display()` for models whose rows fill list pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# Each field's choices as {value: label}, the labels still lazy. Fields are created once, at import, and our
# models' choices are fixed there (no callable choices, none reassigned at run time): read once per field.
_LABELS: dict[Field[Any, Any], dict[Any, Any]] = {}


def _labels(field: Field[Any, Any]) -> dict[Any, Any]:
    labels = _LABELS.get(field)
    if labels is None:
        labels = _LABELS[field] = {make_hashable(value): label for value, label in field.flatchoices}
    return labels


class ChoiceLabels(models.Model):
    """An abstract base, put before `models.Model` (or another base) in a model's bases. Django's
    `get_FOO_display()` builds a dict of every choice on each call, and hashing a lazy label translates it: one
    badge on a page cost every label of its field, some 40 µs, and a list of referrals showed hundreds. Here only
    the label shown is translated, into the language active at the call, as before."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)

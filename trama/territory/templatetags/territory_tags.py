from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value: int | float | None) -> str:
    """Population figures with the locale's thousands separator (1.407.044 in Italian); "–" when missing."""
    if value is None or value == "":
        return "–"
    return number_format(value, force_grouping=True)

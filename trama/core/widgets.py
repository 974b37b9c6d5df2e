"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Attributes as Django's widget template writes them: in their order, True as a bare name, False left out
    (django.forms.utils.flatatt sorts them)."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False and value is not None))


class QuickSelect(forms.Select):
    """A single-choice <select> whose options are written in Python. Django renders every option through its
    own template (and attributes through another): for the search forms' ~200 options (needs, NIL, languages)
    that was 40% of the staff search page's time. The markup is Django's, without the blank lines; choices in
    groups are left to Django."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        parts: list[str] = [format_html('<select name="{}"{}>', name, _attributes(final))]
        chosen = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            # Like Django: only the first option with the selected value is marked (a single choice).
            is_selected = not chosen and text in selected
            chosen = chosen or is_selected
            parts.append(format_html('<option value="{}"{}>{}</option>', text, " selected" if is_selected else "",
                                     label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html

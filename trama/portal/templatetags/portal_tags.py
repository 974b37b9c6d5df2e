from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag
def portal_languages() -> list[dict[str, object]]:
    """Every portal language in its own name, as settings.LANGUAGES spells it ("Français", "العربية"): the
    `get_available_languages` tag would translate the names into the page's language."""
    return [{"code": code, "name": name, "bidi": bool(get_language_info(code)["bidi"])}
            for code, name in settings.LANGUAGES]


@register.filter
def phone_text(phone: Any) -> str:
    """A phone number as printed, with its extension (display.phone_text)."""
    from trama.portal.display import phone_text as text

    return text(phone)

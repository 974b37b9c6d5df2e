"""The language of texts written once for many readers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


@contextmanager
def platform_language() -> Iterator[None]:
    """Texts stored for many readers (an organisation's notifications and their e-mails) are written in the
    platform's language (settings.LANGUAGE_CODE), not in that of the request, the command or the job that caused
    them: an operator working in English must not leave English notices in an Italian cooperative's inbox."""
    with translation.override(settings.LANGUAGE_CODE):
        yield

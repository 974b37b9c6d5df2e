"""`ChoiceLabels.get_FOO_display()` gives what Django's gives, in the active language, for every choice field."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from trama.core.choices import ChoiceLabels


def _choice_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    return [(model, field) for model in apps.get_models() if model.__module__.startswith("trama.")
            for field in model._meta.concrete_fields if field.choices]


def test_every_model_with_choices_uses_the_cheaper_display() -> None:
    missing = sorted(f"{model.__name__}.{field.name}" for model, field in _choice_fields()
                     if not issubclass(model, ChoiceLabels))
    assert _choice_fields() and not missing


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_label_as_django_gives_it(language: str) -> None:
    checked = 0
    with translation.override(language):
        for model, field in _choice_fields():
            for value, label in field.flatchoices:
                row = model(**{field.attname: value})
                shown = getattr(row, f"get_{field.name}_display")()
                assert shown == str(label), (model.__name__, field.name, value)
                checked += 1
    assert checked > 100


def test_the_label_follows_the_active_language() -> None:
    from trama.referrals.models import Referral

    referral = Referral(status="sent")
    with translation.override("it"):
        italian = referral.get_status_display()
    with translation.override("en"):
        english = referral.get_status_display()
    assert (italian, english) == ("Inviata, in attesa di risposta", "Sent, waiting for an answer")


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    from trama.referrals.models import Referral

    assert Referral(status="unknown").get_status_display() == "unknown"
    assert Referral(outcome="").get_outcome_display() == ""

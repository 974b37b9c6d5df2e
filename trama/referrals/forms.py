"""Forms of the referral pages: they validate input only; the services in trama/referrals/services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trama.records.categories import DataCategory
from trama.referrals.models import DeclineReason, Outcome, Urgency


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo del rifiuto"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices)
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Messaggio"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi il messaggio.")})


class ReferralForm(forms.Form):
    """A new referral: who, to which service (a pk among the services the user may see), why, how urgent, what."""

    people = forms.MultipleChoiceField(label=_("Persone da segnalare"), widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Scegli almeno una persona da segnalare.")})
    service = forms.IntegerField(label=_("Servizio"), widget=forms.HiddenInput,
                                 error_messages={"required": _("Cerca e scegli un servizio."),
                                                 "invalid": _("Cerca e scegli un servizio.")})
    reason = forms.CharField(label=_("Motivo dell'invio"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Scrivi il motivo dell'invio.")})
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    categories = forms.MultipleChoiceField(
        label=_("Dati da condividere"), widget=forms.CheckboxSelectMultiple, choices=DataCategory.choices,
        initial=[DataCategory.IDENTITY, DataCategory.NEEDS_AND_PLAN],
        error_messages={"required": _("Scegli almeno una categoria di dati da condividere.")})

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people  # type: ignore[attr-defined]

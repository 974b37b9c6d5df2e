"""Forms of the referral pages: they validate input only; the services in trama/referrals/services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trama.network.models import Organisation
from trama.records.categories import DataCategory
from trama.referrals.models import DeclineReason, Outcome, Urgency


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo del rifiuto"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices)
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SubmissionForm(forms.Form):
    """A form whose submission creates a row: it carries a key made when the page was drawn, which becomes the
    row's uuid, so that a second submission of the same page (a double click, a reload after a slow answer)
    finds the row made by the first instead of making another one (the services check it; the uuid is unique)."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission"].initial = uuid.uuid4()


class MessageForm(SubmissionForm):
    text = forms.CharField(label=_("Messaggio"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi il messaggio.")})


class ReferralForm(SubmissionForm):
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

    basis = forms.ChoiceField(
        label=_("Consenso o base giuridica che copre l'invio"), required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Il consenso o la base giuridica scelti non sono più in vigore: "
                                            "scegline un altro o la scelta automatica.")})

    def __init__(self, *args: Any, people: list[tuple[str, str]],
                 bases: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people  # type: ignore[attr-defined]
        # "" is the automatic choice (the first consent or legal basis in force that covers the referral), so a
        # form submitted without this field behaves as it always did.
        self.fields["basis"].choices = [("", _("Scelta automatica")), *(bases or [])]  # type: ignore[attr-defined]
        self.fields["basis"].initial = ""

    def main_fields(self) -> list[forms.BoundField]:
        """The fields rendered by the generic include; the basis has its own block (with what each one covers)."""
        return [field for field in self.visible_fields() if field.name != "basis"]

    def chosen_basis(self) -> tuple[str, int] | None:
        """("consent" | "legal_basis", pk) when a specific basis was chosen; None for the automatic choice."""
        value = str(self.cleaned_data.get("basis") or "")
        kind, _sep, pk = value.partition(":")
        if kind in ("consent", "legal_basis") and pk.isdigit():
            return kind, int(pk)
        return None


class TransferForm(forms.Form):
    """Passing the case to another organisation of the holding organisation's networks."""

    to_organisation = forms.ModelChoiceField(
        label=_("Organizzazione che prende in carico il nucleo"), queryset=Organisation.objects.none(),
        empty_label=_("— scegli —"),
        error_messages={"required": _("Scegli l'organizzazione a cui passare la presa in carico."),
                        "invalid_choice": _("Scegli un'organizzazione tra quelle delle tue reti.")})
    reason = forms.CharField(label=_("Motivo del passaggio"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Non scrivere dati della famiglia: l'organizzazione li vedrà nella "
                                         "cartella dopo aver accettato."),
                             error_messages={"required": _("Scrivi il motivo del passaggio.")})

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations  # type: ignore[attr-defined]


class TransferAnswerForm(forms.Form):
    note = forms.CharField(label=_("Nota (facoltativa)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

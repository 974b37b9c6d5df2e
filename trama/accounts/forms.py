from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from trama.accounts.roles import Role


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("E-mail o password non corretti."),
        "inactive": _("Questo account è disattivato."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Codice a 6 cifre"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Il codice contiene solo cifre."))
        return token


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Azione"), required=False, max_length=80)
    actor = forms.CharField(label=_("Utente (e-mail)"), required=False, max_length=254)
    object_type = forms.CharField(label=_("Tipo di oggetto"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Id oggetto"), required=False, max_length=64)
    date_from = forms.DateField(label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError(_("La data finale precede quella iniziale."))
        return data


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))


class MembershipGrantForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organizzazione"), queryset=None  # type: ignore[arg-type]
    )
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices)
    network: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Solo per la rete"), queryset=None, required=False,  # type: ignore[arg-type]
        help_text=_("Lascia vuoto se il ruolo vale per tutte le reti di cui l'organizzazione fa parte."),
    )
    valid_from = forms.DateField(label=_("Valida dal"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valida fino al"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from trama.network.models import Network, Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["network"].queryset = Network.objects.filter(is_active=True).order_by("level", "name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("valid_until", _("La data di fine precede quella di inizio."))
        return data

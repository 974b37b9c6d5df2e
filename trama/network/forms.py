"""Forms of the network pages. They validate input only: writes go through trama.network.services, whose
ApplicationError becomes a form error (`trama.core.pages.apply_error`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.lib.codice_fiscale import normalise as normalise_fiscal_code
from trama.network.models import (
    ActionItem,
    ActionStatus,
    ATSMember,
    AttendanceStatus,
    BodyKind,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    Network,
    NetworkLevel,
    NetworkMembership,
    Organisation,
    OrganisationKind,
    Person,
    Programme,
)
from trama.territory.models import Area
from trama.territory.selectors import HEAVY

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InputModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm used only to validate input for a service: it takes its fields, labels and validators from
    the model, but never copies the data into the instance (the service decides what changes, and audits it).
    """

    def _post_clean(self) -> None:
        return None


def limit_choices(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Narrow a model choice field to what the page may offer (the service checks the same rules)."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def municipio_choices() -> QuerySet[Area]:
    return Area.objects.filter(kind__in=["municipio", "comune"]).defer(*HEAVY).order_by("kind", "code")


# --- Organisations --------------------------------------------------------------------------------


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca per nome"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Tipo"), required=False, choices=[("", _("Tutti i tipi")), *OrganisationKind.choices]
    )
    municipio = forms.ModelChoiceField(
        label=_("Municipio"), required=False, queryset=Area.objects.none(), empty_label=_("Tutti i municipi")
    )
    network = forms.ModelChoiceField(
        label=_("Rete"), required=False, queryset=Network.objects.none(), empty_label=_("Tutte le reti")
    )

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["municipio"], municipio_choices())
        limit_choices(self.fields["network"], networks.order_by("level", "name"))


class OrganisationForm(InputModelForm):
    website = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")
    municipi = forms.ModelMultipleChoiceField(
        label=_("Municipi in cui opera"),
        required=False,
        queryset=Area.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 9}),
        help_text=_("Tieni premuto Ctrl (o Cmd) per sceglierne più d'uno."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "legal_form",
            "fiscal_code",
            "runts_number",
            "description",
            "website",
            "email",
            "phone",
            "municipi",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, can_deactivate: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["municipi"], municipio_choices())
        # Only roles that edit any organisation may switch one off: its own staff would lock themselves out.
        if self.instance.pk is None or not can_deactivate:
            return
        self.fields["is_active"] = forms.BooleanField(
            label=_("Attiva"), required=False, initial=self.instance.is_active
        )

    def clean_fiscal_code(self) -> str:
        return normalise_fiscal_code(self.cleaned_data.get("fiscal_code") or "")


class AddressForm(forms.Form):
    label = forms.CharField(
        label=_("Etichetta"),
        required=False,
        max_length=120,
        help_text=_("Es. sede legale, sede operativa, spazio mamma-bambino."),
    )
    address_text = forms.CharField(
        label=_("Indirizzo"), max_length=250, help_text=_("Via e numero civico, es. «Via Padova 36».")
    )
    allow_unlocated = forms.BooleanField(
        label=_("Salva anche se l'indirizzo non è nello stradario (senza posizione sulla mappa)"),
        required=False,
    )


class PersonForm(InputModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "title", "email", "phone", "user"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from trama.accounts.models import Membership, User

        members = Membership.objects.active().filter(organisation=organisation).values("user_id")
        limit_choices(self.fields["user"], User.objects.filter(pk__in=members).order_by("full_name"))
        self.fields["user"].help_text = _("Facoltativo: l'account Trama di questa persona.")
        if self.instance.pk is not None:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Attiva"), required=False, initial=self.instance.is_active
            )


class ATSMemberForm(InputModelForm):
    class Meta:
        model = ATSMember
        fields = ["organisation", "role", "since"]
        widgets = {"since": DATE_WIDGET}

    def __init__(self, *args: Any, ats: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = Organisation.objects.filter(is_active=True).exclude(kind=OrganisationKind.ATS)
        limit_choices(self.fields["organisation"], candidates.exclude(pk=ats.pk))


# --- Networks -------------------------------------------------------------------------------------


class NetworkFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca per nome"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Livello"), required=False, choices=[("", _("Tutti i livelli")), *NetworkLevel.choices]
    )
    programme = forms.ModelChoiceField(
        label=_("Programma"),
        required=False,
        queryset=Programme.objects.all(),
        empty_label=_("Tutti i programmi"),
    )


class NetworkForm(InputModelForm):
    class Meta:
        model = Network
        fields = ["name", "level", "parent", "area", "programme", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Network.objects.exclude(level=NetworkLevel.NEIGHBOURHOOD)
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["is_active"] = forms.BooleanField(
                label=_("Attiva"), required=False, initial=self.instance.is_active
            )
        limit_choices(self.fields["parent"], parents.order_by("level", "name"))
        self.fields["parent"].help_text = _(
            "Una rete municipale sta sotto una cittadina, una di quartiere sotto una municipale."
        )
        limit_choices(self.fields["area"], Area.objects.defer(*HEAVY).order_by("kind", "code"))


class MembershipForm(InputModelForm):
    class Meta:
        model = NetworkMembership
        fields = ["organisation", "role", "since", "until"]
        widgets = {"since": DATE_WIDGET, "until": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["organisation"], Organisation.objects.filter(is_active=True))
        self.fields["since"].initial = timezone.localdate


class EndForm(forms.Form):
    until = forms.DateField(label=_("Ultimo giorno"), widget=DATE_WIDGET, initial=timezone.localdate)


# --- Governance -----------------------------------------------------------------------------------


class BodyForm(InputModelForm):
    class Meta:
        model = GovernanceBody
        fields = ["kind", "name", "theme", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only the kinds that fit the network's level (the service checks the same rule).
        not_for_level: dict[str, set[str]] = {
            NetworkLevel.CITY: {BodyKind.MUNICIPAL_STEERING},
            NetworkLevel.MUNICIPAL: {BodyKind.INTEGRATED_STEERING},
            NetworkLevel.NEIGHBOURHOOD: {BodyKind.INTEGRATED_STEERING, BodyKind.MUNICIPAL_STEERING},
        }
        excluded = not_for_level.get(network.level, set())
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [c for c in BodyKind.choices if c[0] not in excluded]
        if self.instance.pk is not None:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Attivo"), required=False, initial=self.instance.is_active
            )


class BodyMemberForm(InputModelForm):
    class Meta:
        model = BodyMember
        fields = ["person", "organisation", "role", "since"]
        widgets = {"since": DATE_WIDGET}

    def __init__(
        self, *args: Any, people: QuerySet[Person], organisations: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["person"], people)
        self.fields["person"].help_text = _("Una persona oppure un'intera organizzazione.")
        limit_choices(self.fields["organisation"], organisations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("organisation")):
            raise forms.ValidationError(_("Scegli una persona oppure un'organizzazione (non entrambe)."))
        return data


class MeetingForm(InputModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "agenda"]
        widgets = {
            "starts_at": datetime_widget(),
            "ends_at": datetime_widget(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts_at, dt.datetime) and isinstance(ends_at, dt.datetime) and ends_at <= starts_at:
            self.add_error("ends_at", _("La fine della riunione deve essere successiva all'inizio."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Verbale"), widget=forms.Textarea(attrs={"rows": 12}))


class MeetingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stato"), choices=MeetingStatus.choices)


class AttendanceForm(forms.Form):
    """One select per expected participant: the body's members on the meeting day, plus anyone already
    recorded. Field names are `p<person id>` and `o<organisation id>`."""

    def __init__(self, *args: Any, rows: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— non indicato —")), *AttendanceStatus.choices]
        for key, label, current in rows:
            self.fields[key] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=current
            )


class DecisionForm(InputModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ActionItemForm(InputModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "description", "owner", "due_on", "decision"]
        widgets = {"due_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, owners: QuerySet[Any], decisions: QuerySet[Decision] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["owner"], owners)
        if decisions is None:
            del self.fields["decision"]
        else:
            limit_choices(self.fields["decision"], decisions)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stato"), choices=ActionStatus.choices)
    done_on = forms.DateField(label=_("Completata il"), required=False, widget=DATE_WIDGET)

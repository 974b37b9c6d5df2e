"""Forms of the social-record pages. They validate input only: writes go through trama.records.services and
trama.records.consent, whose ApplicationError becomes a form error (trama.core.pages.apply_error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trama.accounts.models import User
from trama.lib.codice_fiscale import normalise as normalise_fiscal_code
from trama.network.forms import DATE_WIDGET, InputModelForm, limit_choices
from trama.network.models import Network, Organisation
from trama.records.categories import DataCategory
from trama.records.models import (
    NEEDS_TAXONOMY_CODE,
    ActionStatus,
    ClosureReason,
    Dimension,
    Disability,
    DocumentsStatus,
    GivenByKind,
    GoalStatus,
    HouseholdStatus,
    LegalBasis,
    LegalBasisRecord,
    NoteVisibility,
    NoticeLanguage,
    OutcomeResult,
    Person,
    ResidencyStatus,
    SharingBasis,
    SpecialCondition,
    StatementKind,
)
from trama.records.notice import CURRENT_NOTICE_VERSION, NOTICE_VERSIONS
from trama.territory.models import Area
from trama.territory.selectors import HEAVY

SCORE_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
MAX_TEXT = 20_000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _areas(kind: str) -> QuerySet[Area]:
    return Area.objects.filter(kind=kind).defer(*HEAVY).order_by("code")


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


# --- Lists ----------------------------------------------------------------------------------------------


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca per codice o etichetta"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Stato"), required=False,
                               choices=[("", _("Tutti")), *HouseholdStatus.choices],
                               help_text=_("Lo stato dei nuclei condivisi si vede aprendoli: il filtro riguarda "
                                           "i nuclei della tua organizzazione."))
    source = forms.ChoiceField(label=_("Accesso"), required=False,
                               choices=[("", _("Tutti")), ("own", _("Della mia organizzazione")),
                                        ("shared", _("Condivisi con me"))])


# --- Households -----------------------------------------------------------------------------------------


class HouseholdEditForm(forms.Form):
    """What may change on a household after its creation."""

    label = forms.CharField(label=_("Etichetta"), required=False, max_length=120,
                            help_text=_("Un nome breve per riconoscere il nucleo, ad esempio «Famiglia R.»."))
    municipio = forms.ModelChoiceField(label=_("Municipio"), required=False, queryset=Area.objects.none())
    nil = forms.ModelChoiceField(label=_("NIL"), required=False, queryset=Area.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["municipio"], _areas("municipio"))
        limit_choices(self.fields["nil"], _areas("nil"))


class HouseholdForm(HouseholdEditForm):
    organisation = forms.ModelChoiceField(label=_("Organizzazione titolare"), queryset=Organisation.objects.none())
    opened_on = forms.DateField(label=_("Aperto il"), required=False, widget=DATE_WIDGET)
    field_order = ["organisation", "label", "municipio", "nil", "opened_on"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["organisation"], organisations.order_by("name"))
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo della chiusura"), choices=[("", "—"), *ClosureReason.choices])
    note = forms.CharField(label=_("Nota"), required=False, max_length=MAX_TEXT, widget=_textarea())
    closed_on = forms.DateField(label=_("Data di chiusura"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, dimensions: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimension_fields = _outcome_fields(self, dimensions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _require_values_for_texts(self, data, _("Indica l'esito per le evidenze scritte."))
        return data

    def outcomes(self) -> dict[str, tuple[str, str]]:
        return _outcomes_of(self)


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Motivo della riapertura"), max_length=MAX_TEXT, widget=_textarea())


# --- People ---------------------------------------------------------------------------------------------


# Fields of the person form per data category: the form offers only the categories the user may see.
PERSON_FIELD_CATEGORIES: dict[str, DataCategory] = {
    "role_in_household": DataCategory.IDENTITY, "first_name_or_alias": DataCategory.IDENTITY,
    "surname": DataCategory.IDENTITY, "birth_date": DataCategory.IDENTITY, "birth_year": DataCategory.IDENTITY,
    "sex_gender": DataCategory.IDENTITY, "fiscal_code": DataCategory.IDENTITY, "languages": DataCategory.IDENTITY,
    "interpreter_needed": DataCategory.IDENTITY,
    "citizenship": DataCategory.LEGAL_MIGRATION, "country_of_birth": DataCategory.LEGAL_MIGRATION,
    "mother_country_of_birth": DataCategory.LEGAL_MIGRATION, "father_country_of_birth": DataCategory.LEGAL_MIGRATION,
    "documents_status": DataCategory.LEGAL_MIGRATION, "residency_status": DataCategory.LEGAL_MIGRATION,
    "housing_situation": DataCategory.NEEDS_AND_PLAN, "labour_status": DataCategory.NEEDS_AND_PLAN,
    "education_level": DataCategory.NEEDS_AND_PLAN,
    "disability": DataCategory.HEALTH, "health_notes": DataCategory.HEALTH,
    "phones": DataCategory.CONTACTS, "emails": DataCategory.CONTACTS,
}
LIST_FIELDS = ("languages", "phones", "emails")
ENCRYPTED_PERSON_FIELDS = ("documents_status", "residency_status", "disability", "health_notes")
INTERPRETER_CHOICES = [("", _("Non noto")), ("yes", _("Sì")), ("no", _("No"))]


class PersonForm(InputModelForm):
    """All of a person's optional fields; only a first name or an alias is required."""

    birth_date = forms.DateField(label=_("Data di nascita"), required=False, widget=DATE_WIDGET)
    interpreter_needed = forms.ChoiceField(label=_("Serve un interprete"), required=False,
                                           choices=INTERPRETER_CHOICES)
    languages = forms.CharField(label=_("Lingue parlate"), required=False, max_length=200,
                                help_text=_("Codici ISO separati da virgole, ad esempio «ar, fr, it»."))
    documents_status = forms.ChoiceField(label=_("Documenti"), required=False,
                                         choices=[("", "—"), *DocumentsStatus.choices])
    residency_status = forms.ChoiceField(label=_("Residenza"), required=False,
                                         choices=[("", "—"), *ResidencyStatus.choices])
    disability = forms.ChoiceField(label=_("Disabilità"), required=False, choices=[("", "—"), *Disability.choices])
    health_notes = forms.CharField(label=_("Note sulla salute"), required=False, max_length=MAX_TEXT,
                                   widget=_textarea())
    phones = forms.CharField(label=_("Telefoni"), required=False, max_length=300,
                             help_text=_("Separati da virgole."))
    emails = forms.CharField(label=_("E-mail"), required=False, max_length=300, help_text=_("Separate da virgole."))
    # Wider than the 16 stored characters: a code is often typed with spaces or dashes, normalised by clean.
    fiscal_code = forms.CharField(label=_("Codice fiscale"), required=False, max_length=32)
    birth_year = forms.IntegerField(label=_("Anno di nascita (anche approssimativo)"), required=False,
                                    min_value=1880, max_value=2100)
    confirm_duplicate = forms.BooleanField(
        label=_("Ho controllato: è una persona diversa, registrala comunque"), required=False)

    class Meta:
        model = Person
        fields = ["role_in_household", "first_name_or_alias", "surname", "birth_date", "birth_year", "sex_gender",
                  "fiscal_code", "languages", "interpreter_needed", "citizenship", "country_of_birth",
                  "mother_country_of_birth", "father_country_of_birth", "housing_situation", "labour_status",
                  "education_level", "phones", "emails"]
        # The encrypted fields (documents, residency, disability, health notes) are declared above.

    field_order = ["role_in_household", "first_name_or_alias", "surname", "birth_date", "birth_year", "sex_gender",
                   "fiscal_code", "languages", "interpreter_needed", "phones", "emails", "citizenship",
                   "country_of_birth", "mother_country_of_birth", "father_country_of_birth", "documents_status",
                   "residency_status", "housing_situation", "labour_status", "education_level", "disability",
                   "health_notes", "confirm_duplicate"]

    def __init__(self, *args: Any, categories: Iterable[DataCategory], with_duplicate_check: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(categories)
        for name, category in PERSON_FIELD_CATEGORIES.items():
            if category not in allowed:
                del self.fields[name]
        if not with_duplicate_check:
            del self.fields["confirm_duplicate"]
        for name in ("citizenship", "country_of_birth", "mother_country_of_birth", "father_country_of_birth"):
            if name in self.fields:
                self.fields[name].help_text = _("Codice ISO di due lettere, ad esempio «MA».")
                self.fields[name].widget.attrs["maxlength"] = 2

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields by data category, for one fieldset each."""
        found: list[tuple[str, list[forms.BoundField]]] = []
        for category in DataCategory:
            fields = [self[name] for name, of in PERSON_FIELD_CATEGORIES.items()
                      if of == category and name in self.fields]
            if fields:
                found.append((str(category.label), fields))
        if "confirm_duplicate" in self.fields and not self.fields["confirm_duplicate"].widget.is_hidden:
            found.append((str(_("Possibile doppione")), [self["confirm_duplicate"]]))
        return found

    def clean_fiscal_code(self) -> str:
        return normalise_fiscal_code(str(self.cleaned_data.get("fiscal_code") or ""))

    def _get_validation_exclusions(self) -> set[str]:
        # A code stored before today's rules is checked again only when it changes (the service does the same):
        # else it would block every other change of the member's data.
        excluded = set(super()._get_validation_exclusions())  # type: ignore[misc]
        if self.instance.pk is not None and "fiscal_code" not in self.changed_data:
            excluded.add("fiscal_code")
        return excluded

    def _clean_codes(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "").strip().upper()

    def clean_citizenship(self) -> str:
        return self._clean_codes("citizenship")

    def clean_country_of_birth(self) -> str:
        return self._clean_codes("country_of_birth")

    def clean_mother_country_of_birth(self) -> str:
        return self._clean_codes("mother_country_of_birth")

    def clean_father_country_of_birth(self) -> str:
        return self._clean_codes("father_country_of_birth")

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it (lists, booleans, None for blank encrypted fields)."""
        data: dict[str, Any] = {}
        for name in self.fields:
            if name == "confirm_duplicate":
                continue
            value = self.cleaned_data.get(name)
            if name in LIST_FIELDS:
                value = _split_list(value or "")
            elif name == "interpreter_needed":
                value = {"yes": True, "no": False}.get(value or "")
            elif name in ENCRYPTED_PERSON_FIELDS:
                value = value or None
            elif value is None and name not in ("birth_date", "birth_year"):
                value = ""
            data[name] = value
        return data

    @staticmethod
    def initial_from(person: Person, revealed: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in PERSON_FIELD_CATEGORIES:
            value = revealed[name] if name in ENCRYPTED_PERSON_FIELDS else getattr(person, name)
            if name in LIST_FIELDS:
                value = ", ".join(value or [])
            elif name == "interpreter_needed":
                value = {True: "yes", False: "no"}.get(value, "")
            initial[name] = value if value is not None else ""
        return initial


# --- Needs, assessments, plan, notes --------------------------------------------------------------------


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=StatementKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Con le parole della famiglia"), max_length=MAX_TEXT, widget=_textarea())
    person = forms.ModelChoiceField(label=_("Riguarda"), required=False, queryset=Person.objects.none(),
                                    empty_label=_("Tutto il nucleo"))
    term = forms.ModelChoiceField(label=_("Bisogno (tassonomia)"), required=False, queryset=Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        from trama.directory.models import TaxonomyTerm

        super().__init__(*args, **kwargs)
        self.fields["seen"] = SeenField()  # read on editing only
        limit_choices(self.fields["person"], people)
        self.fields["person"].label_from_instance = lambda p: p.display_name  # type: ignore[attr-defined]
        limit_choices(self.fields["term"], TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY_CODE)
                      .order_by("code"))
        self.fields["term"].label_from_instance = lambda t: t.label(get_language())  # type: ignore[attr-defined]


def _score_fields(form: forms.Form, dimensions: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    rows = []
    for code, label in dimensions:
        form.fields[f"score_{code}"] = forms.ChoiceField(label=label, required=False, choices=SCORE_CHOICES)
        form.fields[f"notes_{code}"] = forms.CharField(label=_("Note: %(dimension)s") % {"dimension": label},
                                                       required=False, max_length=MAX_TEXT, widget=_textarea(2))
        rows.append((code, f"score_{code}", f"notes_{code}"))
    return rows


def _outcome_fields(form: forms.Form, dimensions: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    rows = []
    for code, label in dimensions:
        form.fields[f"result_{code}"] = forms.ChoiceField(label=label, required=False,
                                                          choices=[("", "—"), *OutcomeResult.choices])
        form.fields[f"evidence_{code}"] = forms.CharField(
            label=_("Evidenze: %(dimension)s") % {"dimension": label}, required=False, max_length=MAX_TEXT,
            widget=_textarea(2))
        rows.append((code, f"result_{code}", f"evidence_{code}"))
    return rows


def _require_values_for_texts(form: forms.Form, data: dict[str, Any], message: Any) -> None:
    """Notes or evidence written for a dimension left without a score or result would be dropped on saving:
    ask for the value instead of losing the text."""
    for _code, value, text in form.dimension_fields:  # type: ignore[attr-defined]
        if (data.get(text) or "").strip() and not data.get(value):
            form.add_error(value, message)


def _outcomes_of(form: Any) -> dict[str, tuple[str, str]]:
    return {code: (form.cleaned_data[result], form.cleaned_data[evidence])
            for code, result, evidence in form.dimension_fields if form.cleaned_data.get(result)}


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Data della valutazione"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, dimensions: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        self.dimension_fields = _score_fields(self, dimensions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _require_values_for_texts(self, data, _("Indica il punteggio per le note scritte."))
        if not any(data.get(score) for _code, score, _notes in self.dimension_fields):
            raise forms.ValidationError(_("Indica il punteggio di almeno una dimensione."))
        return data

    def scores(self) -> dict[str, tuple[int, str]]:
        return {code: (int(self.cleaned_data[score]), self.cleaned_data[notes])
                for code, score, notes in self.dimension_fields if self.cleaned_data.get(score)}


class SeenField(forms.DateTimeField):
    """When an edit form was filled: the edited row's `updated_at`, sent back hidden, so that saving does not
    silently undo a change made by someone else in the meantime (the service refuses it, code "conflict")."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.datetime) else value

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime):
            return value
        try:
            return parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # a damaged value is no moment: the save goes through as it would without the check
            return None


class GoalForm(forms.Form):
    seen = SeenField()
    dimension = forms.ChoiceField(label=_("Dimensione"), choices=Dimension.choices)
    description = forms.CharField(label=_("Obiettivo"), max_length=MAX_TEXT, widget=_textarea())
    target_date = forms.DateField(label=_("Entro il"), required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Stato"), choices=GoalStatus.choices, initial=GoalStatus.PLANNED)

    def __init__(self, *args: Any, dimensions: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = list(dimensions)  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    seen = SeenField()
    description = forms.CharField(label=_("Azione"), max_length=MAX_TEXT, widget=_textarea())
    by_organisation = forms.ModelChoiceField(label=_("A cura dell'organizzazione"), required=False,
                                             queryset=Organisation.objects.none())
    by_operator = forms.ModelChoiceField(label=_("A cura dell'operatore"), required=False,
                                         queryset=User.objects.none())
    by_member = forms.ModelChoiceField(label=_("A cura del familiare"), required=False,
                                       queryset=Person.objects.none())
    due_date = forms.DateField(label=_("Scadenza"), required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Stato"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], operators: QuerySet[User],
                 people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["by_organisation"], organisations)
        limit_choices(self.fields["by_operator"], operators)
        self.fields["by_operator"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.full_name or u.email)
        limit_choices(self.fields["by_member"], people)
        self.fields["by_member"].label_from_instance = lambda p: p.display_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("by_organisation", "by_operator", "by_member") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(
                _("Indica chi se ne occupa: un'organizzazione, un operatore o un familiare (uno solo)."))
        return data


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Data della verifica"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, dimensions: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()
        self.dimension_fields = _outcome_fields(self, dimensions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _require_values_for_texts(self, data, _("Indica l'esito per le evidenze scritte."))
        if not any(data.get(result) for _code, result, _evidence in self.dimension_fields):
            raise forms.ValidationError(_("Indica l'esito di almeno una dimensione."))
        return data

    def outcomes(self) -> dict[str, tuple[str, str]]:
        return _outcomes_of(self)


class NoteForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Visibilità"), choices=NoteVisibility.choices,
                                   initial=NoteVisibility.ORGANISATION, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Nota"), max_length=MAX_TEXT, widget=_textarea(5))
    person = forms.ModelChoiceField(label=_("Riguarda"), required=False, queryset=Person.objects.none(),
                                    empty_label=_("Tutto il nucleo"))

    def __init__(self, *args: Any, people: QuerySet[Person], sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["person"], people)
        self.fields["person"].label_from_instance = lambda p: p.display_name  # type: ignore[attr-defined]
        if not sensitive:
            self.fields["visibility"].choices = [  # type: ignore[attr-defined]
                c for c in NoteVisibility.choices if c[0] != NoteVisibility.SENSITIVE]


# --- Consent, legal basis, break-glass ------------------------------------------------------------------


class ConsentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Il consenso riguarda"), required=False, queryset=Person.objects.none(),
                                    empty_label=_("Tutto il nucleo"))
    purposes = forms.MultipleChoiceField(label=_("Finalità"), choices=(), widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(label=_("Categorie di dati"), choices=DataCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    recipient_organisations = forms.ModelMultipleChoiceField(
        label=_("Organizzazioni destinatarie"), required=False, queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Per sceglierne più di una tieni premuto Ctrl (o Cmd) mentre fai clic."))
    recipient_networks = forms.ModelMultipleChoiceField(
        label=_("Rete destinataria"), required=False, queryset=Network.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    given_by_kind = forms.ChoiceField(label=_("Espresso da"), choices=GivenByKind.choices)
    given_by_name = forms.CharField(label=_("Nome di chi firma"), required=False, max_length=200)
    guardian_evidence = forms.CharField(
        label=_("Titolo del rappresentante (es. decreto di nomina del tutore)"), required=False, max_length=2000)
    notice_version = forms.ChoiceField(label=_("Versione dell'informativa"), choices=())
    notice_language = forms.ChoiceField(label=_("Lingua dell'informativa"), choices=NoticeLanguage.choices)
    given_on = forms.DateField(label=_("Dato il"), widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Scade il"), required=False, widget=DATE_WIDGET)
    legal_basis = forms.ChoiceField(
        label=_("Base giuridica del trattamento"), choices=LegalBasis.choices, initial=LegalBasis.CONSENT,
        required=False,
        help_text=_("Di norma il consenso; un'altra base (ad esempio un compito di interesse pubblico) conta anche "
                    "per i tempi di conservazione."))
    special_condition = forms.ChoiceField(
        label=_("Condizione per salute e posizione giuridica"), required=False,
        choices=[("", _("Automatica: consenso esplicito se condivise, altrimenti nessuna")),
                 *SpecialCondition.choices],
        help_text=_("Solo se tra le categorie ci sono salute o posizione giuridica (art. 9 GDPR)."))

    def __init__(self, *args: Any, people: QuerySet[Person], organisations: QuerySet[Organisation],
                 networks: QuerySet[Network], **kwargs: Any) -> None:
        from trama.records.models import ConsentPurpose

        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = ConsentPurpose.choices  # type: ignore[attr-defined]
        self.fields["notice_version"].choices = [(v, v) for v in NOTICE_VERSIONS]  # type: ignore[attr-defined]
        self.fields["notice_version"].initial = CURRENT_NOTICE_VERSION
        self.fields["given_on"].initial = timezone.localdate()
        limit_choices(self.fields["person"], people)
        self.fields["person"].label_from_instance = lambda p: p.display_name  # type: ignore[attr-defined]
        limit_choices(self.fields["recipient_organisations"], organisations)
        limit_choices(self.fields["recipient_networks"], networks)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Motivo (facoltativo)"), required=False, max_length=2000, widget=_textarea(2))


class LegalBasisRevokeForm(forms.Form):
    record = forms.ModelChoiceField(label=_("Base giuridica da revocare"), queryset=LegalBasisRecord.objects.none(),
                                    empty_label=None, widget=forms.RadioSelect)

    def __init__(self, *args: Any, records: QuerySet[LegalBasisRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        field.queryset = records  # type: ignore[attr-defined]
        field.label_from_instance = _legal_basis_label  # type: ignore[attr-defined]


def _legal_basis_label(record: LegalBasisRecord) -> str:
    recipient = record.organisation or record.network
    return _("%(basis)s — %(reference)s, a «%(recipient)s», registrata il %(day)s") % {
        "basis": record.get_basis_display(), "reference": record.reference, "recipient": recipient,
        "day": record.recorded_at.strftime("%d/%m/%Y")}


class LegalBasisForm(forms.Form):
    basis = forms.ChoiceField(label=_("Base giuridica"), choices=SharingBasis.choices)
    reference = forms.CharField(label=_("Riferimento normativo"), max_length=200,
                                help_text=_("Ad esempio «L. 328/2000 art. 22»."))
    reason = forms.CharField(label=_("Motivazione"), max_length=2000, widget=_textarea())
    categories = forms.MultipleChoiceField(label=_("Categorie di dati"), choices=DataCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    organisation = forms.ModelChoiceField(label=_("Organizzazione destinataria"), required=False,
                                          queryset=Organisation.objects.none())
    network = forms.ModelChoiceField(label=_("oppure rete destinataria"), required=False,
                                     queryset=Network.objects.none())
    valid_until = forms.DateField(label=_("Valido fino al"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], networks: QuerySet[Network],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["organisation"], organisations)
        limit_choices(self.fields["network"], networks)


class BreakGlassForm(forms.Form):
    reference_code = forms.CharField(label=_("Codice nucleo"), max_length=20,
                                     help_text=_("Ad esempio «NUC-2026-000123»."))
    reason = forms.CharField(label=_("Motivo dell'accesso straordinario"), max_length=2000, widget=_textarea(4),
                             help_text=_("Almeno 20 caratteri. Il motivo resta nel registro degli accessi e "
                                         "l'organizzazione titolare viene avvisata."))

    def clean_reference_code(self) -> str:
        return str(self.cleaned_data["reference_code"]).strip().upper()

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < 20:
            raise forms.ValidationError(_("Spiega il motivo in almeno %(count)d caratteri.") % {"count": 20})
        return reason


def today() -> dt.date:
    return timezone.localdate()


# --- GDPR -----------------------------------------------------------------------------------------------


class AnonymiseForm(forms.Form):
    """Anonymising a person or the household: the reason, then a second submission that confirms it."""

    reason = forms.ChoiceField(
        label=_("Motivo dell'anonimizzazione"), widget=forms.RadioSelect,
        error_messages={"required": _("Indica il motivo dell'anonimizzazione."),
                        "invalid_choice": _("Indica il motivo dell'anonimizzazione.")})
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from trama.records.gdpr import AnonymisationReason

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = AnonymisationReason.choices  # type: ignore[attr-defined]

    @property
    def confirmed(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("confirm"))

    def reason_label(self) -> str:
        from trama.records.gdpr import AnonymisationReason

        return str(dict(AnonymisationReason.choices).get(self.cleaned_data.get("reason", ""), ""))


class ExportLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Lingua del PDF"), choices=[("it", _("Italiano")), ("en", _("Inglese"))],
                                 required=False,
                                 error_messages={"invalid_choice": _("Scegli italiano o inglese.")})

"""Adding and editing the members of a household, with the possible-duplicate warning."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trama.records import services
from trama.records.access import deny_within, duplicate_candidates, people_of
from trama.records.forms import ENCRYPTED_PERSON_FIELDS, PersonForm
from trama.records.models import Person
from trama.records.protection import reveal_if_entitled
from trama.records.selectors import IDENTIFYING_FIELDS, find_possible_duplicates
from trama.records.views._helpers import (
    closed_refusal,
    household_url,
    open_for,
    page_context,
    run_service,
    user_of,
)


def _duplicates(request: HttpRequest, data: dict[str, Any], exclude: Person | None = None) -> list[dict[str, Any]]:
    # Only among the members of the user's own organisation's households: the warning never reveals other
    # organisations' records, nor members or identities a consent or referral did not share.
    candidates = duplicate_candidates(request.user)
    matches = find_possible_duplicates(
        candidates=candidates, first_name_or_alias=data.get("first_name_or_alias") or "",
        surname=data.get("surname") or "", fiscal_code=data.get("fiscal_code") or "",
        birth_date=data.get("birth_date"), birth_year=data.get("birth_year"), exclude=exclude)
    labels = {"fiscal_code": _("stesso codice fiscale"), "name_and_birth": _("stesso nome e anno di nascita")}
    # The reference code and the reason only: the household may be one the user sees without identities.
    return [{"household": m.person.household, "reasons": [labels.get(r, r) for r in m.reasons]} for m in matches]


@login_required
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="person_add")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    household = opened.household
    form = PersonForm(request.POST or None, categories=opened.categories, with_duplicate_check=True)
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        values = form.values()
        duplicates = _duplicates(request, values)
        if duplicates and not form.cleaned_data.get("confirm_duplicate"):
            form.add_error(None, _("Potrebbe essere una persona già registrata: controlla l'elenco qui sotto. Se è "
                                   "una persona diversa, conferma e salva di nuovo."))
        else:
            role = values.pop("role_in_household")
            name = values.pop("first_name_or_alias")
            person = run_service(form, lambda: services.person_add(
                household=household, by=user_of(request), role_in_household=role, first_name_or_alias=name,
                **{k: v for k, v in values.items() if v not in (None, "", [])}))
            if person is not None:
                messages.success(request, _("Componente aggiunto."))
                return redirect(household_url(household.pk, "members"))
    if not duplicates:
        # The confirmation is asked only once a possible duplicate has been shown.
        form.fields["confirm_duplicate"].widget = forms.HiddenInput()
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Aggiungi un componente"), cancel_href=household_url(household.pk, "members"),
        duplicates=duplicates,
        intro=_("Basta un nome o un soprannome: tutti gli altri dati sono facoltativi.")))


@login_required
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="person_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    household = opened.household
    person = people_of(opened).filter(pk=person_pk).first()
    if person is None:
        deny_within(opened, "records.person", person_pk, request=request)
        raise Http404
    revealed = {name: reveal_if_entitled(person, name, entitlement=opened.entitlement)
                for name in ENCRYPTED_PERSON_FIELDS}
    form = PersonForm(request.POST or None, categories=opened.categories,
                      initial=PersonForm.initial_from(person, revealed), with_duplicate_check=True)
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        values = form.values()
        changes = {name: values[name] for name in form.changed_data if name in values}
        if not changes:
            return redirect(household_url(household.pk, "members"))
        # A name, birth or fiscal code corrected may turn out to be someone already recorded: as on adding.
        if IDENTIFYING_FIELDS & changes.keys():
            duplicates = _duplicates(request, values, exclude=person)
        if duplicates and not form.cleaned_data.get("confirm_duplicate"):
            form.add_error(None, _("Potrebbe essere una persona già registrata: controlla l'elenco qui sotto. Se è "
                                   "una persona diversa, conferma e salva di nuovo."))
        else:
            updated = run_service(form, lambda: services.person_update(person=person, by=user_of(request),
                                                                       **changes))
            if updated is not None:
                messages.success(request, _("Dati del componente aggiornati."))
                return redirect(household_url(household.pk, "members"))
    if not duplicates:
        form.fields["confirm_duplicate"].widget = forms.HiddenInput()
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Modifica %(name)s") % {"name": person.display_name},
        cancel_href=household_url(household.pk, "members"), duplicates=duplicates))

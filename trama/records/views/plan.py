"""Needs/wishes/strengths, assessments, the plan (goals, actions, reviews) and notes of a household."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from trama.records import services
from trama.records.access import HouseholdAccess, deny_within, people_of, statements_of
from trama.records.forms import ActionForm, AssessmentForm, GoalForm, NoteForm, ReviewForm, StatementForm
from trama.records.models import PlanGoal, Statement
from trama.records.protection import reveal_if_entitled
from trama.records.selectors import action_assignees, plan_actions, plan_goals
from trama.records.views._helpers import (
    closed_refusal,
    dimensions_for,
    household_url,
    open_for,
    page_context,
    run_service,
    user_of,
)


def _form_page(request: HttpRequest, opened: HouseholdAccess, form: Any, title: str, section: str,
               **extra: Any) -> HttpResponse:
    return render(request, "records/form.html", page_context(
        opened, form=form, title=title, cancel_href=household_url(opened.household.pk, section), **extra))


def _typed_changes(form: Any) -> dict[str, Any]:
    """The fields an edit form changed, without its hidden "seen" stamp (the services' conflict check)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name != "seen"}


def _seen_now(form: Any, item: Any) -> None:
    """After a save refused for a change made meanwhile, the edit form shows what was typed (nothing is lost)
    with, hidden, when the goal or action was last changed: saving again, after the message, replaces it on
    purpose. Refused for another reason, the form keeps the moment it was first filled."""
    if not form.has_error(NON_FIELD_ERRORS, code="conflict"):
        return
    row = type(item).objects.filter(pk=item.pk).first()
    stored = None if row is None else getattr(row, "changed_at", row.updated_at)  # a statement: its changed_at
    if stored is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("seen")] = stored.isoformat()


def _done(request: HttpRequest, opened: HouseholdAccess, message: str, section: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(household_url(opened.household.pk, section))


@login_required
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="statement_add")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    form = StatementForm(request.POST or None, people=people_of(opened).order_by("id"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.statement_add(
                household=opened.household, by=user_of(request), kind=data["kind"], text=data["text"],
                person=data["person"], term=data["term"])) is not None:
            return _done(request, opened, _("Registrato."), "needs")
    return _form_page(request, opened, form, _("Bisogno, desiderio o risorsa"), "needs")


def _statement_of(request: HttpRequest, opened: HouseholdAccess, statement_pk: int) -> Statement:
    statement = statements_of(opened).filter(pk=statement_pk).first()
    if statement is None:
        deny_within(opened, "records.statement", statement_pk, request=request)
        raise Http404
    return statement


@login_required
def statement_edit(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    """Correct a need, a wish or a resource (its words, kind, who it is about, its need term)."""
    opened = open_for(request, pk, write=True, purpose="statement_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    statement = _statement_of(request, opened, statement_pk)
    initial = {"kind": statement.kind, "text": statement.text, "person": statement.person_id,
               "term": statement.term_id, "seen": statement.changed_at}
    form = StatementForm(request.POST or None, initial=initial, people=people_of(opened).order_by("id"))
    if request.method == "POST" and form.is_valid():
        changes = _typed_changes(form)
        if not changes or run_service(form, lambda: services.statement_update(
                statement=statement, by=user_of(request), seen=form.cleaned_data["seen"], **changes)) is not None:
            return _done(request, opened, _("Aggiornato."), "needs")
        _seen_now(form, statement)
    remove = reverse("records:statement_remove", args=[opened.household.pk, statement.pk])
    return _form_page(request, opened, form, _("Modifica bisogno, desiderio o risorsa"), "needs",
                      secondary_href=remove, secondary_label=_("Elimina"))


@login_required
def statement_remove(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    """Remove one recorded by mistake, after a confirmation that shows it."""
    opened = open_for(request, pk, write=True, purpose="statement_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    statement = _statement_of(request, opened, statement_pk)
    form = forms.Form(request.POST if request.method == "POST" else None)  # a confirmation: no fields
    if (request.method == "POST" and form.is_valid() and run_service(
            form, lambda: services.statement_remove(statement=statement, by=user_of(request))) is not None):
        return _done(request, opened, _("Eliminato."), "needs")
    intro = _("Eliminare «%(text)s» (%(kind)s)? Usalo per ciò che è stato registrato per errore: se la situazione è "
              "cambiata, modificalo o registra una nuova voce.") % {"text": statement.text,
                                                                 "kind": statement.get_kind_display()}
    return _form_page(request, opened, form, _("Elimina bisogno, desiderio o risorsa"), "needs", intro=intro,
                      danger=True, submit_label=_("Elimina"))


@login_required
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="assessment_add")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    form = AssessmentForm(request.POST or None, dimensions=dimensions_for(opened))
    if request.method == "POST" and form.is_valid():
        scores = {d: services.DimensionScore(score=s, notes=n) for d, (s, n) in form.scores().items()}
        if run_service(form, lambda: services.assessment_record(
                household=opened.household, by=user_of(request), assessed_on=form.cleaned_data["assessed_on"],
                scores=scores)) is not None:
            return _done(request, opened, _("Valutazione registrata."), "assessments")
    return _form_page(request, opened, form, _("Nuova valutazione"), "assessments",
                      dimension_fields=form.dimension_fields,
                      intro=_("Per ogni dimensione un punteggio da 1 (situazione molto difficile) a 5 (buona); "
                              "lascia vuote le dimensioni non valutate."))


# --- Plan -----------------------------------------------------------------------------------------------


def _goal_of(request: HttpRequest, opened: HouseholdAccess, goal_pk: int) -> PlanGoal:
    goal = plan_goals(opened.household, opened.categories).filter(pk=goal_pk).select_related("plan").first()
    if goal is None:
        deny_within(opened, "records.plangoal", goal_pk, request=request)
        raise Http404
    return goal


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="plan_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    form = GoalForm(request.POST or None, dimensions=dimensions_for(opened))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.plan_goal_add(
                household=opened.household, by=user_of(request), dimension=data["dimension"],
                description=data["description"], target_date=data["target_date"],
                status=data["status"])) is not None:
            return _done(request, opened, _("Obiettivo aggiunto al progetto."), "plan")
    return _form_page(request, opened, form, _("Nuovo obiettivo"), "plan")


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="plan_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    goal = _goal_of(request, opened, goal_pk)
    initial = {"dimension": goal.dimension, "target_date": goal.target_date, "status": goal.status,
               "description": reveal_if_entitled(goal, "description", entitlement=opened.entitlement) or "",
               "seen": goal.updated_at}
    form = GoalForm(request.POST or None, initial=initial, dimensions=dimensions_for(opened))
    if request.method == "POST" and form.is_valid():
        changes = _typed_changes(form)
        if not changes or run_service(form, lambda: services.plan_goal_update(
                goal=goal, by=user_of(request), seen=form.cleaned_data["seen"], **changes)) is not None:
            return _done(request, opened, _("Obiettivo aggiornato."), "plan")
        _seen_now(form, goal)
    return _form_page(request, opened, form, _("Modifica l'obiettivo"), "plan")


def _action_form(request: HttpRequest, opened: HouseholdAccess, **kwargs: Any) -> ActionForm:
    choices = action_assignees(opened.household, people_of(opened))
    return ActionForm(request.POST or None, organisations=choices.organisations, operators=choices.operators,
                      people=choices.people, **kwargs)


@login_required
def action_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="plan_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    goal = _goal_of(request, opened, goal_pk)
    form = _action_form(request, opened)
    del form.fields["status"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.plan_action_add(
                goal=goal, by=user_of(request), description=data["description"],
                by_organisation=data["by_organisation"], by_operator=data["by_operator"],
                by_member=data["by_member"], due_date=data["due_date"])) is not None:
            return _done(request, opened, _("Azione aggiunta al progetto."), "plan")
    return _form_page(request, opened, form, _("Nuova azione"), "plan",
                      intro=_("Chi se ne occupa: un'organizzazione, un operatore o un familiare (uno solo)."))


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="plan_edit")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    action = (plan_actions(opened.household, opened.categories).filter(pk=action_pk)
              .select_related("goal", "goal__plan").first())
    if action is None:
        deny_within(opened, "records.planaction", action_pk, request=request)
        raise Http404
    initial = {"description": reveal_if_entitled(action, "description", entitlement=opened.entitlement) or "",
               "by_organisation": action.by_organisation_id, "by_operator": action.by_operator_id,
               "by_member": action.by_member_id, "due_date": action.due_date, "status": action.status,
               "seen": action.updated_at}
    form = _action_form(request, opened, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = _typed_changes(form)
        if any(name in changes for name in ("by_organisation", "by_operator", "by_member")):
            # The assignee is one of three: send all three so the other two are cleared.
            changes.update({name: form.cleaned_data[name] for name in ("by_organisation", "by_operator",
                                                                       "by_member")})
        if not changes or run_service(form, lambda: services.plan_action_update(
                action=action, by=user_of(request), seen=form.cleaned_data["seen"], **changes)) is not None:
            return _done(request, opened, _("Azione aggiornata."), "plan")
        _seen_now(form, action)
    return _form_page(request, opened, form, _("Modifica l'azione"), "plan")


@login_required
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="plan_review")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    form = ReviewForm(request.POST or None, dimensions=dimensions_for(opened))
    if request.method == "POST" and form.is_valid():
        outcomes = {d: services.DimensionOutcome(result=r, evidence=e) for d, (r, e) in form.outcomes().items()}
        if run_service(form, lambda: services.plan_review_record(
                household=opened.household, by=user_of(request), reviewed_on=form.cleaned_data["reviewed_on"],
                outcomes=outcomes)) is not None:
            return _done(request, opened, _("Verifica registrata."), "plan")
    return _form_page(request, opened, form, _("Verifica del progetto"), "plan",
                      dimension_fields=form.dimension_fields,
                      intro=_("Per ogni dimensione: migliorata, invariata o peggiorata, con le evidenze."))


# --- Notes ----------------------------------------------------------------------------------------------


@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="note_add")
    if (refusal := closed_refusal(request, opened)) is not None:
        return refusal
    household = opened.household
    form = NoteForm(request.POST or None, people=people_of(opened).order_by("id"),
                    sensitive=opened.entitlement.sensitive_notes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Editors act for the owning organisation: its notes stay with it.
        if run_service(form, lambda: services.note_add(
                household=household, by=user_of(request), organisation=household.organisation, text=data["text"],
                visibility=data["visibility"], person=data["person"])) is not None:
            return _done(request, opened, _("Nota aggiunta."), "notes")
    return _form_page(request, opened, form, _("Nuova nota"), "notes")


__all__ = ["action_add", "action_edit", "assessment_add", "goal_add", "goal_edit", "note_add", "review_add",
           "statement_add"]

"""A service's staff page, its create/edit forms, verification and the maintainers' queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts.models import User
from trama.directory import access, opening, services
from trama.directory.forms import ACTION_LINES_TAXONOMY, NEEDS_TAXONOMY, TRANSLATION_LANGUAGES, ServiceForm
from trama.directory.models import (
    STALE_AFTER_DAYS,
    Attribute,
    Closure,
    Language,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from trama.directory.views import details, display
from trama.directory.views._helpers import paginate, require_creator, run_service, safe_next, service_url, user_of
from trama.network.access import organisations_visible_to
from trama.network.models import Organisation
from trama.territory.selectors import HEAVY

REVISIONS_SHOWN = 20


def _light_links(service: Service) -> QuerySet[ServiceAtLocation]:
    """The service's places, with their areas' names but never their boundaries."""
    return (
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location", "location__municipio", "location__nil")
        .defer(*(f"location__{area}__{column}" for area in ("municipio", "nil") for column in HEAVY))
        .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
                          "phones", "location__accessibility")
        .order_by("location__name", "pk")
    )


def _language_name(language: Language) -> str:
    if language.name:
        return language.name
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(language.code)["name_translated"])
    except KeyError:
        return language.code


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, request=request)
    lang = get_language()
    now = timezone.localtime()
    can_edit = access.can_edit_maintained_by(request.user, service.maintainer_id)
    # One query per kind of detail, shared by the read-only page and the editors' sections.
    prefetch_related_objects(
        [service], "phones", "contacts", "languages", "cost_options", "required_documents",
        Prefetch("service_areas", queryset=ServiceArea.objects.select_related("area")
                 .defer(*(f"area__{column}" for column in HEAVY))),
    )
    links = list(_light_links(service))
    details.remember_links(service, links)
    places = []
    points = []
    for link in links:
        fields = access.location_fields_for(request.user, link.location)
        places.append({"link": link, "fields": fields, "week": display.week_table(link.schedules.all()),
                       "can_edit_place": can_edit and access.can_edit_maintained_by(request.user,
                                                                                     link.location.maintainer_id)})
        if fields["latitude"] is not None and fields["longitude"] is not None:
            points.append({"lat": fields["latitude"], "lon": fields["longitude"], "title": fields["name"],
                           "text": fields["address"] or "", "label": ""})
    own_schedules = list(service.schedules.filter(service_at_location__isnull=True).order_by("opens_at", "pk"))
    open_now = opening.service_open_at(service, now)
    upcoming = opening.service_next_openings(service, now, limit=1)
    location_ids = [link.location_id for link in links]
    closures = (
        Closure.objects.filter(Q(service=service) | Q(location_id__in=location_ids), end_date__gte=now.date())
        .select_related("location").order_by("start_date", "pk")
    )
    terms = [a.term for a in Attribute.objects.filter(service=service).select_related("term", "term__taxonomy")]
    revisions = service.revisions.select_related("by").order_by("-at", "-pk")[:REVISIONS_SHOWN]
    return render(request, "directory/service_detail.html", {
        "service": service,
        "name": service.translated("name", lang),
        "description": service.translated("description", lang),
        "badges": display.eligibility_badges(service),
        "ages": display.ages(service),
        "target_groups": [g.label(lang) for g in service.target_groups.all()],
        "places": places,
        "own_week": display.week_table(own_schedules) if own_schedules else None,
        "open_now": [{"until": o.end, "location": o.location} for o in open_now],
        "next_opening": display.opening_label(upcoming[0], now) if upcoming else "",
        "closures": closures,
        "phones": service.phones.all(),
        "languages": [_language_name(language) for language in service.languages.all()],
        "documents": service.required_documents.all(),
        "costs": service.cost_options.all(),
        "terms": [{"label": t.label(lang), "taxonomy": t.taxonomy.name} for t in terms
                  if t.taxonomy.code != ACTION_LINES_TAXONOMY],
        "action_lines": [t.label(lang) for t in terms if t.taxonomy.code == ACTION_LINES_TAXONOMY],
        "revisions": display.revision_rows(revisions),
        "map_data": {"area": None, "points": points},
        "can_edit": can_edit,
        "contacts": service.contacts.all(),
        "service_areas": service.service_areas.all(),
        "translated_languages": [
            {"code": code, "name": name, "dir": direction}
            for code, name, direction in TRANSLATION_LANGUAGES if (service.translations or {}).get(code)
        ],
        "sections": details.sections_for(request, service) if can_edit else [],
    })


# --- Create / edit --------------------------------------------------------------------------------


def _active_or(current: int | None) -> Q:
    """Active organisations, and the record's current one even if it is no longer active: else the form would
    refuse its own value, and a service of a closed organisation could not even be marked as ceased."""
    return Q(is_active=True) | Q(pk=current) if current is not None else Q(is_active=True)


def _maintainers_for(user: Any, current: int | None = None) -> QuerySet[Organisation]:
    ids = access.editable_organisation_ids(user)
    organisations = Organisation.objects.filter(_active_or(current)).order_by("name")
    return organisations if ids is None else organisations.filter(pk__in=ids)


def _form(request: HttpRequest, instance: Service | None = None) -> ServiceForm:
    maintainers = _maintainers_for(request.user, instance.maintainer_id if instance is not None else None)
    initial: dict[str, Any] = {}
    acting = getattr(request, "acting_for", None) or None
    if instance is None and acting is not None and maintainers.filter(pk=acting.pk).exists():
        initial = {"organisation": acting.pk, "maintainer": acting.pk}
    return ServiceForm(
        request.POST or None, instance=instance, initial=initial,
        organisations=organisations_visible_to(request.user).filter(
            _active_or(instance.organisation_id if instance is not None else None)).order_by("name"),
        maintainers=maintainers,
    )


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any], list[TaxonomyTerm]]:
    fields = dict(data)
    groups = list(fields.pop("target_groups") or [])
    needs = list(fields.pop("needs") or [])
    return fields, groups, needs


@transaction.atomic
def _create(by: User, data: dict[str, Any]) -> Service:
    fields, groups, needs = _split(data)
    service = services.service_create(by=by, target_groups=groups, **fields)
    for term in needs:
        services.taxonomy_term_assign(service=service, term=term, by=by)
    return service


@transaction.atomic
def _update(service: Service, by: User, data: dict[str, Any]) -> Service:
    fields, groups, needs = _split(data)
    services.service_update(service=service, by=by, **fields)
    services.service_set_target_groups(service=service, by=by, target_groups=groups)
    current = {a.term_id: a.term for a in
               service.attributes.filter(term__taxonomy__code=NEEDS_TAXONOMY).select_related("term")}
    wanted = {term.pk: term for term in needs}
    for pk in current.keys() - wanted.keys():
        services.taxonomy_term_unassign(service=service, term=current[pk], by=by)
    for pk in sorted(wanted.keys() - current.keys()):
        services.taxonomy_term_assign(service=service, term=wanted[pk], by=by)
    return service


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    require_creator(request)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        service = run_service(form, lambda: _create(user_of(request), data))
        if service is not None:
            messages.success(request, _("Servizio creato. Ora aggiungi dove e quando è offerto."))
            return redirect("directory:service_detail", service.pk)
    return render(request, "directory/service_form.html", {
        "form": form, "title": _("Nuovo servizio"), "service": None, "cancel_href": reverse("directory:stale_queue"),
    })


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    form = _form(request, instance=service)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = run_service(form, lambda: _update(service, user_of(request), data))
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("directory:service_detail", service.pk)
    return render(request, "directory/service_form.html", {
        "form": form, "title": _("Modifica %(name)s") % {"name": service.name}, "service": service,
        "cancel_href": service_url(service.pk),
    })


@login_required
@require_POST
def service_verify(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    services.service_verify(service=service, by=user_of(request))
    messages.success(request, _("«%(name)s» verificato oggi.") % {"name": service.name})
    return redirect(safe_next(request, service_url(service.pk)))


# --- The maintainers' queue -----------------------------------------------------------------------


@login_required
def stale_queue(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, access.stale_services_for(request.user))
    return render(request, "directory/stale_queue.html", {
        "page": page,
        "query": query,
        "can_create": access.can_create_records(request.user),
        "days": STALE_AFTER_DAYS,
    })

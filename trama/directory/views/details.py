"""The smaller parts of a service's record, added and removed from its page: phones, contacts, languages, cost
options, required documents, service areas, accessibility of its places and action lines.

Each kind is one `DetailKind`: its form, how a valid form becomes a service call, and which rows it lists. One
pair of views serves them all. With htmx (the forms' hx-post) the answer is the kind's section alone; without
JavaScript an add or a removal redirects to the service page, and a form with errors is shown on a page of its
own with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts.models import User
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.pages import apply_error
from trama.directory import access, services
from trama.directory.forms import (
    ACTION_LINES_TAXONOMY,
    AccessibilityForm,
    ActionLineForm,
    ContactForm,
    CostOptionForm,
    LanguageForm,
    PhoneForm,
    RequiredDocumentForm,
    ServiceAreaForm,
    action_line_terms,
    language_name,
)
from trama.directory.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Phone,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from trama.directory.views._helpers import service_url, user_of


@dataclass(frozen=True)
class Item:
    """One row of a section: what it says, a secondary line, and whether this user may remove it."""

    pk: int
    text: str
    note: str = ""
    removable: bool = True


@dataclass(frozen=True)
class DetailKind:
    key: str
    title: Promise
    add_label: Promise
    added: Promise
    removed: Promise
    form: Callable[[HttpRequest, Service, Any], forms.Form]
    add: Callable[[HttpRequest, Service, User, dict[str, Any]], Any]
    items: Callable[[HttpRequest, Service], list[Item]]
    row: Callable[[HttpRequest, Service, int], models.Model | None]
    remove: Callable[[models.Model, User], None]
    # Whether the user may remove this row (beyond editing the service): places kept by another organisation.
    may_remove: Callable[[HttpRequest, models.Model], bool] = lambda request, obj: True
    # Shown instead of the form when nothing can be added (no places yet, taxonomy not loaded).
    unavailable: Callable[[HttpRequest, Service], str] = lambda request, service: ""


_LINKS_CACHE = "_detail_links"


def remember_links(service: Service, links: list[ServiceAtLocation]) -> None:
    """Let the sections reuse the places the service page already fetched (with their phones and
    accessibility rows prefetched)."""
    setattr(service, _LINKS_CACHE, links)


def _links(service: Service) -> list[ServiceAtLocation]:
    links = getattr(service, _LINKS_CACHE, None)
    if links is None:
        links = list(ServiceAtLocation.objects.filter(service=service).select_related("location")
                     .prefetch_related("phones", "location__accessibility").order_by("location__name", "pk"))
        remember_links(service, links)
    return links


def _editable_links(request: HttpRequest, service: Service) -> list[ServiceAtLocation]:
    """The service's places whose own record the user may change (another organisation may keep a place)."""
    return [link for link in _links(service)
            if access.can_edit_maintained_by(request.user, link.location.maintainer_id)]


def _link_of(links: list[ServiceAtLocation], value: str) -> ServiceAtLocation | None:
    return next((link for link in links if str(link.pk) == value), None)


# --- Phones ---------------------------------------------------------------------------------------


def _phone_form(request: HttpRequest, service: Service, data: Any) -> forms.Form:
    return PhoneForm(data, links=_links(service), prefix="phone")


def _phone_add(request: HttpRequest, service: Service, by: User, data: dict[str, Any]) -> Phone:
    link = _link_of(_links(service), data.get("where") or "")
    owner: dict[str, Any] = {"service_at_location": link} if link is not None else {"service": service}
    return services.phone_add(by=by, number=data["number"], extension=data["extension"], type=data["type"],
                              description=data["description"], **owner)


def _phone_text(phone: Phone) -> str:
    text = phone.number
    if phone.extension:
        text += " " + _("int. %(extension)s") % {"extension": phone.extension}
    return text


def _phones(request: HttpRequest, service: Service) -> list[Item]:
    rows: list[tuple[Phone, str]] = [(phone, "") for phone in service.phones.all()]
    for link in _links(service):
        rows += [(phone, link.location.name) for phone in link.phones.all()]
    items = []
    for phone, place in sorted(rows, key=lambda row: row[0].pk):
        note = [str(phone.get_type_display())]
        if place:
            note.append(_("sede «%(name)s»") % {"name": place})
        if phone.description:
            note.append(phone.description)
        items.append(Item(pk=phone.pk, text=_phone_text(phone), note=" · ".join(note)))
    return items


def _phone_row(request: HttpRequest, service: Service, pk: int) -> Phone | None:
    return (Phone.objects.filter(service=service, pk=pk).first()
            or Phone.objects.filter(service_at_location__service=service, pk=pk).first())


# --- Contacts -------------------------------------------------------------------------------------


def _contacts(request: HttpRequest, service: Service) -> list[Item]:
    items = []
    for contact in sorted(service.contacts.all(), key=lambda c: (c.name, c.pk)):
        text = contact.name or contact.department or contact.email
        note = [value for value in (contact.title, contact.department if contact.name else "", contact.email)
                if value and value != text]
        items.append(Item(pk=contact.pk, text=text, note=" · ".join(note)))
    return items


# --- Languages ------------------------------------------------------------------------------------


def _language_add(request: HttpRequest, service: Service, by: User, data: dict[str, Any]) -> Language:
    name = language_name(data["code"])
    return services.language_add(by=by, service=service, code=data["code"],
                                 name="" if name == data["code"] else name, note=data["note"])


def _languages(request: HttpRequest, service: Service) -> list[Item]:
    return [Item(pk=language.pk, text=language_name(language.code) if language_name(language.code) != language.code
                 else (language.name or language.code), note=language.note)
            for language in sorted(service.languages.all(), key=lambda language: language.code)]


# --- Costs ----------------------------------------------------------------------------------------


def _costs(request: HttpRequest, service: Service) -> list[Item]:
    items = []
    for cost in sorted(service.cost_options.all(), key=lambda cost: cost.pk):
        amount = ""
        if cost.amount is not None:
            amount = f"{cost.amount:.2f}".replace(".", ",") + (" €" if cost.currency == "EUR" else f" {cost.currency}")
        text = ": ".join(part for part in (cost.option, amount) if part) or cost.amount_description
        items.append(Item(pk=cost.pk, text=text, note=cost.amount_description if text != cost.amount_description
                          else ""))
    return items


# --- Documents ------------------------------------------------------------------------------------


def _documents(request: HttpRequest, service: Service) -> list[Item]:
    return [Item(pk=row.pk, text=row.document, note=row.uri)
            for row in sorted(service.required_documents.all(), key=lambda row: row.pk)]


# --- Service areas --------------------------------------------------------------------------------


def _areas(request: HttpRequest, service: Service) -> list[Item]:
    return [Item(pk=row.pk, text=row.name or (row.area.name if row.area is not None else ""), note=row.description)
            for row in sorted(service.service_areas.all(), key=lambda row: row.pk)]


def _area_add(request: HttpRequest, service: Service, by: User, data: dict[str, Any]) -> ServiceArea:
    area = data["area"]
    if ServiceArea.objects.filter(service=service, area=area).exists():
        raise ApplicationError(_("L'area «%(name)s» è già indicata.") % {"name": area.name}, field="area",
                               code="duplicate")
    return services.service_area_add(service=service, by=by, area=area, description=data["description"])


# --- Accessibility of the service's places -------------------------------------------------------


def _accessibility_form(request: HttpRequest, service: Service, data: Any) -> forms.Form:
    return AccessibilityForm(data, links=_editable_links(request, service), prefix="accessibility")


def _accessibility_add(request: HttpRequest, service: Service, by: User, data: dict[str, Any]) -> Accessibility:
    link = _link_of(_editable_links(request, service), data["where"])
    if link is None:  # the form offered only these places
        raise ApplicationError(_("Scegli una delle sedi del servizio."), field="where")
    return services.accessibility_add(location=link.location, by=by, description=data["description"],
                                      details=data["details"], url=data["url"])


def _accessibility(request: HttpRequest, service: Service) -> list[Item]:
    return [Item(pk=row.pk, text=row.description,
                 note=" · ".join(p for p in (link.location.name, row.details) if p),
                 removable=access.can_edit_maintained_by(request.user, link.location.maintainer_id))
            for link in _links(service) for row in sorted(link.location.accessibility.all(), key=lambda r: r.pk)]


def _accessibility_row(request: HttpRequest, service: Service, pk: int) -> Accessibility | None:
    return (Accessibility.objects.filter(location__service_at_locations__service=service, pk=pk)
            .select_related("location").first())


def _no_places(request: HttpRequest, service: Service) -> str:
    if _editable_links(request, service):
        return ""
    return _("Aggiungi prima una sede del servizio tenuta dalla tua organizzazione.")


# --- Action lines ---------------------------------------------------------------------------------


_ACTION_LINES_CACHE = "_detail_action_lines"


def _assigned_lines(service: Service) -> list[Attribute]:
    """The service's action-line attributes (one query per request and service)."""
    rows = getattr(service, _ACTION_LINES_CACHE, None)
    if rows is None:
        rows = list(Attribute.objects.filter(service=service, term__taxonomy__code=ACTION_LINES_TAXONOMY)
                    .select_related("term").order_by("term__position", "term__code"))
        setattr(service, _ACTION_LINES_CACHE, rows)
    return rows


def _action_line_form(request: HttpRequest, service: Service, data: Any) -> forms.Form:
    terms = action_line_terms().exclude(pk__in=[a.term_id for a in _assigned_lines(service)])
    return ActionLineForm(data, terms=terms, prefix="action_line")


def _action_lines(request: HttpRequest, service: Service) -> list[Item]:
    lang = get_language()
    return [Item(pk=a.pk, text=a.term.label(lang)) for a in _assigned_lines(service)]


def _action_line_row(request: HttpRequest, service: Service, pk: int) -> Attribute | None:
    return Attribute.objects.filter(service=service, term__in=action_line_terms(), pk=pk).select_related("term").first()


def _no_action_lines(request: HttpRequest, service: Service) -> str:
    total = action_line_terms().count()
    if total == 0:
        return _("Le linee d'azione non sono ancora caricate (manage.py load_taxonomies).")
    if len(_assigned_lines(service)) >= total:
        return _("Il servizio contribuisce già a tutte le linee d'azione.")
    return ""


def _remove_phone(obj: models.Model, by: User) -> None:
    services.phone_remove(phone=cast(Phone, obj), by=by)


def _remove_contact(obj: models.Model, by: User) -> None:
    services.contact_remove(contact=cast(Contact, obj), by=by)


def _remove_language(obj: models.Model, by: User) -> None:
    services.language_remove(language=cast(Language, obj), by=by)


def _remove_cost(obj: models.Model, by: User) -> None:
    services.cost_option_remove(cost_option=cast(CostOption, obj), by=by)


def _remove_document(obj: models.Model, by: User) -> None:
    services.required_document_remove(required_document=cast(RequiredDocument, obj), by=by)


def _remove_area(obj: models.Model, by: User) -> None:
    services.service_area_remove(service_area=cast(ServiceArea, obj), by=by)


def _remove_accessibility(obj: models.Model, by: User) -> None:
    services.accessibility_remove(accessibility=cast(Accessibility, obj), by=by)


def _remove_action_line(obj: models.Model, by: User) -> None:
    attribute = cast(Attribute, obj)
    services.taxonomy_term_unassign(service=attribute.service, term=attribute.term, by=by)


def _may_remove_accessibility(request: HttpRequest, obj: models.Model) -> bool:
    return access.can_edit_maintained_by(request.user, cast(Accessibility, obj).location.maintainer_id)


def _form_of(form_class: type[forms.Form], prefix: str) -> Callable[[HttpRequest, Service, Any], forms.Form]:
    return lambda request, service, data: form_class(data, prefix=prefix)


KINDS: dict[str, DetailKind] = {kind.key: kind for kind in (
    DetailKind(
        key="phones", title=gettext_lazy("Telefoni"), add_label=gettext_lazy("Aggiungi un telefono"),
        added=gettext_lazy("Telefono aggiunto."), removed=gettext_lazy("Telefono rimosso."),
        form=_phone_form, add=_phone_add, items=_phones, row=_phone_row,
        remove=_remove_phone,
    ),
    DetailKind(
        key="contacts", title=gettext_lazy("Referenti"), add_label=gettext_lazy("Aggiungi un referente"),
        added=gettext_lazy("Referente aggiunto."), removed=gettext_lazy("Referente rimosso."),
        form=_form_of(ContactForm, "contact"),
        add=lambda request, service, by, data: services.contact_add(by=by, service=service, **data),
        items=_contacts, row=lambda request, service, pk: Contact.objects.filter(service=service, pk=pk).first(),
        remove=_remove_contact,
    ),
    DetailKind(
        key="languages", title=gettext_lazy("Lingue parlate"), add_label=gettext_lazy("Aggiungi una lingua"),
        added=gettext_lazy("Lingua aggiunta."), removed=gettext_lazy("Lingua rimossa."),
        form=_form_of(LanguageForm, "language"), add=_language_add, items=_languages,
        row=lambda request, service, pk: Language.objects.filter(service=service, pk=pk).first(),
        remove=_remove_language,
    ),
    DetailKind(
        key="costs", title=gettext_lazy("Costi"), add_label=gettext_lazy("Aggiungi un costo"),
        added=gettext_lazy("Costo aggiunto."), removed=gettext_lazy("Costo rimosso."),
        form=_form_of(CostOptionForm, "cost"),
        add=lambda request, service, by, data: services.cost_option_add(service=service, by=by, **data),
        items=_costs, row=lambda request, service, pk: CostOption.objects.filter(service=service, pk=pk).first(),
        remove=_remove_cost,
    ),
    DetailKind(
        key="documents", title=gettext_lazy("Documenti da portare"), add_label=gettext_lazy("Aggiungi un documento"),
        added=gettext_lazy("Documento aggiunto."), removed=gettext_lazy("Documento rimosso."),
        form=_form_of(RequiredDocumentForm, "document"),
        add=lambda request, service, by, data: services.required_document_add(service=service, by=by, **data),
        items=_documents,
        row=lambda request, service, pk: RequiredDocument.objects.filter(service=service, pk=pk).first(),
        remove=_remove_document,
    ),
    DetailKind(
        key="areas", title=gettext_lazy("Aree servite"), add_label=gettext_lazy("Aggiungi un'area"),
        added=gettext_lazy("Area aggiunta."), removed=gettext_lazy("Area rimossa."),
        form=_form_of(ServiceAreaForm, "area"), add=_area_add, items=_areas,
        row=lambda request, service, pk: ServiceArea.objects.filter(service=service, pk=pk).first(),
        remove=_remove_area,
    ),
    DetailKind(
        key="accessibility", title=gettext_lazy("Accessibilità delle sedi"),
        add_label=gettext_lazy("Aggiungi una nota di accessibilità"),
        added=gettext_lazy("Nota di accessibilità aggiunta."), removed=gettext_lazy("Nota di accessibilità rimossa."),
        form=_accessibility_form, add=_accessibility_add, items=_accessibility, row=_accessibility_row,
        remove=_remove_accessibility, may_remove=_may_remove_accessibility,
        unavailable=_no_places,
    ),
    DetailKind(
        key="action_lines", title=gettext_lazy("Linee d'azione"), add_label=gettext_lazy("Aggiungi una linea d'azione"),
        added=gettext_lazy("Linea d'azione aggiunta."), removed=gettext_lazy("Linea d'azione rimossa."),
        form=_action_line_form,
        add=lambda request, service, by, data: services.taxonomy_term_assign(service=service, term=data["term"],
                                                                              by=by),
        items=_action_lines, row=_action_line_row,
        remove=_remove_action_line,
        unavailable=_no_action_lines,
    ),
)}


def _kind(key: str) -> DetailKind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _forget(service: Service) -> None:
    """After a write, the section lists what is in the database, not what was fetched before it."""
    for name in (_LINKS_CACHE, _ACTION_LINES_CACHE, "_prefetched_objects_cache"):
        if hasattr(service, name):
            delattr(service, name)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def section_context(request: HttpRequest, service: Service, kind: DetailKind, *, form: forms.Form | None = None,
                    status: str = "") -> dict[str, Any]:
    unavailable = kind.unavailable(request, service)
    return {
        "kind": kind,
        "service": service,
        "items": kind.items(request, service),
        "form": None if unavailable else (form or kind.form(request, service, None)),
        "unavailable": unavailable,
        "open": form is not None and bool(form.errors),
        "status": status,
    }


def sections_for(request: HttpRequest, service: Service) -> list[dict[str, Any]]:
    """Every kind's section, for the service page of someone who may edit it."""
    return [section_context(request, service, kind) for kind in KINDS.values()]


def _section(request: HttpRequest, service: Service, kind: DetailKind, **extra: Any) -> HttpResponse:
    response = render(request, "directory/includes/detail_section.html",
                      {"section": section_context(request, service, kind, **extra)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(service: Service, kind: DetailKind) -> HttpResponse:
    return redirect(f"{service_url(service.pk)}#detail-{kind.key}")


@login_required
def detail_add(request: HttpRequest, pk: int, kind_key: str) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    kind = _kind(kind_key)
    form = kind.form(request, service, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            kind.add(request, service, user_of(request), dict(form.cleaned_data))
        except ApplicationError as error:
            apply_error(form, error)
        else:
            _forget(service)
            if _is_htmx(request):
                return _section(request, service, kind, status=str(kind.added))
            messages.success(request, str(kind.added))
            return _back(service, kind)
    if _is_htmx(request):
        return _section(request, service, kind, form=form)
    return render(request, "directory/detail_form.html", {
        "service": service, "kind": kind, "form": form, "unavailable": kind.unavailable(request, service),
        "title": f"{kind.add_label} · {service.name}", "cancel_href": f"{service_url(service.pk)}#detail-{kind.key}",
    })


@login_required
@require_POST
def detail_remove(request: HttpRequest, pk: int, kind_key: str, item_pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    kind = _kind(kind_key)
    obj = kind.row(request, service, item_pk)
    if obj is None or not kind.may_remove(request, obj):
        status = 404 if obj is None else 403
        audit.record(action="access.denied", actor=user_of(request), object_type=f"directory.{kind.key}",
                     object_id=str(item_pk), request=request, details={"write": True, "status": status})
        raise Http404 if obj is None else PermissionDenied
    kind.remove(obj, user_of(request))
    _forget(service)
    if _is_htmx(request):
        return _section(request, service, kind, status=str(kind.removed))
    messages.success(request, str(kind.removed))
    return _back(service, kind)

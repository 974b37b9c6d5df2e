"""Consents (record, withdraw, print the notice and form) and legal-basis records of a household."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts import access as accounts_access
from trama.core.errors import ApplicationError
from trama.network.access import require_perm
from trama.network.models import Network, Organisation
from trama.records import consent as consent_services
from trama.records.access import OBJECT_TYPE, can_record_legal_basis, deny_within, people_of
from trama.records.forms import ConsentForm, LegalBasisForm, LegalBasisRevokeForm, WithdrawForm
from trama.records.models import Consent, LegalBasis, LegalBasisRecord, NoticeLanguage
from trama.records.notice import UnknownNotice, consent_form_pdf
from trama.records.views._helpers import household_url, open_for, page_context, run_service, user_of


def _owner_networks(organisation: Organisation) -> list[int]:
    return list(organisation.network_memberships.values_list("network_id", flat=True))


@login_required
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="consent_add")
    household = opened.household
    owner = household.organisation
    networks = Network.objects.filter(is_active=True, pk__in=_owner_networks(owner)).order_by("level", "name")
    form = ConsentForm(request.POST or None, people=people_of(opened).order_by("id"),
                       organisations=Organisation.objects.filter(is_active=True).exclude(pk=owner.pk).order_by("name"),
                       networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = run_service(form, lambda: consent_services.consent_record(
            household=household, by=user_of(request), purposes=data["purposes"], categories=data["categories"],
            given_on=data["given_on"], expires_on=data["expires_on"], notice_version=data["notice_version"],
            notice_language=data["notice_language"], person=data["person"],
            recipient_organisations=list(data["recipient_organisations"]),
            recipient_networks=list(data["recipient_networks"]), given_by_kind=data["given_by_kind"],
            given_by_name=data["given_by_name"], guardian_evidence=data["guardian_evidence"],
            legal_basis=data["legal_basis"] or LegalBasis.CONSENT, special_condition=data["special_condition"] or None))
        if consent is not None:
            messages.success(request, _("Consenso registrato."))
            return redirect(household_url(household.pk, "consents"))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Registra un consenso"), cancel_href=household_url(household.pk, "consents"),
        intro=_("Registra il consenso firmato su carta: stampa prima l'informativa e il modulo nella lingua della "
                "famiglia. Una volta registrato, il consenso non si modifica: si può solo revocare."),
        print_languages=NoticeLanguage.choices))


@login_required
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="consent_withdraw")
    household = opened.household
    consent = Consent.objects.filter(household=household, pk=consent_pk).first()
    if consent is None:
        deny_within(opened, "records.consent", consent_pk, request=request)
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_service(form, lambda: consent_services.consent_withdraw(
                consent=consent, by=user_of(request), reason=reason)) is not None:
            messages.success(request, _("Consenso revocato: da ora i destinatari non vedono più i dati condivisi."))
            return redirect(household_url(household.pk, "consents"))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Revoca il consenso del %(day)s") % {"day": consent.given_on.strftime("%d/%m/%Y")},
        cancel_href=household_url(household.pk, "consents"), submit_label=_("Revoca il consenso"), danger=True))


def _language(request: HttpRequest) -> str:
    language = request.GET.get("language") or "it"
    if language not in NoticeLanguage.values:
        raise Http404
    return language


@login_required
def consent_form_blank(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice and a blank form in the family's language, to be signed on paper."""
    language = _language(request)
    opened = open_for(request, pk, write=True, purpose="consent_print")
    data = consent_form_pdf(household=opened.household, language=language, entitlement=opened.entitlement,
                            organisation=opened.household.organisation)
    return _pdf(data, f"informativa-{opened.household.reference_code}-{language}.pdf")


@login_required
@require_POST
def consent_form_filled(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The form filled in from a recorded consent (printing it is logged in the consent's history)."""
    language = request.POST.get("language") or None
    if language is not None and language not in NoticeLanguage.values:
        raise Http404
    opened = open_for(request, pk, write=True, purpose="consent_print")
    consent = Consent.objects.filter(household=opened.household, pk=consent_pk).first()
    if consent is None:
        deny_within(opened, "records.consent", consent_pk, request=request)
        raise Http404
    # By default in the language the family read; another one on request, if the consent's notice exists in it.
    language = language or consent.notice_language
    try:
        data = consent_form_pdf(household=opened.household, language=language, consent=consent,
                                entitlement=opened.entitlement)
    except UnknownNotice:
        raise Http404 from None
    consent_services.consent_note_printed(consent=consent, by=user_of(request), language=language)
    return _pdf(data, f"consenso-{opened.household.reference_code}-{consent.pk}-{language}.pdf")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def legal_basis_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, can_record_legal_basis(request.user), object_type=OBJECT_TYPE, request=request)
    opened = open_for(request, pk, purpose="legal_basis_add")
    household = opened.household
    networks = accounts_access.networks_for(request.user).filter(is_active=True).order_by("level", "name")
    form = LegalBasisForm(request.POST or None,
                          organisations=Organisation.objects.filter(is_active=True)
                          .exclude(pk=household.organisation_id).order_by("name"),  # the holder sees it already
                          networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_services.legal_basis_record(
                household=household, by=user_of(request), basis=data["basis"], reference=data["reference"],
                reason=data["reason"], categories=data["categories"], organisation=data["organisation"],
                network=data["network"], valid_until=data["valid_until"])
        except ApplicationError as error:
            field = "organisation" if error.field == "organisation" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Base giuridica registrata: l'organizzazione titolare è stata avvisata."))
            return redirect(household_url(household.pk, "consents"))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Registra un'altra base giuridica"),
        cancel_href=household_url(household.pk, "consents"),
        intro=_("Per condividere i dati senza consenso, ad esempio per i compiti di assistenza sociale del Comune. "
                "La registrazione è tracciata e l'organizzazione titolare viene avvisata.")))


@login_required
def legal_basis_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """End a sharing on another legal basis (the role that may record one may revoke one): from the next request
    its recipient no longer reads the household; audited, and the owning organisation is notified."""
    require_perm(request.user, can_record_legal_basis(request.user), object_type=OBJECT_TYPE, request=request)
    opened = open_for(request, pk, purpose="legal_basis_revoke")
    household = opened.household
    records = (LegalBasisRecord.objects.active().filter(household=household)
               .select_related("organisation", "network").order_by("-recorded_at", "-id"))
    form = LegalBasisRevokeForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        record = form.cleaned_data["record"]
        if run_service(form, lambda: consent_services.legal_basis_revoke(record=record, by=user_of(request))):
            messages.success(request, _("Base giuridica revocata: da ora il destinatario non vede più i dati "
                                        "condivisi."))
            return redirect(household_url(household.pk, "consents"))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Revoca un'altra base giuridica"),
        cancel_href=household_url(household.pk, "consents"), submit_label=_("Revoca"), danger=True,
        intro=_("Non ci sono basi giuridiche in vigore per questo nucleo.") if not records.exists() else ""))

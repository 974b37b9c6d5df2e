"""Organisations (ETS, public offices, schools …), their addresses and staff contacts, and ATS groupings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.network.validators import validate_fiscal_code


class OrganisationKind(models.TextChoices):
    ETS = "ets", _("Ente del Terzo Settore")
    PUBLIC_OFFICE = "public_office", _("Ente pubblico / ufficio")
    SCHOOL = "school", _("Scuola")
    HEALTH_SERVICE = "health_service", _("Servizio sanitario")
    INFORMAL_GROUP = "informal_group", _("Gruppo informale")
    COMPANY = "company", _("Impresa")
    ATS = "ats", _("ATS (associazione temporanea di scopo)")
    UNIVERSITY = "university", _("Università / centro di ricerca")


class LegalForm(models.TextChoices):
    SOCIAL_COOPERATIVE = "cooperativa_sociale", _("Cooperativa sociale")
    APS = "aps", _("Associazione di promozione sociale (APS)")
    ODV = "odv", _("Organizzazione di volontariato (ODV)")
    FOUNDATION = "fondazione", _("Fondazione")
    SOCIAL_ENTERPRISE = "impresa_sociale", _("Impresa sociale")
    CONSORTIUM = "consorzio", _("Consorzio")
    ASSOCIATION = "associazione", _("Associazione")
    ECCLESIASTICAL = "ente_ecclesiastico", _("Ente ecclesiastico / religioso")
    PUBLIC_BODY = "ente_pubblico", _("Ente pubblico")
    COMPANY = "societa", _("Società")
    OTHER = "altro", _("Altro")
    NONE = "", _("—")


class Organisation(ChoiceLabels, models.Model):
    name = models.CharField(_("denominazione"), max_length=250)
    short_name = models.CharField(_("nome breve"), max_length=80, blank=True)
    slug = models.SlugField(_("identificativo"), max_length=120, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=OrganisationKind.choices)
    legal_form = models.CharField(_("forma giuridica"), max_length=30, choices=LegalForm.choices, blank=True)
    fiscal_code = models.CharField(
        _("codice fiscale / partita IVA"),
        max_length=16,
        blank=True,
        validators=[validate_fiscal_code],
        help_text=_("11 cifre (persona giuridica) o 16 caratteri (persona fisica)."),
    )
    runts_number = models.CharField(
        _("numero RUNTS"),
        max_length=30,
        blank=True,
        help_text=_("Numero di iscrizione al Registro unico nazionale del Terzo settore, se iscritta."),
    )
    description = models.TextField(_("descrizione"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    municipi = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("municipi in cui opera"),
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind__in": ["municipio", "comune"]},
    )
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_code"],
                condition=~Q(fiscal_code=""),
                name="organisation_fiscal_code_unique",
                violation_error_message=_("Esiste già un'organizzazione con questo codice fiscale."),
            ),
        ]
        indexes = [
            # organisation list filtered by kind, ordered by name
            models.Index(fields=["kind", "name"], name="organisation_kind_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_ats(self) -> bool:
        return self.kind == OrganisationKind.ATS


class OrganisationAddress(models.Model):
    """A seat, office or operating site of an organisation, geocoded against the city gazetteer when added."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione"), on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(
        _("etichetta"), max_length=120, blank=True, help_text=_("Es. sede legale, sede operativa.")
    )
    address_text = models.CharField(_("indirizzo (come inserito)"), max_length=250)
    normalised = models.CharField(_("indirizzo normalizzato"), max_length=250, blank=True)
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    municipio = models.ForeignKey(
        "territory.Area",
        verbose_name=_("municipio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "municipio"},
    )
    nil = models.ForeignKey(
        "territory.Area",
        verbose_name=_("NIL"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "nil"},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indirizzo")
        verbose_name_plural = _("indirizzi")
        ordering = ["organisation", "label", "pk"]

    def __str__(self) -> str:
        text = self.normalised or self.address_text
        return f"{self.label}: {text}" if self.label else text

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Person(models.Model):
    """A staff contact of an organisation (not necessarily a Trama user): sits in bodies, attends meetings."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    title = models.CharField(_("ruolo / qualifica"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente collegato"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_cards",
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("persona di riferimento")
        verbose_name_plural = _("persone di riferimento")
        ordering = ["full_name"]
        indexes = [
            # people of an organisation (organisation page, body member form)
            models.Index(fields=["organisation", "full_name"], name="person_org_name"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation})"


class ATSRole(models.TextChoices):
    LEAD = "capofila", _("Capofila")
    PRINCIPAL = "mandante", _("Mandante")


class ATSMember(ChoiceLabels, models.Model):
    """An organisation taking part in an ATS (associazione temporanea di scopo), as lead or as principal."""

    ats = models.ForeignKey(
        Organisation,
        verbose_name=_("ATS"),
        on_delete=models.CASCADE,
        related_name="ats_members",
        limit_choices_to={"kind": OrganisationKind.ATS},
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        related_name="ats_participations",
    )
    role = models.CharField(
        _("ruolo nell'ATS"), max_length=20, choices=ATSRole.choices, default=ATSRole.PRINCIPAL
    )
    since = models.DateField(_("dal"), null=True, blank=True)
    until = models.DateField(_("fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("componente dell'ATS")
        verbose_name_plural = _("componenti dell'ATS")
        ordering = ["ats", "role", "organisation__name"]
        constraints = [
            models.CheckConstraint(condition=~Q(ats=models.F("organisation")), name="ats_member_not_itself"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="ats_member_dates_ordered",
            ),
        ]
        indexes = [
            # organisation page: the ATS an organisation takes part in
            models.Index(fields=["organisation", "ats"], name="ats_member_org_ats"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.ats}"

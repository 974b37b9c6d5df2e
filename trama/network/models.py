"""Organisations, programmes and networks (city → municipal → neighbourhood).

Governance bodies, meetings and action items are added by the network module's governance work."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class Organisation(models.Model):
    name = models.CharField(_("denominazione"), max_length=250)
    short_name = models.CharField(_("nome breve"), max_length=80, blank=True)
    slug = models.SlugField(_("identificativo"), max_length=120, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=OrganisationKind.choices)
    legal_form = models.CharField(_("forma giuridica"), max_length=30, choices=LegalForm.choices, blank=True)
    fiscal_code = models.CharField(_("codice fiscale / partita IVA"), max_length=16, blank=True)
    runts_number = models.CharField(_("numero RUNTS"), max_length=30, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    municipi = models.ManyToManyField(
        "territory.Area", verbose_name=_("municipi in cui opera"), blank=True, related_name="organisations",
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
                fields=["fiscal_code"], condition=~Q(fiscal_code=""), name="organisation_fiscal_code_unique"
            ),
        ]
        indexes = [
            # organisation list filtered by kind, ordered by name
            models.Index(fields=["kind", "name"], name="organisation_kind_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Programme(models.Model):
    """A funding/policy programme networks belong to, e.g. "QuBì" or the reception co-programming."""

    name = models.CharField(_("nome"), max_length=200, unique=True)
    description = models.TextField(_("descrizione"), blank=True)
    starts_on = models.DateField(_("inizio"), null=True, blank=True)
    ends_on = models.DateField(_("fine"), null=True, blank=True)

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkLevel(models.TextChoices):
    CITY = "city", _("Rete cittadina")
    MUNICIPAL = "municipal", _("Rete municipale")
    NEIGHBOURHOOD = "neighbourhood", _("Rete di quartiere")


class Network(models.Model):
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("identificativo"), max_length=120, unique=True)
    level = models.CharField(_("livello"), max_length=20, choices=NetworkLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("rete superiore"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("territorio"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="networks",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="networks",
    )
    description = models.TextField(_("descrizione"), blank=True)
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rete")
        verbose_name_plural = _("reti")
        ordering = ["level", "name"]
        indexes = [
            # network tree: children of a network
            models.Index(fields=["parent", "name"], name="network_parent_name"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkRole(models.TextChoices):
    LEAD_PARTNER = "lead_partner", _("Capofila")
    PARTNER = "partner", _("Partner")
    CO_MANAGER = "co_manager", _("Co-gestore")
    MEMBER = "member", _("Aderente")


class NetworkMembership(models.Model):
    network = models.ForeignKey(Network, verbose_name=_("rete"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione"), on_delete=models.PROTECT, related_name="network_memberships"
    )
    role = models.CharField(_("ruolo nella rete"), max_length=20, choices=NetworkRole.choices, default=NetworkRole.MEMBER)
    since = models.DateField(_("dal"), null=True, blank=True)
    until = models.DateField(_("fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("adesione alla rete")
        verbose_name_plural = _("adesioni alla rete")
        ordering = ["network", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation", "since"], name="network_membership_unique"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="network_membership_dates_ordered",
            ),
        ]
        indexes = [
            # access policy: networks of an organisation
            models.Index(fields=["organisation", "network"], name="netmember_org_network"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.network}"

"""Programmes and networks (city → municipal → neighbourhood) and the organisations that take part in them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.network.models.organisations import Organisation


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


# The level a network's parent must have (one level up); a city network has no parent.
PARENT_LEVEL: dict[str, str | None] = {
    NetworkLevel.CITY: None,
    NetworkLevel.MUNICIPAL: NetworkLevel.CITY,
    NetworkLevel.NEIGHBOURHOOD: NetworkLevel.MUNICIPAL,
}

# Kinds of territorial area that fit each level (Milan: city → municipio → NIL; other territories:
# ambito → comune → neighbourhood). A neighbourhood network born across several NILs (Giambellino-Lorenteggio)
# may keep its municipio's area until its own is drawn; the service also keeps a child's area inside its
# parent's.
AREA_KINDS: dict[str, frozenset[str]] = {
    NetworkLevel.CITY: frozenset({"city", "ambito"}),
    NetworkLevel.MUNICIPAL: frozenset({"municipio", "comune"}),
    NetworkLevel.NEIGHBOURHOOD: frozenset({"nil", "neighbourhood", "municipio", "comune"}),
}


class Network(ChoiceLabels, models.Model):
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("identificativo"), max_length=120, unique=True)
    level = models.CharField(_("livello"), max_length=20, choices=NetworkLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rete superiore"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("territorio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="networks",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
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


class NetworkMembership(ChoiceLabels, models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("rete"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        related_name="network_memberships",
    )
    role = models.CharField(
        _("ruolo nella rete"), max_length=20, choices=NetworkRole.choices, default=NetworkRole.MEMBER
    )
    since = models.DateField(_("dal"), null=True, blank=True)
    until = models.DateField(_("fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("adesione alla rete")
        verbose_name_plural = _("adesioni alla rete")
        ordering = ["network", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation", "since"], name="network_membership_unique"
            ),
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

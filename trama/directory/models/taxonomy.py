"""Taxonomies (HSDS taxonomy / taxonomy_term) and the eligibility target groups, with labels in the portal's
languages. Loaded by `manage.py load_taxonomies` (idempotent; see directory/taxonomies.py)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

# The portal's languages (issue C2 §4). Italian is the reference: every label falls back to it.
PORTAL_LANGUAGES = ("it", "en", "fr", "es", "ar", "uk", "zh")


def _base_language(lang: str | None) -> str:
    """"zh-hans" → "zh", "en-GB" → "en"."""
    return (lang or "it").lower().replace("_", "-").split("-")[0]


def term_label(labels: dict[str, str] | None, name: str, lang: str | None = None) -> str:
    """The label in `lang` of a labelled row (its `labels` and `name`), for code that reads the columns only."""
    labels = labels or {}
    return labels.get(_base_language(lang)) or labels.get("it") or name


class LabelledMixin:
    """`labels` is {"it": "...", "en": "...", ...}; `label(lang)` falls back to Italian, then to `name`."""

    name: str
    labels: dict[str, str]

    def label(self, lang: str | None = None) -> str:
        return term_label(self.labels, self.name, lang)


class Taxonomy(models.Model):
    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    # Stable key used by the loader and in URLs: "bisogni", "linee-azione".
    code = models.SlugField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("versione"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("tassonomia")
        verbose_name_plural = _("tassonomie")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(LabelledMixin, models.Model):
    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, verbose_name=_("tassonomia"), on_delete=models.PROTECT,
                                 related_name="terms")
    # Hierarchical code, unique within the taxonomy: "doposcuola", "doposcuola.compiti".
    code = models.CharField(_("codice"), max_length=80)
    name = models.CharField(_("nome"), max_length=200)  # Italian, as in labels["it"]
    description = models.TextField(_("descrizione"), blank=True)
    parent = models.ForeignKey("self", verbose_name=_("termine superiore"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    labels = models.JSONField(_("etichette per lingua"), default=dict, blank=True)
    term_uri = models.URLField(_("URI del termine"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("termine di tassonomia")
        verbose_name_plural = _("termini di tassonomia")
        ordering = ["taxonomy", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="directory_term_code_unique"),
        ]
        indexes = [
            # the term tree of a taxonomy (filters, portal need picker)
            models.Index(fields=["taxonomy", "parent"], name="directory_term_tree"),
        ]

    def __str__(self) -> str:
        return self.name


class TargetGroup(LabelledMixin, models.Model):
    """Who a service is for (eligibility): age bands and groups such as new mothers or foreign minors."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)  # "0-3", "0-6", "new-mothers", …
    name = models.CharField(_("nome"), max_length=120)
    labels = models.JSONField(_("etichette per lingua"), default=dict, blank=True)
    # Age band covered, when the group is one (used by the "age of the person" filter).
    minimum_age = models.PositiveSmallIntegerField(_("età minima"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("età massima"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("destinatari")
        verbose_name_plural = _("gruppi di destinatari")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

"""The smaller HSDS tables hanging off services and locations."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels

iso_639 = RegexValidator(r"^[a-z]{2,3}$", _("Usa un codice ISO 639-1 (due lettere) o 639-3 (tre lettere)."))


def _hsds_id() -> models.UUIDField:
    return models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)


def _owner(model: Any, verbose: Any, related_name: str) -> Any:
    return models.ForeignKey(model, verbose_name=verbose, null=True, blank=True, on_delete=models.CASCADE,
                             related_name=related_name)


class Contact(models.Model):
    hsds_id = _hsds_id()
    service = _owner("directory.Service", _("servizio"), "contacts")
    location = _owner("directory.Location", _("sede"), "contacts")
    service_at_location = _owner("directory.ServiceAtLocation", _("servizio presso sede"), "contacts")
    name = models.CharField(_("nome"), max_length=200, blank=True)
    title = models.CharField(_("ruolo"), max_length=200, blank=True)
    department = models.CharField(_("ufficio"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("referente")
        verbose_name_plural = _("referenti")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False)
                | Q(service_at_location__isnull=False),
                name="directory_contact_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.department or self.email


class PhoneType(models.TextChoices):
    VOICE = "voice", _("Telefono")
    CELL = "cell", _("Cellulare")
    TEXT = "text", _("SMS / messaggi")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Videochiamata")
    TEXTPHONE = "textphone", _("Telefono per persone sorde")
    PAGER = "pager", _("Cercapersone")


class Phone(ChoiceLabels, models.Model):
    hsds_id = _hsds_id()
    service = _owner("directory.Service", _("servizio"), "phones")
    location = _owner("directory.Location", _("sede"), "phones")
    service_at_location = _owner("directory.ServiceAtLocation", _("servizio presso sede"), "phones")
    contact = _owner(Contact, _("referente"), "phones")
    number = models.CharField(_("numero"), max_length=40)
    extension = models.CharField(_("interno"), max_length=10, blank=True)
    type = models.CharField(_("tipo"), max_length=10, choices=PhoneType.choices, default=PhoneType.VOICE)
    description = models.CharField(_("descrizione"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("telefono")
        verbose_name_plural = _("telefoni")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False)
                | Q(service_at_location__isnull=False) | Q(contact__isnull=False),
                name="directory_phone_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def tel_uri(self) -> str:
        """For `tel:` links: digits and a leading +, and the extension (RFC 3966 `;ext=`). Empty when the field
        is not one number (letters, as in "int. 3", or more digits than a number has, as in two numbers written
        in one field): glued together, its digits would dial a wrong number, so it is shown as text."""
        number = self.number.strip()
        digits = "".join(c for c in number if c.isascii() and c.isdigit())
        before_digits = number[:next((i for i, c in enumerate(number) if c.isdigit()), len(number))]
        # A "+" only before the first digit, as in "+39 …" or "(+39) …": one after a digit starts another number.
        if (any(c.isalpha() for c in number) or number.count("+") > before_digits.count("+")
                or number.count("+") > 1 or not 3 <= len(digits) <= MAX_PHONE_DIGITS):
            return ""
        prefix = "+" if "+" in before_digits else ""
        extension = "".join(c for c in self.extension if c.isascii() and c.isdigit())
        return f"tel:{prefix}{digits};ext={extension}" if extension else f"tel:{prefix}{digits}"

    @property
    def callable_by_family(self) -> bool:
        """A number a family can call or write to: not a fax nor a pager."""
        return bool(self.number.strip()) and self.type not in (PhoneType.FAX, PhoneType.PAGER)


# E.164: at most 15 digits, country code included.
MAX_PHONE_DIGITS = 15


class Language(models.Model):
    """A language spoken (ISO 639-1 or 639-3 code), by a service, at a location or on a phone line."""

    hsds_id = _hsds_id()
    service = _owner("directory.Service", _("servizio"), "languages")
    location = _owner("directory.Location", _("sede"), "languages")
    phone = _owner(Phone, _("telefono"), "languages")
    code = models.CharField(_("codice ISO 639"), max_length=3, validators=[iso_639])
    name = models.CharField(_("lingua"), max_length=100, blank=True)
    note = models.CharField(_("nota"), max_length=300, blank=True)  # "solo il martedì", "con mediatrice"

    class Meta:
        verbose_name = _("lingua")
        verbose_name_plural = _("lingue")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False) | Q(phone__isnull=False),
                name="directory_language_has_owner",
            ),
        ]
        indexes = [
            # "language spoken" search filter, and the filter's choices (distinct code and name: the index alone)
            models.Index(fields=["code", "name"], name="directory_language_code_name"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class CostOption(models.Model):
    hsds_id = _hsds_id()
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.CASCADE,
                                related_name="cost_options")
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    option = models.CharField(_("voce"), max_length=250, blank=True)  # "Quota mensile", "Iscrizione"
    currency = models.CharField(_("valuta"), max_length=3, default="EUR")
    amount = models.DecimalField(_("importo"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(_("descrizione dell'importo"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("costo")
        verbose_name_plural = _("costi")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.option or str(self.amount)


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Documento d'identità")
    RESIDENCE_PERMIT = "residence_permit", _("Permesso di soggiorno")
    FISCAL_CODE = "fiscal_code", _("Codice fiscale / tessera sanitaria")
    ISEE = "isee", _("Attestazione ISEE")
    RESIDENCY = "residency", _("Certificato di residenza")
    OTHER = "other", _("Altro")


# The documents that a family without papers lacks, and the one that proves residency: a service asking for one of
# them requires documents, or residency, whatever its flag says (the search filters and the portal's badges read
# both, so "Senza documenti" never lists a service that asks for a residence permit).
PAPERS_DOCUMENTS = (DocumentKind.IDENTITY, DocumentKind.RESIDENCE_PERMIT, DocumentKind.FISCAL_CODE)
RESIDENCY_DOCUMENTS = (DocumentKind.RESIDENCY,)


def requirements(service: Any) -> dict[str, bool]:
    """A service's conditions as a family meets them: its flags, or the documents it asks for (a residence permit
    asked means documents are needed even if the flag was left off). Prefetch `required_documents` for a list."""
    kinds = {document.kind for document in service.required_documents.all()}
    return {
        "requires_residency": service.requires_residency or bool(kinds.intersection(RESIDENCY_DOCUMENTS)),
        "requires_documents": service.requires_documents or bool(kinds.intersection(PAPERS_DOCUMENTS)),
        "requires_isee": service.requires_isee or DocumentKind.ISEE in kinds,
    }


class RequiredDocument(ChoiceLabels, models.Model):
    hsds_id = _hsds_id()
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.CASCADE,
                                related_name="required_documents")
    kind = models.CharField(_("tipo"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    document = models.CharField(_("documento"), max_length=300)
    uri = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("documento richiesto")
        verbose_name_plural = _("documenti richiesti")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.document


class ServiceArea(models.Model):
    """Where a service's users must live or be (HSDS service_area), optionally one of our territory areas."""

    hsds_id = _hsds_id()
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.CASCADE,
                                related_name="service_areas")
    area = models.ForeignKey("territory.Area", verbose_name=_("area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nome"), max_length=200, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    uri = models.URLField(_("URI"), blank=True)

    class Meta:
        verbose_name = _("area servita")
        verbose_name_plural = _("aree servite")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or (self.area.name if self.area is not None else "")


class Accessibility(models.Model):
    hsds_id = _hsds_id()
    location = models.ForeignKey("directory.Location", verbose_name=_("sede"), on_delete=models.CASCADE,
                                 related_name="accessibility")
    description = models.TextField(_("descrizione"), blank=True)  # "Ingresso senza gradini"
    details = models.TextField(_("dettagli"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("accessibilità")
        verbose_name_plural = _("accessibilità")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description[:60]


class Attribute(models.Model):
    """A taxonomy term applied to a service (HSDS attribute with link_type "service")."""

    hsds_id = _hsds_id()
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.CASCADE,
                                related_name="attributes")
    term = models.ForeignKey("directory.TaxonomyTerm", verbose_name=_("termine"), on_delete=models.PROTECT,
                             related_name="attributes")
    value = models.CharField(_("valore"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("classificazione")
        verbose_name_plural = _("classificazioni")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "term"], name="directory_attribute_unique"),
        ]
        indexes = [
            # HSDS taxonomy_term_id filter and the "need" search filter: services of a term
            models.Index(fields=["term", "service"], name="directory_attribute_term"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} → {self.term}"

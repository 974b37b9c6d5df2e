"""Notes on a household with a visibility level; the text is always encrypted (notes are free text and often
hold what is most delicate)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.records.fields import EncryptedTextField
from trama.records.models.base import SealedRow
from trama.records.models.choices import NoteVisibility


class Note(SealedRow):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="notes")
    person = models.ForeignKey("records.Person", verbose_name=_("persona"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="notes")
    visibility = models.CharField(_("visibilità"), max_length=14, choices=NoteVisibility.choices,
                                  default=NoteVisibility.ORGANISATION)
    text = EncryptedTextField(_("testo"))
    # The organisation the author wrote for (notes "of my organisation" stay with it even across transfers).
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione"),
                                     on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scritta da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("scritta il"), auto_now_add=True)

    class Meta:
        verbose_name = _("nota")
        verbose_name_plural = _("note")
        ordering = ["household", "-written_at", "-id"]
        indexes = [
            # the notes tab: a household's notes filtered by visibility, newest first
            models.Index(fields=["household", "visibility", "-written_at"], name="records_note_hh_vis"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visibility} {self.pk}"

    def clean(self) -> None:
        if self.person is not None and self.person.household_id != self.household_id:
            raise ValidationError({"person": _("La persona non fa parte di questo nucleo.")})

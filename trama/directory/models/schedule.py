"""Opening hours (HSDS schedule, an RRULE subset) and closures. Computed by trama.lib.schedules."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.lib import schedules as lib

TIMEZONE = "Europe/Rome"


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Settimanale")
    MONTHLY = "MONTHLY", _("Mensile")


class Weekday(models.TextChoices):
    MO = "MO", _("lunedì")
    TU = "TU", _("martedì")
    WE = "WE", _("mercoledì")
    TH = "TH", _("giovedì")
    FR = "FR", _("venerdì")
    SA = "SA", _("sabato")
    SU = "SU", _("domenica")


class Schedule(ChoiceLabels, models.Model):
    """One opening window that recurs. Several windows a day are several rows.

    Attached, as HSDS allows, to a service at a location (the usual case: when this service is offered there),
    to a service (wherever it is offered) or to a location (when the place itself is open)."""

    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    service_at_location = models.ForeignKey("directory.ServiceAtLocation", verbose_name=_("servizio presso sede"),
                                            null=True, blank=True, on_delete=models.CASCADE,
                                            related_name="schedules")
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey("directory.Location", verbose_name=_("sede"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="schedules")
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    dtstart = models.DateField(_("primo giorno"), null=True, blank=True)
    # IANA name; HSDS's numeric `timezone` (UTC offset) is derived on export.
    timezone = models.CharField(_("fuso orario"), max_length=40, default=TIMEZONE)
    until = models.DateField(_("ultimo giorno"), null=True, blank=True)
    wkst = models.CharField(_("inizio settimana"), max_length=2, choices=Weekday.choices, default=Weekday.MO)
    freq = models.CharField(_("frequenza"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(_("ogni"), default=1)
    # "MO,WE"; with MONTHLY also "1MO" (first Monday), "-1FR" (last Friday).
    byday = models.CharField(_("giorni della settimana"), max_length=60, blank=True)
    # MONTHLY: "1,15,-1".
    bymonthday = models.CharField(_("giorni del mese"), max_length=60, blank=True)
    opens_at = models.TimeField(_("apre alle"))
    closes_at = models.TimeField(_("chiude alle"))
    description = models.TextField(_("descrizione"), blank=True)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("orario")
        verbose_name_plural = _("orari")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_at_location__isnull=False) | Q(service__isnull=False)
                | Q(location__isnull=False),
                name="directory_schedule_has_owner",
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="directory_schedule_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.freq} {self.byday or self.bymonthday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def to_window(self, key: object = None) -> lib.Window:
        return lib.Window(
            opens_at=self.opens_at, closes_at=self.closes_at, freq=self.freq, byday=self.byday,
            bymonthday=self.bymonthday, interval=self.interval, dtstart=self.dtstart, until=self.until,
            valid_from=self.valid_from, valid_to=self.valid_to, wkst=self.wkst, key=key,  # type: ignore[arg-type]
        )


class Closure(models.Model):
    """Whole days on which a service (everywhere) or a location (every service there) is closed."""

    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="closures")
    location = models.ForeignKey("directory.Location", verbose_name=_("sede"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("dal"))
    end_date = models.DateField(_("al"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(service__isnull=False) & Q(location__isnull=True))
                | (Q(service__isnull=True) & Q(location__isnull=False)),
                name="directory_closure_one_owner",
            ),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="directory_closure_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date} {self.reason}"

    def to_closure(self, key: object = None) -> lib.Closure:
        return lib.Closure(start=self.start_date, end=self.end_date, reason=self.reason,
                           key=key)  # type: ignore[arg-type]

"""Helpers shared by the referral and transfer services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.records import listing
from trama.records.categories import DataCategory
from trama.records.consent import notify_organisation
from trama.records.models import Household
from trama.referrals.access import may_act
from trama.referrals.models import Referral, ReferralEvent

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.network.models import Organisation

MAX_TEXT = 4_000


# --- Helpers --------------------------------------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if not text and required_message is not None:
        raise ApplicationError(required_message, field=field)
    if len(text) > MAX_TEXT:
        raise ApplicationError(_("Il testo è troppo lungo (al massimo %(limit)d caratteri).") % {"limit": MAX_TEXT},
                               field=field)
    return text


def _categories(values: Iterable[str] | None) -> list[str]:
    if values is None or isinstance(values, str):
        raise ApplicationError(_("Scegli almeno una categoria di dati da condividere."), field="categories")
    given = list(values)
    if not given:
        raise ApplicationError(_("Scegli almeno una categoria di dati da condividere."), field="categories")
    wrong = [str(value) for value in given if value not in DataCategory.values]
    if wrong:
        raise ApplicationError(_("Categorie di dati sconosciute: %(values)s.") % {"values": ", ".join(wrong)},
                               field="categories")
    return [value for value in DataCategory.values if value in given]


def _labels(categories: Iterable[str]) -> str:
    return ", ".join(str(DataCategory(c).label) for c in categories)


def _require_perm(user: User | None, organisation: Organisation, message: str) -> None:
    if not accounts_access.has_perm(user, Perm.REFERRALS_MANAGE, organisation=organisation):
        raise ApplicationError(message, code="forbidden")


def _require_sender(user: User | None, referral: Referral) -> None:
    # Within a network-scoped membership's area, as the pages and the API decide (access.may_act).
    if not may_act(user, referral, side="sender"):
        raise ApplicationError(_("Solo chi gestisce le segnalazioni dell'organizzazione inviante può farlo."),
                               code="forbidden")


def _require_receiver(user: User | None, referral: Referral) -> None:
    if not may_act(user, referral, side="receiver"):
        raise ApplicationError(_("Solo chi gestisce le segnalazioni dell'organizzazione ricevente può farlo."),
                               code="forbidden")


def _require_household_writer(user: User | None, household: Household) -> None:
    """The records funnel decides (and audits) whether `user` may change this household."""
    from trama.records.access import open_household

    try:
        open_household(user, household.pk, write=True, purpose="referral")
    except (Http404, PermissionDenied) as error:
        raise ApplicationError(_("Non puoi inviare segnalazioni per questo nucleo: serve il permesso di modificarne "
                                 "la cartella."), code="forbidden") from error


def _notify(*, organisation: Organisation, kind: str, household: Household | None,
            text: Callable[[], str]) -> None:
    """The organisation's notice (records.consent.notify_organisation). The text names reference codes, services
    and organisations only — never the family's data."""
    notify_organisation(organisation=organisation, kind=kind, household=household, text=text,
                        subject=lambda: _("Trama: segnalazioni"))


def _event(referral: Referral, kind: str, *, from_status: str, by: User | None,
           organisation: Organisation | None, at: dt.datetime, detail: str = "") -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, kind=kind, from_status=from_status,
                                        to_status=referral.status, by=by, organisation=organisation, at=at,
                                        detail=detail)


def _audit(action: str, *, by: User | None, referral: Referral, **extra: Any) -> None:
    audit.record(action=action, actor=by, obj=referral, details={
        "household": referral.household_id, "from_organisation": referral.from_organisation_id,
        "to_organisation": referral.to_organisation_id, "status": referral.status, **extra})


def _transition(referral: Referral, *, expected: Iterable[str], message: str, code: str,
                **changes: Any) -> str:
    """Move the referral from one of `expected` statuses with one conditional UPDATE; ApplicationError if someone
    else moved it first. Returns the status it had. `referral` is refreshed."""
    expected = list(expected)
    # The row is locked (PostgreSQL; SQLite's write transaction is already exclusive) before its status is read,
    # so the status returned is the one the UPDATE below changed — not one a concurrent send replaced meanwhile.
    current = (Referral.objects.select_for_update().filter(pk=referral.pk).values_list("status", flat=True)
               .first())
    changes.setdefault("updated_at", timezone.now())
    updated = Referral.objects.filter(pk=referral.pk, status__in=expected).update(**changes)
    if updated != 1:
        raise ApplicationError(message, code=code)
    listing.referral_moved(str(current), str(changes.get("status", current)))
    referral.refresh_from_db()
    return str(current)


def _ref(referral: Referral) -> dict[str, Any]:
    return {"number": referral.pk, "code": referral.household.reference_code, "service": referral.service.name,
            "from": referral.from_organisation.name, "to": referral.to_organisation.name}

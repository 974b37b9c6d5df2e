"""The household list's ordered ids, kept by each process between requests until who may list what changes.

Collecting every household a user may open, newest opening first, is most of the household list's cost: the
funnel's sources as one union of index scans, then each household's opening day for the order — some 20 ms on
SQLite for an operator who reaches 8,000 households, on every page of the list. This module keeps the result per
process under a key (user, their scope, the day) with a stamp of the newest `AccessChange` rows. Every change of
who may list what inserts one such row in its own transaction (the signals below, and `changed()` after the few
`QuerySet.update()` calls that move a household, blank its NIL (anonymisation) or move a referral), so the next
request in any process sees a new stamp and collects again.

Staleness cannot leak a household: the page's rows are tested through the funnel again (`households_listed`), so
a stale list could only miss a household or show a short page. It is bounded anyway: an entry lives at most
`TTL_SECONDS`, against a change made outside these paths (raw SQL, a bulk load). What changes by the clock is
in the key (the day: consents and legal bases expire by date) or not cached (break-glass openings end by the
hour); withdrawals and revocations take effect at the instant they are recorded, with their change row."""

from __future__ import annotations

import datetime as dt
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

TTL_SECONDS = 300.0
MAX_ENTRIES = 256  # users per process; a list of 8,000 ids takes 64 kB
# The stamp counts the rows among the newest WINDOW ids: PostgreSQL gives ids at insert, not at commit, so a
# change committed after newer ones changes the count, where the newest id alone would stay the same. Missed only
# if WINDOW newer changes commit while one transaction stays open; the TTL bounds even that.
WINDOW = 1000
PRUNE_EVERY = 1000  # the change whose id is a multiple of this deletes those more than KEEP ids older
KEEP = 5 * WINDOW

_lock = threading.Lock()
_entries: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], float, array[int]]] = OrderedDict()

# Household columns that decide who may list it (organisation, the areas of network-scoped memberships, its
# creator) or where it sorts.
HOUSEHOLD_FIELDS = frozenset({"organisation", "organisation_id", "municipio", "municipio_id", "nil", "nil_id",
                              "created_by", "created_by_id", "opened_on"})


def changed() -> None:
    """Record a change of who may list which household, in the caller's transaction (committed with it, or not
    at all)."""
    from trama.records.models import AccessChange

    row = AccessChange.objects.create()
    if row.pk % PRUNE_EVERY == 0:
        AccessChange.objects.filter(pk__lte=row.pk - KEEP).delete()


def stamp() -> tuple[Any, ...]:
    """What the newest change rows look like now: the newest id and instant, and how many of the WINDOW ids up
    to it are committed."""
    from trama.records.models import AccessChange

    newest = AccessChange.objects.order_by("-id").values("id")[:1]
    row = AccessChange.objects.filter(id__gt=Coalesce(Subquery(newest), 0) - WINDOW).aggregate(
        newest=Max("id"), at=Max("at"), count=Count("id"))
    return (row["newest"], row["at"], row["count"])


def cached_ids(key: tuple[Any, ...], at: dt.datetime, compute: Callable[[], Sequence[int]]) -> Sequence[int]:
    """The ids `compute` gives (as of `at`), from this process's cache while no change was recorded since and the
    entry is younger than TTL_SECONDS. The stamp is read before computing: a change committed meanwhile makes the
    next request compute again. A list computed as of an instant before the newest change (a change recorded
    after the request began, committed before its stamp was read) is not kept: it may not show that change."""
    key = (connection.alias, *key)
    current = stamp()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] == current and entry[1] > now:
            _entries.move_to_end(key)
            return array("q", entry[2])  # a copy: the caller may change it
    ids = array("q", compute())
    if current[1] is not None and current[1] > at:
        return ids
    with _lock:
        _entries[key] = (current, now + TTL_SECONDS, array("q", ids))
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return ids


def clear() -> None:
    """Forget every entry (tests: a rolled-back database can give the same ids and stamp again)."""
    with _lock:
        _entries.clear()


# --- What records a change -----------------------------------------------------------------------------


def _household_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created or update_fields is None or HOUSEHOLD_FIELDS.intersection(update_fields):
        changed()


def _any_change(sender: Any, **kwargs: Any) -> None:
    changed()


def _referral_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # Referrals give access once accepted; their status moves by QuerySet.update (`referral_moved`). A referral
    # saved whole is a draft being written, which gives none.
    if not created and instance.status in ACCESS_STATUSES:
        changed()


ACCESS_STATUSES = frozenset({"accepted", "in_progress"})


def referral_moved(from_status: str, to_status: str) -> None:
    """After a referral's status changed by a conditional UPDATE: a change when access starts or ends."""
    if (from_status in ACCESS_STATUSES) != (to_status in ACCESS_STATUSES):
        changed()


def connect() -> None:
    """Connect the signals (RecordsConfig.ready)."""
    from django.apps import apps

    from trama.records.models import Consent, ConsentRecipient, Household, LegalBasisRecord

    post_save.connect(_household_saved, sender=Household, dispatch_uid="records.listing.household")
    post_delete.connect(_any_change, sender=Household, dispatch_uid="records.listing.household.delete")
    for model in (Consent, ConsentRecipient, LegalBasisRecord):
        post_save.connect(_any_change, sender=model, dispatch_uid=f"records.listing.{model.__name__}")
        post_delete.connect(_any_change, sender=model, dispatch_uid=f"records.listing.{model.__name__}.delete")
    if apps.is_installed("trama.referrals"):  # records does not depend on referrals: looked up by name
        referral = apps.get_model("referrals", "Referral")
        post_save.connect(_referral_saved, sender=referral, dispatch_uid="records.listing.referral")
        post_delete.connect(_any_change, sender=referral, dispatch_uid="records.listing.referral.delete")

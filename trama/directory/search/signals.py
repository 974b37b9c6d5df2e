"""Keep the full-text index in step with the records it is built from.

Why signals here (the project otherwise prefers explicit calls in services.py): the index is derived data of five
models (service, organisation, programme, classification, taxonomy term) that are written from many places —
directory services, the organisation pages of `network`, the admin, CSV/XLSX imports, the demo loader — and a
stale index silently hides services from people looking for help. A post_save/post_delete receiver catches every
`save()`/`delete()` without each writer having to remember. What signals cannot see (`QuerySet.update()`,
`bulk_create`, raw SQL) must be followed by `manage.py reindex_directory` (or `reindex_services`).

The receivers run inside the writer's transaction, so the index row commits or rolls back with the record.
Bulk writers (the demo, large imports) can wrap their work in `deferred_indexing()`: the receivers then only note
which services changed, and each of them is re-indexed once when the block ends (inside the same transaction if
the block is in one).
Connected when `trama.directory.search` is imported (DirectoryConfig.ready() must import it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from trama.directory.models import Attribute, Program, Service, TaxonomyTerm
from trama.directory.search.text import refresh_statistics, reindex_service, reindex_services, remove_service
from trama.network.models import Organisation

UID = "trama.directory.search"
# After re-indexing this many services at once, the planner's statistics are refreshed (see refresh_statistics).
BULK_STATISTICS = 200

# The services waiting to be re-indexed while `deferred_indexing()` is active in this context, else None.
_pending: ContextVar[set[int] | None] = ContextVar("trama_directory_pending_index", default=None)


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """Re-index every service touched in the block once, at its end (nested blocks join the outer one)."""
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    ids = sorted(pending)
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        found = set(Service.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        for pk in set(chunk) - found:
            remove_service(pk)
        reindex_services(Service.objects.filter(pk__in=found))
    if len(ids) >= BULK_STATISTICS:
        refresh_statistics()


def _reindex_many(services: Any) -> None:
    pending = _pending.get()
    if pending is None:
        reindex_services(services)
    else:
        pending.update(services.values_list("pk", flat=True))


def _reindex(pk: int) -> None:
    pending = _pending.get()
    if pending is None:
        reindex_service(pk)
    else:
        pending.add(pk)


@receiver(post_save, sender=Service, dispatch_uid=f"{UID}.service_saved")
def _service_saved(sender: Any, instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaddata: fixtures are followed by reindex_directory
        _reindex(instance.pk)


@receiver(post_delete, sender=Service, dispatch_uid=f"{UID}.service_deleted")
def _service_deleted(sender: Any, instance: Service, **kwargs: Any) -> None:
    remove_service(instance.pk)


@receiver(post_save, sender=Attribute, dispatch_uid=f"{UID}.attribute_saved")
@receiver(post_delete, sender=Attribute, dispatch_uid=f"{UID}.attribute_deleted")
def _attribute_changed(sender: Any, instance: Attribute, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _reindex(instance.service_id)


@receiver(post_save, sender=Organisation, dispatch_uid=f"{UID}.organisation_saved")
def _organisation_saved(sender: Any, instance: Organisation, raw: bool = False, created: bool = False,
                        **kwargs: Any) -> None:
    if not raw and not created:
        _reindex_many(Service.objects.filter(organisation=instance))


@receiver(post_save, sender=Program, dispatch_uid=f"{UID}.program_saved")
def _program_saved(sender: Any, instance: Program, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if not raw and not created:
        _reindex_many(Service.objects.filter(program=instance))


@receiver(post_save, sender=TaxonomyTerm, dispatch_uid=f"{UID}.term_saved")
def _term_saved(sender: Any, instance: TaxonomyTerm, raw: bool = False, created: bool = False,
                **kwargs: Any) -> None:
    if raw or created:
        return
    # The term's labels are indexed for services classified under it or under any of its descendants.
    term_ids, frontier = {instance.pk}, [instance.pk]
    while frontier:
        frontier = list(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        term_ids.update(frontier)
    _reindex_many(Service.objects.filter(pk__in=Attribute.objects.filter(term_id__in=term_ids)
                                            .values("service_id")))

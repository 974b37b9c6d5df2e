"""Keep the full-text index in step with the records it is built from.

Why signals here (the project otherwise prefers explicit calls in services.py): the index is derived data of five
models (service, organisation, programme, classification, taxonomy term) that are written from many places —
directory services, the organisation pages of `network`, the admin, CSV/XLSX imports, the demo loader — and a
stale index silently hides services from people looking for help. A post_save/post_delete receiver catches every
`save()`/`delete()` without each writer having to remember. What signals cannot see (`QuerySet.update()`,
`bulk_create`, raw SQL) must be followed by `manage.py reindex_directory` (or `reindex_services`).

The receivers run inside the writer's transaction, so the index row commits or rolls back with the record.
Connected when `trama.directory.search` is imported (DirectoryConfig.ready() must import it)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from trama.directory.models import Attribute, Program, Service, TaxonomyTerm
from trama.directory.search.text import reindex_service, reindex_services, remove_service
from trama.network.models import Organisation

UID = "trama.directory.search"


@receiver(post_save, sender=Service, dispatch_uid=f"{UID}.service_saved")
def _service_saved(sender: Any, instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaddata: fixtures are followed by reindex_directory
        reindex_service(instance.pk)


@receiver(post_delete, sender=Service, dispatch_uid=f"{UID}.service_deleted")
def _service_deleted(sender: Any, instance: Service, **kwargs: Any) -> None:
    remove_service(instance.pk)


@receiver(post_save, sender=Attribute, dispatch_uid=f"{UID}.attribute_saved")
@receiver(post_delete, sender=Attribute, dispatch_uid=f"{UID}.attribute_deleted")
def _attribute_changed(sender: Any, instance: Attribute, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        reindex_service(instance.service_id)


@receiver(post_save, sender=Organisation, dispatch_uid=f"{UID}.organisation_saved")
def _organisation_saved(sender: Any, instance: Organisation, raw: bool = False, created: bool = False,
                        **kwargs: Any) -> None:
    if not raw and not created:
        reindex_services(Service.objects.filter(organisation=instance))


@receiver(post_save, sender=Program, dispatch_uid=f"{UID}.program_saved")
def _program_saved(sender: Any, instance: Program, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if not raw and not created:
        reindex_services(Service.objects.filter(program=instance))


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
    reindex_services(Service.objects.filter(pk__in=Attribute.objects.filter(term_id__in=term_ids)
                                            .values("service_id")))

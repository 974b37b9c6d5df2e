"""The directory's staff pages (the search page lives in trama.directory.views_search)."""

from trama.directory.views.details import detail_add, detail_remove
from trama.directory.views.locations import service_location_add, service_location_detach, service_location_edit
from trama.directory.views.schedules import closure_add, closure_remove, schedule_edit
from trama.directory.views.services import (
    service_create,
    service_detail,
    service_edit,
    service_verify,
    stale_queue,
)
from trama.directory.views.translations import service_translations

__all__ = [
    "closure_add", "closure_remove", "detail_add", "detail_remove", "schedule_edit", "service_create",
    "service_detail", "service_edit", "service_location_add", "service_location_detach", "service_location_edit",
    "service_translations", "service_verify", "stale_queue",
]

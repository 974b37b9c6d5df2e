"""The rules of our records that a datapackage row must respect, beyond its cells' types (one per table).

A mixin of the import (datapackage._Import): each rule raises ApplicationError naming the model field, which the
import turns into an error on the row's column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.directory import services as directory_services
from trama.directory.models import Location, LocationType
from trama.lib import schedules as lib
from trama.territory.models import Area

if TYPE_CHECKING:
    from trama.directory.importexport.package_rows import Item

_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


class Rules:
    items: dict[str, dict[Any, Item]]
    to_locate: list[Location]

    def error(self, file: str, row: int, column: str, message: str) -> None:
        raise NotImplementedError

    def _rule_service(self, item: Item) -> None:
        obj = item.obj
        if not " ".join(obj.name.split()):
            raise ApplicationError(_("il nome del servizio è obbligatorio."), field="name")
        if obj.minimum_age is not None and obj.maximum_age is not None and obj.minimum_age > obj.maximum_age:
            raise ApplicationError(_("l'età minima supera quella massima."), field="maximum_age")
        directory_services._check_translations(obj.translations)

    def _rule_location(self, item: Item) -> None:
        obj = item.obj
        if obj.location_type == LocationType.VIRTUAL and not obj.url:
            raise ApplicationError(_("indica l'indirizzo web della sede online."), field="url")
        if not obj.name:
            raise ApplicationError(_("indica il nome della sede (o il suo indirizzo)."), field="name")
        moved = item.created or {"address_text", "latitude", "longitude", "location_type"} & set(item.changes)
        if not moved:
            return
        if item.values.get("latitude") is not None or item.values.get("longitude") is not None:
            if (obj.latitude is None) != (obj.longitude is None):
                raise ApplicationError(_("indica sia la latitudine sia la longitudine."), field="latitude")
            if not (-90 <= obj.latitude <= 90):
                raise ApplicationError(_("la latitudine va da -90 a 90."), field="latitude")
            if not (-180 <= obj.longitude <= 180):
                raise ApplicationError(_("la longitudine va da -180 a 180."), field="longitude")
            self.to_locate.append(obj)  # all points at once, after the loop (one polygon pass)
            return
        # no point in the file: the address decides it (as the services do), or there is none
        obj.latitude = obj.longitude = obj.municipio = obj.nil = None
        obj.normalised_address = ""
        if obj.location_type != LocationType.PHYSICAL or not obj.address_text:
            return
        address: Item | None = item.values.get("_address")
        try:
            result = directory_services._geocode(obj.address_text)
        except ApplicationError as error:
            if address is not None:
                self.error(address.file, address.row, "address_1", error.message)
                return
            raise
        obj.normalised_address = result.address
        obj.latitude, obj.longitude = result.latitude, result.longitude
        obj.municipio = Area.objects.filter(code=result.municipio_code).first() if result.municipio_code else None
        obj.nil = Area.objects.filter(code=result.nil_code).first() if result.nil_code else None

    def _rule_phone(self, item: Item) -> None:
        if sum(c.isdigit() for c in item.obj.number) < 3:
            raise ApplicationError(_("indica un numero di telefono valido."), field="number")
        extension = (item.obj.extension or "").strip()
        if extension and not re.fullmatch(r"[0-9]{1,10}", extension):  # HSDS: an integer
            raise ApplicationError(_("l'interno contiene solo cifre (al massimo 10)."), field="extension")
        self._need_owner(item, ("service", "location", "service_at_location", "contact"))

    def _rule_contact(self, item: Item) -> None:
        obj = item.obj
        if not (obj.name or obj.department or obj.email):
            raise ApplicationError(_("indica il nome, l'ufficio o l'e-mail del referente."), field="name")
        self._need_owner(item, ("service", "location", "service_at_location"))

    def _rule_language(self, item: Item) -> None:
        item.obj.code = item.obj.code.strip().lower()
        self._need_owner(item, ("service", "location", "phone"))

    def _rule_schedule(self, item: Item) -> None:
        obj = item.obj
        self._need_owner(item, ("service", "location", "service_at_location"))
        if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
            raise ApplicationError(_("il periodo di validità finisce prima di cominciare."), field="valid_to")
        for name in ("valid_from", "valid_to", "dtstart", "until"):
            directory_services.check_schedule_date(getattr(obj, name), field=name)
        if obj.closes_at <= obj.opens_at:
            raise ApplicationError(_("la chiusura (%(closes)s) deve seguire l'apertura (%(opens)s).")
                                   % {"closes": obj.closes_at.strftime("%H:%M"),
                                      "opens": obj.opens_at.strftime("%H:%M")}, field="closes_at")
        obj.byday = ",".join(p.strip().upper() for p in obj.byday.split(",") if p.strip())
        obj.bymonthday = obj.bymonthday.replace(" ", "")
        try:
            obj.to_window()
        except lib.ScheduleError as error:
            raise ApplicationError(_("ricorrenza non valida: con freq WEEKLY indica i giorni della settimana "
                                     "(byday, es. TU,TH); con MONTHLY anche i giorni del mese (bymonthday) o "
                                     "«1MO»; un interval maggiore di 1 richiede dtstart."), field="byday") from error

    def _rule_cost_option(self, item: Item) -> None:
        obj = item.obj
        if obj.amount is not None and obj.amount < 0:
            raise ApplicationError(_("l'importo non può essere negativo."), field="amount")
        if not _CURRENCY.match(obj.currency or ""):
            raise ApplicationError(_("la valuta è un codice di tre lettere (es. EUR)."), field="currency")
        if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
            raise ApplicationError(_("il periodo di validità finisce prima di cominciare."), field="valid_to")

    def _rule_required_document(self, item: Item) -> None:
        if not item.obj.document.strip():
            raise ApplicationError(_("indica il documento richiesto."), field="document")

    def _rule_accessibility(self, item: Item) -> None:
        if not (item.obj.description.strip() or item.obj.details.strip()):
            raise ApplicationError(_("descrivi l'accessibilità della sede."), field="description")

    def _rule_attribute(self, item: Item) -> None:
        entity = str(item.values["_row"].get("link_entity") or "").lower()
        if entity != "service":
            item.columns["_entity"] = "link_entity"
            raise ApplicationError(_("Trama classifica solo servizi: link_entity deve essere «service»."),
                                   field="_entity")

    def _need_owner(self, item: Item, owners: Iterable[str]) -> None:
        if not any(getattr(item.obj, f"{name}_id") is not None or self._pending(item, name) for name in owners):
            item.columns.setdefault("_owner", "id")
            raise ApplicationError(_("la riga non è collegata a nessun servizio, sede o referente gestiti da "
                                     "Trama."), field="_owner")

    def _pending(self, item: Item, name: str) -> bool:
        target = item.refs.get(name)
        return target is not None and target.id in self.items.get(target.table, {})

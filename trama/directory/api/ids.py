"""HSDS identifiers for the exported records that have no ``hsds_id`` column.

Every HSDS ``id`` is a UUID (``format: uuid``), stable over time.

- **Organisations** (``network.Organisation``) have no ``hsds_id``: their id is a UUIDv8 (RFC 9562 "custom") that
  carries the primary key, ``7472616d-6100-8000-8000-<pk as 12 hex digits>`` (``7472616d61`` is "trama" in ASCII).
  It is stable as long as the primary key is, and it can be turned back into the key without a lookup table.
  Should ``Organisation`` get an ``hsds_id`` column, only these two functions change (and the ids change once).
- **Sub-records we derive** (an address from a location's fields, an organisation's phone or registry number) get a
  name-based UUIDv5 under their parent's id, so they are stable too.
"""

from __future__ import annotations

import uuid

_ORGANISATION_PREFIX = "7472616d-6100-8000-8000-"
_MAX_PK = 16**12 - 1


def organisation_id(pk: int) -> str:
    """The HSDS id of the organisation with primary key ``pk``."""
    if not 0 < pk <= _MAX_PK:
        raise ValueError(f"organisation pk out of range: {pk}")
    return f"{_ORGANISATION_PREFIX}{pk:012x}"


def organisation_pk(hsds_id: uuid.UUID | str) -> int | None:
    """The primary key behind an organisation's HSDS id, or None if ``hsds_id`` is not one of ours."""
    text = str(hsds_id).lower()
    if not text.startswith(_ORGANISATION_PREFIX):
        return None
    pk = int(text[len(_ORGANISATION_PREFIX) :], 16)
    return pk or None


def derived_id(parent: uuid.UUID | str, kind: str) -> str:
    """A stable id for a sub-record derived from its parent (``kind``: "address", "phone", "runts"…)."""
    return str(uuid.uuid5(uuid.UUID(str(parent)), kind))

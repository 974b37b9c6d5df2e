"""The resource directory's data, aligned with Open Referral HSDS 3.1 (see docs in shared/data/hsds).

Every object exported through HSDS has a UUID `hsds_id` besides its integer primary key. Writes go through
`trama.directory.services`; reads for users through `trama.directory.access`."""

from trama.directory.models.details import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    DocumentKind,
    Language,
    Phone,
    PhoneType,
    RequiredDocument,
    ServiceArea,
)
from trama.directory.models.history import RevisionAction, ServiceRevision
from trama.directory.models.jobs import ImportJob, ImportKind, ImportStatus
from trama.directory.models.location import Location, LocationType, ServiceAtLocation
from trama.directory.models.schedule import Closure, Frequency, Schedule, Weekday
from trama.directory.models.service import (
    STALE_AFTER_DAYS,
    TRANSLATABLE_FIELDS,
    Program,
    Service,
    ServiceQuerySet,
    ServiceStatus,
    stale_threshold,
)
from trama.directory.models.taxonomy import PORTAL_LANGUAGES, TargetGroup, Taxonomy, TaxonomyTerm

__all__ = [
    "PORTAL_LANGUAGES", "STALE_AFTER_DAYS", "TRANSLATABLE_FIELDS", "Accessibility", "Attribute", "Closure",
    "Contact", "CostOption", "DocumentKind", "Frequency", "ImportJob", "ImportKind", "ImportStatus", "Language",
    "Location", "LocationType", "Phone", "PhoneType", "Program", "RequiredDocument", "RevisionAction", "Schedule",
    "Service", "ServiceArea", "ServiceAtLocation", "ServiceQuerySet", "ServiceRevision", "ServiceStatus",
    "TargetGroup", "Taxonomy", "TaxonomyTerm", "Weekday", "stale_threshold",
]

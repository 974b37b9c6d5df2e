"""Roles and their permissions, kept in code (documented in docs/architecture.md).

A role is a named set of permission strings. A membership gives a user one role in one organisation;
what the role allows is scoped by the access policy (trama.accounts.access) to that organisation and
to the networks and areas the organisation belongs to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_COORDINATOR = "city_coordinator", _("Coordinatore cittadino")
    COMMUNITY_SOCIAL_WORKER = "community_social_worker", _("Assistente sociale di comunità")
    MUNICIPAL_UNIT_LEAD = "municipal_unit_lead", _("Responsabile unità municipale (EQ/CTM)")
    NETWORK_REFERENT = "network_referent", _("Referente di rete")
    PROXIMITY_WORKER = "proximity_worker", _("Operatore di prossimità")
    LAB_FACILITATOR = "lab_facilitator", _("Conduttore di laboratorio")
    VOLUNTEER = "volunteer", _("Cittadino collaboratore / volontario")
    ADMINISTRATIVE_OFFICER = "administrative_officer", _("Referente amministrativo")
    EVALUATOR = "evaluator", _("Valutatore")
    RECEPTION_MANAGER = "reception_manager", _("Responsabile accoglienza")
    PLATFORM_ADMIN = "platform_admin", _("Amministratore della piattaforma")


class Perm:
    """Permission names. Scope (own organisation / own networks / city) is decided by the access policy."""

    NETWORK_VIEW = "network.view"  # read organisations, networks, bodies, meetings
    NETWORK_CONFIGURE = "network.configure"  # create and edit networks and their memberships (city level)
    GOVERNANCE_MANAGE = "network.governance_manage"  # manage bodies, meetings, decisions of own networks
    ORGANISATION_EDIT = "network.organisation_edit"  # edit own organisation's profile and staff contacts
    ORGANISATION_EDIT_ANY = "network.organisation_edit_any"  # edit any organisation (city coordinator)
    TERRITORY_MANAGE = "territory.manage"  # load and edit areas
    DIRECTORY_EDIT = "directory.edit"  # edit directory records maintained by one's organisation
    DIRECTORY_EDIT_ANY = "directory.edit_any"  # edit any directory record (city coordination)
    RECORDS_VIEW = "records.view"  # see social records (requires 2FA)
    RECORDS_EDIT = "records.edit"
    RECORDS_SPECIAL = "records.special_categories"  # health and legal/migration data, when otherwise entitled
    RECORDS_SENSITIVE_NOTES = "records.sensitive_notes"  # the owning organisation's sensitive notes
    RECORDS_LEGAL_BASIS = "records.legal_basis"  # record sharing on a legal basis other than consent
    RECORDS_BREAK_GLASS = "records.break_glass"  # emergency access with a reason, audited and notified
    REFERRALS_MANAGE = "referrals.manage"
    ACTIVITIES_MANAGE = "activities.manage"
    ACTIVITIES_ASSIST = "activities.assist"
    FUNDS_MANAGE = "funds.manage"
    FUNDS_APPROVE = "funds.approve"
    AGGREGATES_VIEW = "meal.aggregates_view"  # pseudonymised aggregates, never identities
    INDICATORS_CONFIGURE = "meal.indicators_configure"
    RECEPTION_MANAGE = "reception.manage"
    AUDIT_VIEW = "core.audit_view"
    ACCOUNTS_MANAGE = "accounts.manage"
    CITY_WIDE = "scope.city_wide"  # acts for every network and area of the platform


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CITY_COORDINATOR: frozenset({
        Perm.NETWORK_VIEW, Perm.NETWORK_CONFIGURE, Perm.GOVERNANCE_MANAGE, Perm.ORGANISATION_EDIT,
        Perm.ORGANISATION_EDIT_ANY, Perm.TERRITORY_MANAGE, Perm.AGGREGATES_VIEW, Perm.INDICATORS_CONFIGURE,
        Perm.CITY_WIDE, Perm.DIRECTORY_EDIT, Perm.DIRECTORY_EDIT_ANY,
    }),
    Role.COMMUNITY_SOCIAL_WORKER: frozenset({
        Perm.NETWORK_VIEW, Perm.GOVERNANCE_MANAGE, Perm.RECORDS_VIEW, Perm.RECORDS_EDIT,
        Perm.REFERRALS_MANAGE, Perm.AGGREGATES_VIEW,
        Perm.RECORDS_SPECIAL, Perm.RECORDS_SENSITIVE_NOTES, Perm.RECORDS_LEGAL_BASIS,
    }),
    Role.MUNICIPAL_UNIT_LEAD: frozenset({
        Perm.NETWORK_VIEW, Perm.GOVERNANCE_MANAGE, Perm.FUNDS_APPROVE, Perm.AGGREGATES_VIEW,
        Perm.RECORDS_VIEW,
        Perm.RECORDS_LEGAL_BASIS,
    }),
    Role.NETWORK_REFERENT: frozenset({
        Perm.NETWORK_VIEW, Perm.GOVERNANCE_MANAGE, Perm.ORGANISATION_EDIT, Perm.ACTIVITIES_MANAGE,
        Perm.AGGREGATES_VIEW, Perm.RECORDS_VIEW, Perm.REFERRALS_MANAGE, Perm.DIRECTORY_EDIT,
    }),
    Role.PROXIMITY_WORKER: frozenset({
        Perm.NETWORK_VIEW, Perm.RECORDS_VIEW, Perm.RECORDS_EDIT, Perm.REFERRALS_MANAGE, Perm.ACTIVITIES_MANAGE,
        Perm.RECORDS_SPECIAL, Perm.RECORDS_SENSITIVE_NOTES,
    }),
    Role.LAB_FACILITATOR: frozenset({Perm.NETWORK_VIEW, Perm.ACTIVITIES_MANAGE}),
    Role.VOLUNTEER: frozenset({Perm.NETWORK_VIEW, Perm.ACTIVITIES_ASSIST}),
    Role.ADMINISTRATIVE_OFFICER: frozenset({
        Perm.NETWORK_VIEW, Perm.FUNDS_MANAGE, Perm.ORGANISATION_EDIT, Perm.DIRECTORY_EDIT,
    }),
    Role.EVALUATOR: frozenset({Perm.NETWORK_VIEW, Perm.AGGREGATES_VIEW}),
    Role.RECEPTION_MANAGER: frozenset({
        Perm.NETWORK_VIEW, Perm.RECEPTION_MANAGE, Perm.RECORDS_VIEW, Perm.RECORDS_EDIT, Perm.REFERRALS_MANAGE,
        Perm.RECORDS_SPECIAL, Perm.RECORDS_SENSITIVE_NOTES,
    }),
    Role.PLATFORM_ADMIN: frozenset({
        Perm.NETWORK_VIEW, Perm.NETWORK_CONFIGURE, Perm.ORGANISATION_EDIT_ANY, Perm.TERRITORY_MANAGE,
        Perm.AUDIT_VIEW, Perm.ACCOUNTS_MANAGE, Perm.CITY_WIDE,
        Perm.RECORDS_BREAK_GLASS,
    }),
}


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())

"""The access funnel of social records: who may see which household, which of its data categories, and who may
change it. Views, API, exports and search never query households directly: lists start from
`households_visible_to(user)` and one household is opened with `open_household(user, pk, ...)`, both built from
the same sources (an OR of conditions to test a few rows, a UNION of ids for the whole set: a test keeps them
equal), so a household is in a user's list exactly when they may open it.

Sources of access, one condition each (DESIGN.md, issue 4 §3):
- **own**: a member of the owning organisation with `records.view` sees its households (a membership scoped to a
  network only those located in that network's area, or that the user created); with `records.edit` they may
  change them. Every category; health and legal/migration data only with `records.special_categories`; the
  organisation's sensitive notes only with `records.sensitive_notes`.
- **consent**: an active consent (not withdrawn, not expired) naming one of the user's organisations, or a
  network one of them is a member of (`recipient_network_ids`: not the networks above or below it; a membership
  scoped to a network reaches that network), gives read access to the categories it lists.
- **legal basis**: an active legal-basis record (e.g. the Comune's social-care duties) naming them likewise.
- **referral**: a referral (trama/referrals) addressed to one of the user's organisations, accepted or in
  progress, whose consent or legal-basis record is still in force, gives read access to the members referred and
  the categories it shares. Completion, cancellation or the withdrawal of its consent ends it at the next request.
- **break-glass**: a platform administrator's emergency access, opened with a reason (audited, the owning
  organisation is notified), for its duration: every category, read only.
A source given for single members (a consent for one person, a referral of some members) shares its categories
for those members' rows only (their fields, the statements and notes about them: `Entitlement.categories_for`);
rows about the whole household (its plan, assessments, statements and notes) show every category given.
Special categories reach a shared reader only if their role also holds `records.special_categories`; sensitive
notes never leave the owning organisation except through break-glass. Evaluators hold no `records.view`: they
never see identities. Every opening and every denial writes an audit event; withdrawal of a consent takes effect
on the next request because nothing here is cached beyond one request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.records import listing
from trama.records.categories import SPECIAL_CATEGORIES, DataCategory
from trama.records.models import Household, Note, NoteVisibility, Person, Statement
from trama.records.protection import Entitlement

if TYPE_CHECKING:
    from trama.accounts.access import AnyUser
    from trama.accounts.models import User

ALL_CATEGORIES = frozenset(DataCategory)
OBJECT_TYPE = "records.household"


class Via:
    """How a user reaches a household (recorded in the audit event of each opening)."""

    OWN = "own"
    CONSENT = "consent"
    LEGAL_BASIS = "legal_basis"
    REFERRAL = "referral"
    BREAK_GLASS = "break_glass"


@dataclass(frozen=True)
class Scope:
    """What the user acts for, as far as records are concerned (computed once per request)."""

    own_org_ids: frozenset[int]  # organisations where the user holds records.view with no network scope
    scoped_own: tuple[tuple[int, frozenset[int]], ...]  # (organisation, area ids) of network-scoped memberships
    reader_org_ids: frozenset[int]  # organisations whose records.view the user holds, scoped or not
    network_ids: frozenset[int] | None  # networks the user acts for with records.view (None: every network)
    break_glass: bool

    @property
    def empty(self) -> bool:
        return not (self.own_org_ids or self.scoped_own or self.reader_org_ids or self.network_ids
                    or self.network_ids is None or self.break_glass)


def _user_or_none(user: AnyUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return cast("User", user)


def _area_ids_below(root_ids: set[int]) -> frozenset[int]:
    from trama.territory.models import Area

    seen = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - seen
        seen |= frontier
    return frozenset(seen)


def recipient_network_ids(user: AnyUser | None, *, perm: str) -> frozenset[int] | None:
    """The networks whose consents and legal-basis records reach the user through a role granting `perm`. A
    network named as recipient means its member organisations: an unscoped membership reaches the networks its
    organisation is an active member of — not those below them, nor those above (a member of the city network does
    not read what a family shared with its Municipio's network); a membership scoped to a network reaches that
    network and those below it, of those its organisation is an active member of (a scope the organisation has
    left, or never joined, reaches nothing). Deactivated networks reach nobody. A city-wide role granting `perm`:
    every network (None)."""
    real = _user_or_none(user)
    if real is None:
        return frozenset()

    def compute() -> frozenset[int] | None:
        grants = [g for g in accounts_access.grants_of(real) if perm in g.permissions]
        if any(Perm.CITY_WIDE in g.permissions for g in grants):
            return None
        reached = set()
        for grant in grants:
            # Once per organisation and request, whichever permission asks.
            member_of = accounts_access.memoised(
                real, ("records.member_networks", grant.organisation_id),
                lambda organisation_id=grant.organisation_id: accounts_access.member_network_ids(
                    {organisation_id}, active_networks=True))
            if grant.network_id is None:
                reached |= member_of
            else:
                below = accounts_access.descendant_network_ids({grant.network_id})
                reached |= ({grant.network_id} | below) & member_of
        return frozenset(reached)

    return accounts_access.memoised(real, ("records.recipient_networks", perm), compute)  # type: ignore[no-any-return]


def network_area_ids(user: User, network_id: int) -> frozenset[int]:
    """The areas a network-scoped membership acts in: the network's area and every area below it (none if the
    network has no area); once per network and request."""
    from trama.network.models import Network

    def compute() -> frozenset[int]:
        area_id = Network.objects.filter(pk=network_id).values_list("area_id", flat=True).first()
        return _area_ids_below({area_id} if area_id else set())

    return accounts_access.memoised(user, ("records.network_areas", network_id), compute)  # type: ignore[no-any-return]


def located_within(area_ids: frozenset[int], user_id: int, prefix: str = "") -> Q:
    """Households (through `prefix`) a network-scoped membership reaches of its organisation's: located in these
    areas (Municipio or NIL), or created by the user."""
    return (Q(**{f"{prefix}municipio_id__in": area_ids}) | Q(**{f"{prefix}nil_id__in": area_ids})
            | Q(**{f"{prefix}created_by_id": user_id}))


def scope_of(user: AnyUser | None) -> Scope:
    real = _user_or_none(user)
    if real is None:
        return Scope(frozenset(), (), frozenset(), frozenset(), False)

    def compute() -> Scope:
        grants = [g for g in accounts_access.grants_of(real) if Perm.RECORDS_VIEW in g.permissions]
        own = frozenset(g.organisation_id for g in grants if g.network_id is None)
        scoped: list[tuple[int, frozenset[int]]] = []
        for grant in grants:
            if grant.network_id is None or grant.organisation_id in own:
                continue
            scoped.append((grant.organisation_id, network_area_ids(real, grant.network_id)))
        networks = recipient_network_ids(real, perm=Perm.RECORDS_VIEW)
        return Scope(
            own_org_ids=own,
            scoped_own=tuple(scoped),
            reader_org_ids=frozenset(g.organisation_id for g in grants),
            network_ids=frozenset(networks) if networks is not None else None,
            break_glass=accounts_access.has_perm(real, Perm.RECORDS_BREAK_GLASS),
        )

    return accounts_access.memoised(real, ("records.scope",), compute)  # type: ignore[no-any-return]


# --- The sources, as conditions on Household ------------------------------------------------------


def _recipient_condition(scope: Scope, prefix: str) -> Q:
    """Rows whose recipient is one of the user's organisations or networks (prefix: the recipient's path)."""
    condition = Q(**{f"{prefix}organisation_id__in": scope.reader_org_ids})
    if scope.network_ids is None:  # every network still active
        return condition | Q(**{f"{prefix}network__is_active": True})
    return condition | Q(**{f"{prefix}network_id__in": scope.network_ids})


def _own_condition(scope: Scope, user: User) -> Q:
    condition = Q(organisation_id__in=scope.own_org_ids)
    for organisation_id, area_ids in scope.scoped_own:
        condition |= Q(organisation_id=organisation_id) & located_within(area_ids, user.pk)
    return condition


def own_households_condition(user: AnyUser | None) -> Q:
    """Households the user reaches as a member of the owning organisation (the source "own" of the funnel: a
    network-scoped membership only within its network's area, or those the user created). Lists use it to decide
    what they may show or search of a household without opening it (its label, Municipio, status)."""
    real = _user_or_none(user)
    scope = scope_of(real)
    if real is None or not (scope.own_org_ids or scope.scoped_own):
        return Q(pk__in=[])
    return _own_condition(scope, real)


def duplicate_candidates(user: AnyUser | None) -> QuerySet[Person]:
    """The people a possible-duplicate warning compares a new or changed member with: the members of the
    households the user reaches as their own organisation's. Never members of households shared with them — a
    consent or referral may share some members, or none of their identities, and a match would reveal them."""
    return Person.objects.filter(household__in=Household.objects.filter(own_households_condition(user)))


def _active_referrals(scope: Scope, at: dt.datetime) -> QuerySet[Any] | None:
    """Referrals giving access (source "referral"): addressed to one of the user's organisations, accepted or in
    progress, resting on a consent or legal-basis record still in force. None when referrals are not installed
    (records does not depend on the referrals app: it is looked up by name)."""
    from django.apps import apps

    from trama.records.models.consent import resting_basis_in_force

    if not apps.is_installed("trama.referrals"):
        return None
    referral_model = apps.get_model("referrals", "Referral")
    return referral_model.objects.filter(
        resting_basis_in_force(at),
        to_organisation_id__in=scope.reader_org_ids, status__in=("accepted", "in_progress"),
    )


def _break_glass_household_ids(user: User, at: dt.datetime) -> QuerySet[Any]:
    from trama.records.models import BreakGlassAccess

    return BreakGlassAccess.objects.active(at=at).filter(user=user).values("household_id")


def _shared_sources(scope: Scope, user: User, at: dt.datetime, *,
                    whole: bool) -> list[tuple[QuerySet[Any], str]]:
    """Every source other than "own", each as (its rows naming the user, their household-id column): for the
    whole city (`whole`, a list's UNION) or to be tested household by household (an EXISTS each)."""
    from trama.records.models import ConsentRecipient, LegalBasisRecord
    from trama.records.models.consent import consent_in_force, recipient_consent_in_force

    sources: list[tuple[QuerySet[Any], str]] = []
    if scope.reader_org_ids and whole:
        # The recipients naming the user's organisations, then those naming its networks, with their copies of
        # the consent's household and dates: each read from one covering index, where an OR of the two would
        # fetch every row and a join would look up every consent (only the withdrawn ones are looked up).
        in_force = recipient_consent_in_force(at)
        sources.append((ConsentRecipient.objects.filter(in_force, organisation_id__in=scope.reader_org_ids),
                        "household_id"))
        if scope.network_ids is None:
            sources.append((ConsentRecipient.objects.filter(in_force, network_id__isnull=False), "household_id"))
        elif scope.network_ids:
            sources.append((ConsentRecipient.objects.filter(in_force, network_id__in=scope.network_ids),
                            "household_id"))
    elif scope.reader_org_ids:
        # One household's recipients (through their household index), then their consent by key: the test of
        # withdrawal above would make PostgreSQL collect the whole source instead of probing each household.
        sources.append((ConsentRecipient.objects.filter(_recipient_condition(scope, ""),
                                                        consent_in_force(at, "consent__")), "household_id"))
    if scope.reader_org_ids:
        sources.append((LegalBasisRecord.objects.active(at=at).filter(_recipient_condition(scope, "")),
                        "household_id"))
        referrals = _active_referrals(scope, at)
        if referrals is not None:
            sources.append((referrals, "household_id"))
    if scope.break_glass:
        sources.append((_break_glass_household_ids(user, at), "household_id"))
    return sources


def _visible_condition(scope: Scope, user: User, at: dt.datetime) -> Q:
    """The sources as one OR of conditions on Household, each shared source a correlated EXISTS: cheap on a few
    rows (each source looked up by household through its index). An IN-subquery here would make PostgreSQL hash
    every row of the source (every consent in force naming the user) to test one household."""
    condition = Q(pk__in=[])
    if scope.own_org_ids or scope.scoped_own:
        condition |= _own_condition(scope, user)
    for rows, column in _shared_sources(scope, user, at, whole=False):
        condition |= Q(Exists(rows.filter(**{column: OuterRef("pk")})))
    return condition


def _visible_ids(scope: Scope, user: User, at: dt.datetime) -> QuerySet[Any]:
    """The sources as one UNION of household ids, each branch driven by its own index (the user's organisations,
    the recipients naming them, the referrals addressed to them): cheap on the whole city, where an OR of
    IN-subqueries makes PostgreSQL test each of its households against every source."""
    branches: list[QuerySet[Any]] = []
    if scope.own_org_ids or scope.scoped_own:
        branches.append(Household.objects.filter(_own_condition(scope, user)).values("pk"))
    branches.extend(rows.values(column) for rows, column in _shared_sources(scope, user, at, whole=True))
    if not branches:
        return Household.objects.none().values("pk")
    branches = [branch.order_by() for branch in branches]  # a compound statement's parts take no ORDER BY
    return branches[0].union(*branches[1:], all=True)  # IN ignores duplicates: no need to remove them first


def households_visible_to(user: AnyUser | None, *, at: dt.datetime | None = None,
                          among: Iterable[int] | None = None) -> QuerySet[Household]:
    """Every household the user may open (the same sources as `open_household`). With `among` (a few household
    ids): those of them the user may open, each source tested on those rows only instead of collected whole."""
    real = _user_or_none(user)
    scope = scope_of(real)
    if real is None or scope.empty:
        return Household.objects.none()
    at = at or timezone.now()
    if among is not None:
        return Household.objects.filter(_visible_condition(scope, real, at), pk__in=list(among))
    return Household.objects.filter(pk__in=_visible_ids(scope, real, at))


def ordered_ids(households: QuerySet[Household]) -> list[int]:
    """The ids of these households in the lists' order, newest opening first: one query gives a list's count and
    its page, so the funnel's sources are collected once (for the page's rows, `households_listed`)."""
    return list(households.order_by("-opened_on", "-id").values_list("pk", flat=True))


def household_ids_listed(user: AnyUser | None, *, at: dt.datetime | None = None) -> Sequence[int]:
    """The ids of every household the user may open (`households_visible_to`), newest opening first: the household
    list's order. Kept by the process until who may list what changes (`trama.records.listing`), except for a user
    who may open households by break-glass, whose openings end by the clock."""
    real = _user_or_none(user)
    scope = scope_of(real)
    if real is None or scope.empty:
        return []
    at = at or timezone.now()

    def compute() -> list[int]:
        return ordered_ids(Household.objects.filter(pk__in=_visible_ids(scope, real, at)))

    if scope.break_glass:
        return compute()
    return listing.cached_ids(("households", real.pk, scope, timezone.localdate(at)), at, compute)


def households_listed(user: AnyUser | None, ids: Sequence[int], *, at: dt.datetime | None = None) -> list[Household]:
    """The rows of one page of a household list, in the order of `ids` (a page of `households_visible_to` ids):
    tested again through the funnel on those rows only, without opening them (no audit, no decryption), each with
    `is_own` — whether the user reaches it through the "own" source, the only one under which a list may show its
    label, Municipio and status."""
    from trama.territory.selectors import HEAVY

    rows = (households_visible_to(user, at=at, among=ids).select_related("organisation", "municipio")
            .defer(*(f"municipio__{column}" for column in HEAVY))
            .annotate(is_own=_flag(own_households_condition(user))))
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda household: position[household.pk])


def _own_scope(user: User, perm: str) -> Scope:
    """Where the user holds `perm` as a member of the owning organisation, membership by membership: the
    organisations where a membership without network scope grants it, and those where only network-scoped ones
    do, with their areas. A right of a scoped membership does not spread to the whole organisation because
    another, unscoped membership there grants reading only (a Municipio's social worker who is also the
    Comune's unit lead edits, and reads health data, in her Municipio only)."""

    def compute() -> Scope:
        grants = [g for g in accounts_access.grants_of(user) if perm in g.permissions]
        own = frozenset(g.organisation_id for g in grants if g.network_id is None)
        scoped = tuple((g.organisation_id, network_area_ids(user, g.network_id)) for g in grants
                       if g.network_id is not None and g.organisation_id not in own)
        return Scope(own_org_ids=own, scoped_own=scoped, reader_org_ids=frozenset(), network_ids=frozenset(),
                     break_glass=False)

    return accounts_access.memoised(user, ("records.own_scope", perm), compute)  # type: ignore[no-any-return]


def _holds_for(user: User, household: Household, perm: str, *, organisation_id: int | None = None) -> bool:
    """Whether the user holds `perm` for this household as a member of its organisation (`_own_scope`), or of
    `organisation_id` were the household its (a case transfer's receiver)."""
    owner = household.organisation_id if organisation_id is None else organisation_id
    scope = _own_scope(user, perm)
    if owner in scope.own_org_ids:
        return True
    return any(scoped_id == owner
               and (household.municipio_id in area_ids or household.nil_id in area_ids
                    or household.created_by_id == user.pk)
               for scoped_id, area_ids in scope.scoped_own)


def could_edit_as_owner(user: AnyUser | None, household: Household, organisation_id: int) -> bool:
    """Whether the user could change this household if `organisation_id` held it: records.edit, and reading,
    there for the household's area (a network-scoped membership within its network's area only). A case transfer
    is accepted only by someone who could then work on the case."""
    real = _user_or_none(user)
    return real is not None and all(_holds_for(real, household, perm, organisation_id=organisation_id)
                                    for perm in (Perm.RECORDS_EDIT, Perm.RECORDS_VIEW))


def _editable_condition(user: User | None) -> Q | None:
    """The condition of `households_editable_by` (None: no household): the "own" source of the memberships
    granting records.edit, and of those granting reading too (an editor's role reads)."""
    if user is None:
        return None
    editing, reading = _own_scope(user, Perm.RECORDS_EDIT), scope_of(user)
    if not (editing.own_org_ids or editing.scoped_own):
        return None
    return _own_condition(editing, user) & _own_condition(reading, user)


def households_editable_by(user: AnyUser | None) -> QuerySet[Household]:
    """Households the user may change: their own organisation's, with records.edit."""
    condition = _editable_condition(_user_or_none(user))
    return Household.objects.none() if condition is None else Household.objects.filter(condition)


def _flag(condition: Q | None) -> Case:
    """A strict boolean column for `condition` (None: false). CASE rather than the bare condition: SQL's
    three-valued logic gives NULL, not false, where a scoped membership's area test meets a household without a
    Municipio."""
    if condition is None:
        return Case(default=Value(False), output_field=BooleanField())
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


# --- One household -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdAccess:
    """An opened household: what the user may read (the entitlement) and whether they may change it."""

    household: Household
    entitlement: Entitlement
    via: tuple[str, ...]
    can_edit: bool
    categories: frozenset[DataCategory] = field(default_factory=frozenset)
    # When the only sources are consents given for single members: those members; None: the whole household.
    person_ids: frozenset[int] | None = None

    def categories_for(self, person_id: int | None) -> frozenset[DataCategory]:
        """The categories readable of a row about one member (None: about the whole household)."""
        return self.entitlement.categories_for(person_id)

    def members_with(self, category: DataCategory) -> frozenset[int] | None:
        """The members whose rows of this category are readable (None: every member shown)."""
        return self.entitlement.members_with(category)

    def shows_name_of(self, person_id: int) -> bool:
        """Whether a member's name may be shown: a member shown, with the identity category for them."""
        return ((self.person_ids is None or person_id in self.person_ids)
                and DataCategory.IDENTITY in self.categories_for(person_id))


def _about_members(opened: HouseholdAccess, category: DataCategory) -> Q:
    """Rows (with a `person`) of this category the opened household shows: about the whole household when the
    category is given, about a member when it is given for that member."""
    condition = Q(person__isnull=True) if category in opened.categories else Q(pk__in=[])
    members = opened.members_with(category)
    if members is None:
        members = opened.person_ids
        return condition | (Q(person__isnull=False) if members is None else Q(person_id__in=members))
    return condition | Q(person_id__in=members)


def people_of(opened: HouseholdAccess) -> QuerySet[Person]:
    """The members an opened household shows: all of them, or those whose own consent shares the household."""
    people = Person.objects.filter(household=opened.household)
    if opened.person_ids is not None:
        people = people.filter(pk__in=opened.person_ids)
    return people


def statements_of(opened: HouseholdAccess) -> QuerySet[Statement]:
    """The needs, wishes and resources an opened household shows: none without the needs-and-plan category; those
    of the whole household, and those of each member shown with that category for them."""
    if DataCategory.NEEDS_AND_PLAN not in opened.categories:
        return Statement.objects.none()
    return Statement.objects.filter(_about_members(opened, DataCategory.NEEDS_AND_PLAN), household=opened.household)


def notes_of(opened: HouseholdAccess, user: AnyUser | None) -> QuerySet[Note]:
    """The notes an opened household shows this user: shared ones with the notes category; an organisation's own
    only to its members who read records there; sensitive ones only with the entitlement to them, and of their
    own organisation (after a case transfer, the former holder's sensitive notes stay with it, as its
    organisation notes do); every one under break-glass. A shared note about a member only with the notes
    category for that member; only about the members shown. Their text is still read through the entitlement."""
    real = _user_or_none(user)
    condition = Q(pk__in=[])
    if DataCategory.NOTES in opened.categories:
        condition |= Q(_about_members(opened, DataCategory.NOTES), visibility=NoteVisibility.SHARED)
    if Via.BREAK_GLASS in opened.via:
        condition |= Q(visibility__in=[NoteVisibility.ORGANISATION, NoteVisibility.SENSITIVE])
    else:
        # The owner's own notes only to whom reaches the household as its own (a network-scoped member reading it
        # through a consent, outside her area, does not read them); a former holder's to its members.
        readers = set(accounts_access.organisation_ids_for(real, perm=Perm.RECORDS_VIEW))
        if Via.OWN not in opened.via:
            readers.discard(opened.household.organisation_id)
        condition |= Q(visibility=NoteVisibility.ORGANISATION, organisation_id__in=sorted(readers))
        if opened.entitlement.sensitive_notes:
            writers = accounts_access.organisation_ids_for(real, perm=Perm.RECORDS_SENSITIVE_NOTES)
            condition |= Q(visibility=NoteVisibility.SENSITIVE, organisation_id__in=writers)
    notes = Note.objects.filter(condition, household=opened.household)
    if opened.person_ids is not None:
        notes = notes.filter(Q(person__isnull=True) | Q(person_id__in=opened.person_ids))
    return notes


@dataclass
class _Shared:
    """What the shared sources give: categories for the whole household (household consents, legal-basis
    records) and categories for single members (consents given for one person, referrals of some members)."""

    whole: set[DataCategory] = field(default_factory=set)
    per_person: dict[int, set[DataCategory]] = field(default_factory=dict)
    via: list[str] = field(default_factory=list)
    whole_household: bool = False

    @property
    def person_ids(self) -> set[int]:
        return set(self.per_person)

    @property
    def categories(self) -> set[DataCategory]:
        return self.whole.union(*self.per_person.values())


def _categories_shared(scope: Scope, household_ids: Sequence[int], at: dt.datetime,
                       special_org_ids: set[int], special_network_ids: frozenset[int] | None) -> dict[int, _Shared]:
    """Categories shared with the user by consents, legal-basis records and accepted referrals, through which,
    and for whom: for each of these households, in one query a source (a page listing several households' plan
    data costs as much as one household)."""
    from trama.records.models import ConsentRecipient, LegalBasisRecord
    from trama.records.models.consent import consent_in_force

    found: dict[int, _Shared] = {pk: _Shared() for pk in household_ids}
    ids = list(found)

    def special_allowed(organisation_id: int | None, network_id: int | None) -> bool:
        if organisation_id is not None:
            return organisation_id in special_org_ids
        return special_network_ids is None or network_id in special_network_ids

    def take(values: Iterable[str], organisation_id: int | None, network_id: int | None,
             into: set[DataCategory]) -> None:
        for value in values:
            category = DataCategory(value)
            if category in SPECIAL_CATEGORIES and not special_allowed(organisation_id, network_id):
                continue
            into.add(category)

    # By the recipient's copy of the household, as the lists' test of the source does (`_shared_sources`): the
    # household is opened exactly when one of these rows is found.
    recipients = (ConsentRecipient.objects
                  .filter(_recipient_condition(scope, ""), consent_in_force(at, "consent__"), household_id__in=ids)
                  .values_list("household_id", "consent__categories", "organisation_id", "network_id",
                               "consent__person_id"))
    for household_id, values, organisation_id, network_id, person_id in recipients:
        shared = found[household_id]
        if person_id is None:
            take(values or [], organisation_id, network_id, shared.whole)
            shared.whole_household = True
        else:
            take(values or [], organisation_id, network_id, shared.per_person.setdefault(person_id, set()))
        if Via.CONSENT not in shared.via:
            shared.via.append(Via.CONSENT)
    records = (LegalBasisRecord.objects.active(at=at).filter(_recipient_condition(scope, ""), household_id__in=ids)
               .values_list("household_id", "categories", "organisation_id", "network_id"))
    for household_id, values, organisation_id, network_id in records:
        shared = found[household_id]
        take(values or [], organisation_id, network_id, shared.whole)
        shared.whole_household = True
        if Via.LEGAL_BASIS not in shared.via:
            shared.via.append(Via.LEGAL_BASIS)
    referrals = _active_referrals(scope, at) if scope.reader_org_ids else None
    if referrals is not None:
        # Only the members referred (never the whole household), only the categories shared.
        rows = list(referrals.filter(household_id__in=ids)
                    .values_list("pk", "household_id", "categories", "to_organisation_id"))
        referred: dict[int, list[int]] = {}
        for referral_id, person_id in (referrals.model.people.through.objects
                                       .filter(referral_id__in=[row[0] for row in rows])
                                       .values_list("referral_id", "person_id")):
            referred.setdefault(referral_id, []).append(person_id)
        for referral_id, household_id, values, organisation_id in rows:
            shared = found[household_id]
            for person_id in referred.get(referral_id, []):
                take(values or [], organisation_id, None, shared.per_person.setdefault(person_id, set()))
            if Via.REFERRAL not in shared.via:
                shared.via.append(Via.REFERRAL)
    return found


_MIN_KEY, _MAX_KEY = -(2**63), 2**63 - 1


def _deny(user: AnyUser | None, key: object, *, write: bool, status: int, request: HttpRequest | None) -> None:
    audit.record(action="access.denied", actor=_user_or_none(user), object_type=OBJECT_TYPE, object_id=str(key),
                 request=request, details={"write": write, "status": status})


def deny_within(opened: HouseholdAccess, object_type: str, key: object, *, request: HttpRequest) -> None:
    """Audit a refused object of an opened household (a member, goal, action or consent that is not one of its,
    or that the user is not shown): the caller answers 404, like for a household it may not open."""
    audit.record(action="access.denied", actor=_user_or_none(request.user), object_type=object_type,
                 object_id=str(key), request=request, details={"household": opened.household.pk, "status": 404})


@dataclass(frozen=True)
class _Grant:
    """What a user may read of one household they see: through which sources, the categories of rows about the
    whole household (`base`) and those given for single members only (`extra`), and for whom."""

    via: tuple[str, ...]
    base: frozenset[DataCategory]
    extra: dict[int, frozenset[DataCategory]]
    sensitive_notes: bool
    person_ids: frozenset[int] | None  # None: every member

    @property
    def categories(self) -> frozenset[DataCategory]:
        return frozenset(self.base.union(*self.extra.values()))


def _grants(real: User, households: Sequence[tuple[Household, bool]], at: dt.datetime) -> dict[int, _Grant]:
    """The grants of these households for `real`, each given with whether it is seen through the "own" source;
    no audit. A few queries whatever their number. A grant with no `via` means no source reaches the household:
    the user may not open it (`open_household`, `plan_categories`)."""
    scope = scope_of(real)
    special_orgs = set(accounts_access.organisation_ids_for(real, perm=Perm.RECORDS_SPECIAL))
    special_networks = recipient_network_ids(real, perm=Perm.RECORDS_SPECIAL)
    ids = [household.pk for household, _own in households]
    shared = _categories_shared(scope, ids, at, special_orgs, special_networks)
    broken = (set(_break_glass_household_ids(real, at).filter(household_id__in=ids).values_list("household_id",
                                                                                               flat=True))
              if scope.break_glass else set())
    return {household.pk: _compose(real, household, own=own, shared=shared[household.pk],
                                   break_glass=household.pk in broken)
            for household, own in households}


def _grant(real: User, household: Household, *, own: bool, at: dt.datetime) -> _Grant:
    """The grant of one household the funnel lets `real` see (`own`: through the "own" source); no audit."""
    return _grants(real, [(household, own)], at)[household.pk]


def _compose(real: User, household: Household, *, own: bool, shared: _Shared, break_glass: bool) -> _Grant:
    categories: set[DataCategory] = set()
    via: list[str] = []
    sensitive_notes = False
    if own:
        via.append(Via.OWN)
        categories |= ALL_CATEGORIES - SPECIAL_CATEGORIES
        if _holds_for(real, household, Perm.RECORDS_SPECIAL):
            categories |= SPECIAL_CATEGORIES
        sensitive_notes = _holds_for(real, household, Perm.RECORDS_SENSITIVE_NOTES)
    via += shared.via
    whole = Via.OWN in via or shared.whole_household
    if break_glass:
        via.append(Via.BREAK_GLASS)
        categories = set(ALL_CATEGORIES)
        sensitive_notes = True
        whole = True
    # A member's rows (their fields, the statements and notes about them) show the categories of the sources
    # covering the whole household, plus those of the sources given for that member only: a mother's consent to
    # share her health data does not open the father's. Rows about the whole household show every category given.
    base = frozenset(categories | shared.whole)
    extra = {pk: frozenset(values - base) for pk, values in shared.per_person.items() if values - base}
    return _Grant(via=tuple(via), base=base, extra=extra, sensitive_notes=sensitive_notes,
                  person_ids=None if whole else frozenset(shared.person_ids))


def plan_categories(user: AnyUser | None, household_ids: Iterable[int], *,
                    at: dt.datetime | None = None) -> dict[int, frozenset[DataCategory]]:
    """For a few households (the callers' candidates), those the user may open with the categories they would
    read there, without opening them (no audit, no decryption): a page listing plan data of several households
    (the operator's home) shows a household's only with the needs-and-plan category, its health goals only with
    the health category, as the household page does."""
    real = _user_or_none(user)
    ids = list(household_ids)
    if real is None or not ids:
        return {}
    at = at or timezone.now()
    if scope_of(real).empty:
        return {}
    rows = Household.objects.filter(pk__in=ids).annotate(opened_as_own=_flag(own_households_condition(real)))
    # A household reached as one's own, with the special permission there, reads every category whatever else
    # shares it: known without reading the shared sources (the common case: an operator's own households).
    categories: dict[int, frozenset[DataCategory]] = {}
    rest: list[tuple[Household, bool]] = []
    for household in rows:
        own = bool(household.opened_as_own)  # type: ignore[attr-defined]
        if own and _holds_for(real, household, Perm.RECORDS_SPECIAL):
            categories[household.pk] = frozenset(ALL_CATEGORIES)
        else:
            rest.append((household, own))
    if rest:  # the others only where a source reaches them (`_grants` tells: no source, no "via")
        categories.update({pk: grant.categories for pk, grant in _grants(real, rest, at).items() if grant.via})
    return categories


def open_household(user: AnyUser | None, pk: object, *, write: bool = False, purpose: str = "view",
                   request: HttpRequest | None = None, at: dt.datetime | None = None) -> HouseholdAccess:
    """The household with what this user may read of it, audited. 404 (audited) if they may not see it,
    403 (audited) if `write` and they may only read it."""
    real = _user_or_none(user)
    at = at or timezone.now()
    try:
        key = int(str(pk))
    except ValueError:
        key = None
    if key is None or not _MIN_KEY <= key <= _MAX_KEY:  # beyond a 64-bit key: no household, not a database error
        _deny(user, pk, write=write, status=404, request=request)
        raise Http404()
    # The row by key, with whether the user reaches it as its own and may change it; then the shared sources of
    # this household only. Visible exactly when a source gives it (`_grants`: the sources of
    # `households_visible_to`), so the sources are read once, not tested for visibility and then read again.
    household, grant = None, None
    if real is not None and not scope_of(real).empty:
        household = (Household.objects.filter(pk=key).select_related("organisation")
                     .annotate(opened_as_own=_flag(own_households_condition(real)),
                               opened_editable=_flag(_editable_condition(real))).first())
        if household is not None:
            grant = _grant(real, household, own=bool(household.opened_as_own), at=at)  # type: ignore[attr-defined]
    if household is None or grant is None or not grant.via:
        _deny(user, key, write=write, status=404, request=request)
        raise Http404()
    can_edit = bool(household.opened_editable)  # type: ignore[attr-defined]
    if write and not can_edit:
        _deny(user, key, write=True, status=403, request=request)
        raise PermissionDenied()

    via, person_ids, sensitive_notes = list(grant.via), grant.person_ids, grant.sensitive_notes
    base, extra, granted = grant.base, grant.extra, grant.categories
    member_base = base if extra else None
    organisation_id = household.organisation_id

    details: dict[str, Any] = {"via": via, "categories": sorted(granted), "sensitive_notes": sensitive_notes,
                               "owner": organisation_id, "write": write,
                               "people": sorted(person_ids) if person_ids is not None else "all"}
    if member_base is not None:
        details["member_categories"] = {"all": sorted(member_base),
                                        **{str(pk): sorted(values) for pk, values in sorted(extra.items())}}
    audit.record(action=f"records.household.{purpose}", actor=real, obj=household, request=request,
                 details=details)
    entitlement = Entitlement.issue(household=household, categories=granted, user=real, purpose=purpose,
                                    sensitive_notes=sensitive_notes, person_ids=person_ids,
                                    member_base=member_base, member_extra=extra)
    return HouseholdAccess(household=household, entitlement=entitlement, via=tuple(via), can_edit=can_edit,
                           categories=granted, person_ids=person_ids)


# --- Who may do what, for the services' callers ------------------------------------------------------


def can_create_households(user: AnyUser | None) -> bool:
    return accounts_access.has_perm(_user_or_none(user), Perm.RECORDS_EDIT)


def can_record_legal_basis(user: AnyUser | None) -> bool:
    return accounts_access.has_perm(_user_or_none(user), Perm.RECORDS_LEGAL_BASIS)


def can_break_glass(user: AnyUser | None) -> bool:
    return accounts_access.has_perm(_user_or_none(user), Perm.RECORDS_BREAK_GLASS)


def household_for_break_glass(user: AnyUser | None, reference_code: str, *,
                              request: HttpRequest | None = None) -> Household | None:
    """The household a break-glass request names (by its code), for a user allowed to break the glass — the
    only lookup of a household the user cannot see yet. Audited whether found or not; None if no such code."""
    real = _user_or_none(user)
    if not can_break_glass(real):
        _deny(user, reference_code, write=True, status=403, request=request)
        raise PermissionDenied()
    household = Household.objects.filter(reference_code=(reference_code or "").strip().upper()).first()
    audit.record(action="records.household.break_glass_lookup", actor=real, request=request,
                 object_type=OBJECT_TYPE, object_id=str(household.pk) if household is not None else "",
                 details={"found": household is not None})
    return household

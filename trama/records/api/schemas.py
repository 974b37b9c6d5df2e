"""Input and output schemas of the records API. A field belonging to a data category (trama/records/categories.py)
is null when the caller's access to the household does not include that category: its description says which
category it needs. `categories` in the household's answer lists what the caller was given."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt

from trama.records.api.common import ObjectId, PageMeta
from trama.records.notice import CURRENT_NOTICE_VERSION
from trama.records.services import MAX_TEXT


def needs(category: str, what: str = "") -> str:
    text = f"Null unless the caller's access includes the `{category}` data category."
    return f"{what} {text}".strip()


IDENTITY = needs("identity")
# Bounds of the lists a body may carry: more ids than any household has members, or any consent recipients, is
# not a request (and SQLite refuses a query with more parameters than its limit).
MAX_IDS = 200
MAX_CHOICES = 20
CONTACTS = needs("contacts")
NEEDS_AND_PLAN = needs("needs_and_plan")
HEALTH = needs("health")
LEGAL_MIGRATION = needs("legal_migration")


class Ref(Schema):
    id: int
    name: str


# --- Households -----------------------------------------------------------------------------------------


class HouseholdListItem(Schema):
    id: int
    reference_code: str
    organisation: Ref = Field(description="The owning organisation.")
    is_own: bool = Field(description="The caller reaches the household as a member of its owning organisation "
                                     "(a network-scoped membership: within its network's area, or households it "
                                     "created).")
    status: str | None = Field(description="open | closed: only for the caller's own households; null otherwise. "
                                           "The `status` filter selects among the caller's own households.")
    opened_on: dt.date | None = Field(description="Only for the caller's own households; null otherwise.")
    members_count: int | None = Field(description="Only for the caller's own households (a shared one may show "
                                                  "some members only: open it); null otherwise.")
    label: str | None = Field(description="Identity: only for the caller's own households (open the household "
                                          "to see what is shared with you); null otherwise.")
    municipio: Ref | None = Field(description="Identity: only for the caller's own households; null otherwise.")


class HouseholdPage(PageMeta):
    results: list[HouseholdListItem]


class HouseholdOut(Schema):
    id: int
    reference_code: str
    organisation: Ref
    via: list[str] = Field(description="How the caller reaches it: own, consent, legal_basis, referral, "
                                       "break_glass.")
    categories: list[str] = Field(description="The data categories the caller may read; fields of the others are "
                                              "null.")
    can_edit: bool
    members_count: int = Field(description="Members the caller may see (all, or those a consent or referral "
                                           "covers).")
    label: str | None = Field(description=IDENTITY)
    municipio: Ref | None = Field(description=IDENTITY)
    nil: Ref | None = Field(description=IDENTITY)
    status: str | None = Field(description=NEEDS_AND_PLAN)
    opened_on: dt.date | None = Field(description=NEEDS_AND_PLAN)
    closed_on: dt.date | None = Field(description=NEEDS_AND_PLAN)
    closure_reason: str | None = Field(description=NEEDS_AND_PLAN)
    closure_note: str | None = Field(description=NEEDS_AND_PLAN)


class Input(Schema):
    """A request body: an unknown key is refused (400, "Campo non previsto"), never dropped — a misspelt field
    would be lost, and a `person_id` sent for `person` would make a consent, note or statement about one member
    one about the whole household."""

    model_config = ConfigDict(extra="forbid")


class HouseholdIn(Input):
    organisation: int | None = Field(None, description="The owning organisation (id). Optional when the caller "
                                                       "may create households for one organisation only.")
    label: str = Field("", max_length=120)
    municipio: int | None = Field(None, description="Area id of a Municipio.")
    nil: int | None = Field(None, description="Area id of a NIL.")
    opened_on: dt.date | None = None


class HouseholdPatch(Input):
    """Only the fields sent change; null clears one; an unknown field is refused. The status changes through
    `close` and `reopen`; the owning organisation through a case transfer."""

    label: str | None = Field(None, max_length=120)
    municipio: int | None = Field(None, description="Area id of a Municipio.")
    nil: int | None = Field(None, description="Area id of a NIL (of the household's Municipio, when it has one).")


# --- Needs, wishes and resources ------------------------------------------------------------------------


class TermOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the caller's language.")


class StatementOut(Schema):
    id: int
    kind: str = Field(description="need | wish | resource.")
    text: str = Field(description="In the family's own words.")
    person_id: int | None = Field(description="Null: about the whole household.")
    term: TermOut | None = Field(description="A term of the directory's needs taxonomy.")
    recorded_at: dt.datetime
    updated_at: dt.datetime | None = Field(description="When it was last corrected; null: never.")


class StatementPage(PageMeta):
    shared: bool = Field(description="The caller's access includes the `needs_and_plan` category (otherwise no "
                                     "results).")
    results: list[StatementOut]


class StatementIn(Input):
    kind: str = Field(description="need | wish | resource.")
    text: str = Field(max_length=MAX_TEXT)
    person: int | None = Field(None, description="A member (id) the statement is about; null: the whole household.")
    term: int | None = Field(None, description="A term (id) of the needs taxonomy (GET /api/hsds/taxonomy_terms).")


class StatementPatch(Input):
    """Only the fields sent change; null clears `person` (the whole household) or `term`."""

    kind: str | None = Field(None, description="need | wish | resource. Not null.")
    text: str | None = Field(None, max_length=MAX_TEXT, description="Not null.")
    person: int | None = Field(None, description="A member (id) the statement is about; null: the whole household.")
    term: int | None = Field(None, description="A term (id) of the needs taxonomy; null: none.")


# --- People ---------------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    household_id: int
    role_in_household: str | None = Field(description=IDENTITY)
    first_name_or_alias: str | None = Field(description=IDENTITY)
    surname: str | None = Field(description=IDENTITY)
    birth_date: dt.date | None = Field(description=IDENTITY)
    birth_year: int | None = Field(description=IDENTITY)
    is_minor: bool | None = Field(description=needs("identity", "Null also when no birth date or year is known."))
    sex_gender: str | None = Field(description=IDENTITY)
    fiscal_code: str | None = Field(description=IDENTITY)
    languages: list[str] | None = Field(description=IDENTITY)
    interpreter_needed: bool | None = Field(description=IDENTITY)
    phones: list[str] | None = Field(description=CONTACTS)
    emails: list[str] | None = Field(description=CONTACTS)
    housing_situation: str | None = Field(description=NEEDS_AND_PLAN)
    labour_status: str | None = Field(description=NEEDS_AND_PLAN)
    education_level: str | None = Field(description=NEEDS_AND_PLAN)
    citizenship: str | None = Field(description=LEGAL_MIGRATION)
    country_of_birth: str | None = Field(description=LEGAL_MIGRATION)
    mother_country_of_birth: str | None = Field(description=LEGAL_MIGRATION)
    father_country_of_birth: str | None = Field(description=LEGAL_MIGRATION)
    documents_status: str | None = Field(description=LEGAL_MIGRATION)
    residency_status: str | None = Field(description=LEGAL_MIGRATION)
    disability: str | None = Field(description=HEALTH)
    health_notes: str | None = Field(description=HEALTH)


class PersonPage(PageMeta):
    results: list[PersonOut]


class PersonIn(Input):
    """Only a first name or an alias is required. Fields of a category the caller may not read are refused."""

    role_in_household: str
    first_name_or_alias: str = Field(max_length=120)
    surname: str = Field("", max_length=120)
    birth_date: dt.date | None = None
    birth_year: int | None = Field(None, ge=1880, le=2100)
    sex_gender: str = ""
    fiscal_code: str = Field("", max_length=32, description="Spaces, dots and dashes are ignored.")
    languages: list[str] = Field(default_factory=list, max_length=MAX_CHOICES, description="ISO 639-1 codes.")
    interpreter_needed: bool | None = None
    phones: list[str] = Field(default_factory=list, max_length=MAX_CHOICES)
    emails: list[str] = Field(default_factory=list, max_length=MAX_CHOICES)
    housing_situation: str = ""
    labour_status: str = ""
    education_level: str = ""
    citizenship: str = Field("", description="ISO 3166-1 alpha-2.")
    country_of_birth: str = ""
    mother_country_of_birth: str = ""
    father_country_of_birth: str = ""
    documents_status: str = ""
    residency_status: str = ""
    disability: str = ""
    health_notes: str = Field("", max_length=20_000)
    confirm_duplicate: bool = Field(False, description="Set after a 409 listing possible duplicates, to record "
                                                       "the person anyway.")


NOT_NULL = "Not null: send it to change it, or leave it out."


class PersonPatch(Input):
    """Only the fields sent change; null clears an optional field; an unknown field is refused. Fields of a
    category the caller may not read (see PersonOut) are refused, like on creation, even to clear them."""

    role_in_household: str | None = Field(None, description=NOT_NULL)
    first_name_or_alias: str | None = Field(None, max_length=120, description=NOT_NULL)
    surname: str | None = Field(None, max_length=120)
    birth_date: dt.date | None = None
    birth_year: int | None = Field(None, ge=1880, le=2100)
    sex_gender: str | None = None
    fiscal_code: str | None = Field(None, max_length=32, description="Spaces, dots and dashes are ignored.")
    languages: list[str] | None = Field(None, max_length=MAX_CHOICES, description="ISO 639-1 codes.")
    interpreter_needed: bool | None = None
    phones: list[str] | None = Field(None, max_length=MAX_CHOICES)
    emails: list[str] | None = Field(None, max_length=MAX_CHOICES)
    housing_situation: str | None = None
    labour_status: str | None = None
    education_level: str | None = None
    citizenship: str | None = Field(None, description="ISO 3166-1 alpha-2.")
    country_of_birth: str | None = None
    mother_country_of_birth: str | None = None
    father_country_of_birth: str | None = None
    documents_status: str | None = None
    residency_status: str | None = None
    disability: str | None = None
    health_notes: str | None = Field(None, max_length=20_000)
    confirm_duplicate: bool | None = Field(None, description="Set after a 409 listing possible duplicates, to "
                                                              "save the change anyway.")


# --- Consents -------------------------------------------------------------------------------------------


class RecipientOut(Schema):
    organisation: Ref | None
    network: Ref | None


class ConsentOut(Schema):
    id: int
    household_id: int
    person_id: int | None = Field(description="Null: the consent covers the whole household.")
    person_name: str | None = Field(description=IDENTITY)
    purposes: list[str]
    categories: list[str]
    recipients: list[RecipientOut]
    legal_basis: str
    special_condition: str
    given_by_kind: str
    given_by_name: str | None = Field(description="Who signed (identity): null unless the caller may change the "
                                                  "household, i.e. for its holding organisation.")
    notice_version: str
    notice_language: str
    given_on: dt.date
    expires_on: dt.date | None
    withdrawn_at: dt.datetime | None
    active: bool
    recorded_for: Ref


class ConsentPage(PageMeta):
    results: list[ConsentOut]


class LegalBasisOut(Schema):
    id: int
    household_id: int
    basis: str = Field(description="The legal basis other than consent (GDPR art. 6 / 9), a code.")
    reference: str = Field(description="The law or act it rests on.")
    reason: str | None = Field(description="Why it was recorded (null unless the caller reads the needs and plan "
                                           "category).")
    categories: list[str]
    recipient: RecipientOut
    recorded_at: dt.datetime
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    active: bool


class LegalBasisPage(PageMeta):
    results: list[LegalBasisOut]


class ConsentIn(Input):
    """The same terms as the page's form; the rules are the service's (trama/records/consent.py)."""

    person: int | None = Field(None, description="A member (id) when the consent is given for one person; "
                                                 "null for the whole household.")
    purposes: list[str] = Field(max_length=MAX_CHOICES)
    categories: list[str] = Field(max_length=MAX_CHOICES)
    recipient_organisations: list[ObjectId] = Field(default_factory=list, max_length=MAX_IDS,
                                                    description="Organisation ids.")
    recipient_networks: list[ObjectId] = Field(default_factory=list, max_length=MAX_IDS,
                                               description="Network ids, among those of the owning organisation.")
    given_by_kind: str
    given_by_name: str = Field("", max_length=200)
    guardian_evidence: str = Field("", max_length=2000)
    notice_version: str = CURRENT_NOTICE_VERSION
    notice_language: str
    given_on: dt.date
    expires_on: dt.date | None = None
    legal_basis: str = Field("consent", description="GDPR art. 6(1): consent | contract | legal_obligation | "
                                                     "vital_interests | public_task | legitimate_interests.")
    special_condition: str | None = Field(None, description="GDPR art. 9(2), needed when health or legal_migration "
                                                            "are shared: explicit_consent | social_care_law | "
                                                            "vital_interests | public_interest | none. Null: "
                                                            "explicit consent when they are shared on consent, "
                                                            "otherwise none.")


class WithdrawIn(Input):
    reason: str = Field("", max_length=2000)


# --- Plan -----------------------------------------------------------------------------------------------


class AssigneeOut(Schema):
    kind: str = Field(description="organisation | operator | member | none.")
    name: str


class ActionOut(Schema):
    id: int
    description: str
    status: str
    due_date: dt.date | None
    assignee: AssigneeOut


class GoalOut(Schema):
    id: int
    dimension: str
    description: str
    target_date: dt.date | None
    status: str
    actions: list[ActionOut]


class OutcomeOut(Schema):
    dimension: str
    result: str
    evidence: str


class ReviewOut(Schema):
    id: int
    kind: str
    reviewed_on: dt.date
    outcomes: list[OutcomeOut]


DIMENSIONS = ("housing | income_work | education | health | relations | participation | parenting (health only "
              "with the `health` category).")
GOAL_STATUSES = "planned | in_progress | achieved | not_achieved | dropped."
ACTION_STATUSES = "planned | in_progress | done | cancelled."


class GoalIn(Input):
    dimension: str = Field(description=DIMENSIONS)
    description: str = Field(max_length=MAX_TEXT)
    target_date: dt.date | None = None
    status: str = Field("planned", description=GOAL_STATUSES)


class GoalPatch(Input):
    """Only the fields sent change; `target_date` may be null; an unknown field is refused."""

    dimension: str | None = Field(None, description=f"{DIMENSIONS} {NOT_NULL}")
    description: str | None = Field(None, max_length=MAX_TEXT, description=NOT_NULL)
    target_date: dt.date | None = None
    status: str | None = Field(None, description=f"{GOAL_STATUSES} {NOT_NULL}")


class ActionIn(Input):
    """Exactly one of `by_organisation`, `by_operator` and `by_member` says who does it: any active organisation,
    an active operator of the owning organisation, or a member of the household the caller may see."""

    description: str = Field(max_length=MAX_TEXT)
    by_organisation: ObjectId | None = Field(None, description="Organisation id.")
    by_operator: ObjectId | None = Field(None, description="User id.")
    by_member: ObjectId | None = Field(None, description="Person id.")
    due_date: dt.date | None = None


class ActionPatch(Input):
    """Only the fields sent change; an unknown field is refused. Sending any of the three assignee fields replaces
    the assignee: the two not sent are cleared. An assignee no longer among the choices (an operator who left the
    organisation) must be replaced before any other change."""

    description: str | None = Field(None, max_length=MAX_TEXT, description=NOT_NULL)
    by_organisation: ObjectId | None = None
    by_operator: ObjectId | None = None
    by_member: ObjectId | None = None
    due_date: dt.date | None = None
    status: str | None = Field(None, description=f"{ACTION_STATUSES} {NOT_NULL}")


class OutcomeIn(Input):
    result: str = Field(description="improved | unchanged | worsened.")
    evidence: str = Field("", max_length=MAX_TEXT)


class ReviewIn(Input):
    reviewed_on: dt.date
    outcomes: dict[str, OutcomeIn] = Field(description="Per dimension (at least one), like the goals' `dimension`.")


class CloseIn(Input):
    reason: str = Field(description="goals_achieved | moved_away | unreachable | transferred | declined | other "
                                    "(`other` needs a note; `goals_achieved` at least one outcome).")
    note: str = Field("", max_length=MAX_TEXT)
    closed_on: dt.date | None = Field(None, description="Today when absent; never in the future.")
    outcomes: dict[str, OutcomeIn] = Field(default_factory=dict, description="Per dimension, the outcome at "
                                                                             "closure.")


class ReopenIn(Input):
    note: str = Field(max_length=MAX_TEXT, description="Why the household is reopened.")


class ScoreOut(Schema):
    dimension: str
    score: int
    notes: str


class AssessmentOut(Schema):
    id: int
    assessed_on: dt.date
    scores: list[ScoreOut]


class AssessmentPage(PageMeta):
    shared: bool = Field(description="The caller's access includes the `needs_and_plan` category (otherwise no "
                                     "results).")
    results: list[AssessmentOut] = Field(description="Newest first; scores of the health dimension only with the "
                                                     "`health` category.")


class ScoreIn(Input):
    # Strict: in lax mode `true` would be read as 1 and "4" as 4, where the page takes a choice of 1 to 5.
    score: StrictInt = Field(description="1 (very difficult) to 5 (good).")
    notes: str = Field("", max_length=MAX_TEXT)


class AssessmentIn(Input):
    assessed_on: dt.date = Field(description="Never in the future.")
    scores: dict[str, ScoreIn] = Field(description="Per dimension assessed (at least one), like the goals' "
                                                   "`dimension`.")


class PlanOut(Schema):
    """The accompaniment plan. Everything but the household's id is null unless the caller's access includes the
    `needs_and_plan` category; rows of the health dimension appear only with the `health` category."""

    household_id: int
    shared: bool = Field(description="The caller's access includes the `needs_and_plan` category.")
    version: int | None = Field(description=needs("needs_and_plan", "The plan's current version number (0: no goal "
                                                                    "yet)."))
    goals: list[GoalOut] | None = Field(description=NEEDS_AND_PLAN)
    reviews: list[ReviewOut] | None = Field(description=NEEDS_AND_PLAN)
    latest_assessment: AssessmentOut | None = Field(description=needs("needs_and_plan", "Also null before the "
                                                                                        "first assessment."))


# --- Notes ----------------------------------------------------------------------------------------------

NOTE_VISIBILITIES = ("organisation (the writer's organisation only) | shared (readers with the `notes` category) | "
                     "sensitive (only those entitled to the owning organisation's sensitive notes).")


class NoteOut(Schema):
    id: int
    visibility: str = Field(description=NOTE_VISIBILITIES)
    text: str
    person_id: int | None = Field(description="Null: about the whole household.")
    organisation: Ref = Field(description="The organisation the note belongs to.")
    written_by: str = Field(description="The author's name.")
    written_at: dt.datetime


class NotePage(PageMeta):
    results: list[NoteOut] = Field(description="The notes the caller may read, newest first.")


class NoteIn(Input):
    visibility: str = Field("organisation", description=NOTE_VISIBILITIES)
    text: str = Field(max_length=MAX_TEXT)
    person: int | None = Field(None, description="A member (id) the note is about; null: the whole household.")

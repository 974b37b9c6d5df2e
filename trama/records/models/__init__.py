"""Social records: households, people, needs and strengths, assessments, plans, notes, outcomes."""

from trama.records.models.base import ImmutableModel, SealedRow
from trama.records.models.choices import (
    ActionStatus,
    ClosureReason,
    Dimension,
    Disability,
    DocumentsStatus,
    EducationLevel,
    GoalStatus,
    HouseholdEventKind,
    HouseholdRole,
    HouseholdStatus,
    HousingSituation,
    LabourStatus,
    NoteVisibility,
    OutcomeResult,
    ResidencyStatus,
    ReviewKind,
    SexGender,
    StatementKind,
)
from trama.records.models.consent import (
    BREAK_GLASS_DEFAULT,
    BREAK_GLASS_MAX,
    BREAK_GLASS_MIN_REASON,
    FOR_MINORS,
    NEEDS_EVIDENCE,
    SHARING_PURPOSES,
    BreakGlassAccess,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentPurpose,
    ConsentRecipient,
    GivenByKind,
    LegalBasis,
    LegalBasisRecord,
    NoticeLanguage,
    NotificationKind,
    OrganisationNotification,
    SharingBasis,
    SpecialCondition,
)
from trama.records.models.household import AccessChange, Household, HouseholdEvent, ReferenceCounter
from trama.records.models.needs import NEEDS_TAXONOMY_CODE, Assessment, AssessmentScore, Statement
from trama.records.models.notes import Note
from trama.records.models.person import Person, age_on, name_key
from trama.records.models.plan import Plan, PlanAction, PlanGoal, PlanReview, PlanVersion, ReviewOutcome

__all__ = [
    "AccessChange",
    "BREAK_GLASS_DEFAULT", "BREAK_GLASS_MAX", "BREAK_GLASS_MIN_REASON", "FOR_MINORS", "NEEDS_EVIDENCE",
    "SHARING_PURPOSES", "BreakGlassAccess", "Consent", "ConsentEvent", "ConsentEventKind", "ConsentPurpose",
    "ConsentRecipient", "GivenByKind", "LegalBasis", "LegalBasisRecord", "NoticeLanguage", "NotificationKind",
    "OrganisationNotification", "SharingBasis", "SpecialCondition",
    "NEEDS_TAXONOMY_CODE", "ActionStatus", "Assessment", "AssessmentScore", "ClosureReason", "Dimension",
    "Disability", "DocumentsStatus", "EducationLevel", "GoalStatus", "Household", "HouseholdEvent",
    "HouseholdEventKind", "HouseholdRole", "HouseholdStatus", "HousingSituation", "ImmutableModel", "LabourStatus",
    "Note", "NoteVisibility", "OutcomeResult", "Person", "Plan", "PlanAction", "PlanGoal", "PlanReview",
    "PlanVersion", "ReferenceCounter", "ResidencyStatus", "ReviewKind", "ReviewOutcome", "SealedRow", "SexGender",
    "Statement", "StatementKind", "age_on", "name_key",
]

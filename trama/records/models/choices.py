"""Choices shared by the records models (ESF+ categories where the indicators need them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdStatus(models.TextChoices):
    OPEN = "open", _("Aperto")
    CLOSED = "closed", _("Chiuso")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Obiettivi raggiunti")
    MOVED_AWAY = "moved_away", _("Trasferimento altrove")
    UNREACHABLE = "unreachable", _("Non più raggiungibile")
    TRANSFERRED = "transferred", _("Passato ad altro servizio")
    DECLINED = "declined", _("La famiglia non desidera proseguire")
    OTHER = "other", _("Altro")


class HouseholdEventKind(models.TextChoices):
    OPENED = "opened", _("Apertura")
    CLOSED = "closed", _("Chiusura")
    REOPENED = "reopened", _("Riapertura")


class HouseholdRole(models.TextChoices):
    PARENT = "parent", _("Genitore")
    PARTNER = "partner", _("Partner convivente")
    CHILD = "child", _("Figlio/a")
    GRANDPARENT = "grandparent", _("Nonno/a")
    SIBLING = "sibling", _("Fratello/sorella")
    OTHER_ADULT = "other_adult", _("Altro adulto")
    OTHER_MINOR = "other_minor", _("Altro minore")


class SexGender(models.TextChoices):
    FEMALE = "female", _("Femmina")
    MALE = "male", _("Maschio")
    NON_BINARY = "non_binary", _("Non binario")
    OTHER = "other", _("Altro")
    NOT_SAID = "not_said", _("Preferisce non dirlo")


class DocumentsStatus(models.TextChoices):
    VALID = "valid", _("Documenti validi")
    EXPIRED = "expired", _("Documenti scaduti")
    PENDING = "pending", _("Richiesta o rinnovo in corso")
    NONE = "none", _("Senza documenti")
    UNKNOWN = "unknown", _("Non noto")


class ResidencyStatus(models.TextChoices):
    RESIDENT = "resident", _("Residente nel Comune")
    RESIDENT_ELSEWHERE = "elsewhere", _("Residente in altro comune")
    FICTITIOUS = "fictitious", _("Residenza fittizia")
    NONE = "none", _("Senza residenza")
    UNKNOWN = "unknown", _("Non noto")


class HousingSituation(models.TextChoices):
    OWNED = "owned", _("Casa di proprietà")
    RENTED = "rented", _("In affitto")
    PUBLIC_HOUSING = "public_housing", _("Edilizia residenziale pubblica")
    HOSTED = "hosted", _("Ospite di parenti o amici")
    RECEPTION = "reception", _("Struttura di accoglienza")
    PRECARIOUS = "precarious", _("Alloggio precario o sovraffollato")
    ROOFLESS = "roofless", _("Senza dimora")
    OTHER = "other", _("Altro")
    UNKNOWN = "unknown", _("Non noto")


class LabourStatus(models.TextChoices):
    """ESF+ labour market status of participants."""

    EMPLOYED = "employed", _("Occupato/a")
    SELF_EMPLOYED = "self_employed", _("Lavoratore/trice autonomo/a")
    UNEMPLOYED = "unemployed", _("Disoccupato/a")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Disoccupato/a di lunga durata")
    INACTIVE = "inactive", _("Inattivo/a")
    STUDENT = "student", _("Studente/ssa o in formazione")
    RETIRED = "retired", _("Pensionato/a")
    UNKNOWN = "unknown", _("Non noto")


class EducationLevel(models.TextChoices):
    """ISCED 2011 levels, as ESF+ asks."""

    ISCED_0 = "isced0", _("ISCED 0 – Educazione della prima infanzia o nessun titolo")
    ISCED_1 = "isced1", _("ISCED 1 – Istruzione primaria")
    ISCED_2 = "isced2", _("ISCED 2 – Secondaria di primo grado")
    ISCED_3 = "isced3", _("ISCED 3 – Secondaria di secondo grado")
    ISCED_4 = "isced4", _("ISCED 4 – Post-secondaria non terziaria")
    ISCED_5 = "isced5", _("ISCED 5 – Terziaria di ciclo breve")
    ISCED_6 = "isced6", _("ISCED 6 – Laurea o equivalente")
    ISCED_7 = "isced7", _("ISCED 7 – Laurea magistrale o equivalente")
    ISCED_8 = "isced8", _("ISCED 8 – Dottorato o equivalente")
    UNKNOWN = "unknown", _("Non noto")


class Disability(models.TextChoices):
    YES = "yes", _("Sì")
    NO = "no", _("No")
    DECLINED = "declined", _("Preferisce non rispondere")
    UNKNOWN = "unknown", _("Non noto")


class StatementKind(models.TextChoices):
    NEED = "need", _("Bisogno")
    WISH = "wish", _("Desiderio")
    RESOURCE = "resource", _("Risorsa o punto di forza")


class Dimension(models.TextChoices):
    """The common multidimensional scale."""

    HOUSING = "housing", _("Casa")
    INCOME_WORK = "income_work", _("Reddito e lavoro")
    EDUCATION = "education", _("Istruzione e scuola")
    HEALTH = "health", _("Salute")
    RELATIONS = "relations", _("Relazioni e rete di supporto")
    PARTICIPATION = "participation", _("Partecipazione")
    PARENTING = "parenting", _("Genitorialità")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Previsto")
    IN_PROGRESS = "in_progress", _("In corso")
    ACHIEVED = "achieved", _("Raggiunto")
    NOT_ACHIEVED = "not_achieved", _("Non raggiunto")
    DROPPED = "dropped", _("Abbandonato")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Da fare")
    IN_PROGRESS = "in_progress", _("In corso")
    DONE = "done", _("Fatta")
    CANCELLED = "cancelled", _("Annullata")


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", _("Verifica periodica")
    CLOSURE = "closure", _("Chiusura")


class OutcomeResult(models.TextChoices):
    IMPROVED = "improved", _("Migliorata")
    UNCHANGED = "unchanged", _("Invariata")
    WORSENED = "worsened", _("Peggiorata")


class NoteVisibility(models.TextChoices):
    ORGANISATION = "organisation", _("Solo la mia organizzazione")
    SHARED = "shared", _("Condivisa secondo il consenso")
    SENSITIVE = "sensitive", _("Riservata (dati sensibili)")

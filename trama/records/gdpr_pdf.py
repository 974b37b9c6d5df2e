"""The person's export printed readably (TramaPDF), in Italian or English.

`export_blocks(export, language=)` turns the dict of `gdpr.person_export` into a list of blocks (title, heading,
key-value row, paragraph): everything the PDF prints is in those blocks, so a test can check their text.
`render_export` draws them. Codes (roles, statuses, categories…) are shown with their labels in the language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from trama.core.pdf import TramaPDF
from trama.records.audit_labels import action_label
from trama.records.categories import DataCategory
from trama.records.models import (
    ActionStatus,
    ClosureReason,
    ConsentPurpose,
    Dimension,
    GivenByKind,
    GoalStatus,
    HouseholdEventKind,
    HouseholdStatus,
    LegalBasis,
    NoteVisibility,
    OutcomeResult,
    Person,
    ReviewKind,
    SharingBasis,
    SpecialCondition,
    StatementKind,
)

EXPORT_LANGUAGES = ("it", "en")

@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading" | "subheading" | "row" | "text"
    label: str
    value: str = ""


def _transfer_status(code: str) -> str:
    """The label of a case transfer's status (the referrals app is looked up by name: records does not import
    it; the export has case transfers only when it is installed)."""
    from django.apps import apps

    field = apps.get_model("referrals", "CaseTransfer")._meta.get_field("status")
    return str(dict(field.choices or []).get(code, code))  # type: ignore[arg-type]


def _label(choices: Any, code: Any) -> str:
    """The label of a code of a TextChoices class (the code itself if unknown, a dash if empty)."""
    if code in (None, ""):
        return "–"
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _person_value(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "–"
    field = Person._meta.get_field(name)
    if isinstance(value, bool):
        return _("Sì") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    choices = dict(getattr(field, "choices", None) or [])
    allowed = getattr(field, "allowed", None)
    if allowed and not choices:
        # Encrypted choice fields keep their choices on the model's TextChoices: find them by field name.
        from trama.records.models import Disability, DocumentsStatus, ResidencyStatus

        enum = {"disability": Disability, "documents_status": DocumentsStatus,
                "residency_status": ResidencyStatus}.get(name)
        if enum is not None:
            return _label(enum, value)
    return str(choices.get(value, value))


def _about(value: str) -> str:
    return {"self": _("questa persona"), "household": _("tutto il nucleo"),
            "other_member": _("un altro componente")}.get(value, value)


def _codes(choices: Any, values: Any) -> str:
    return ", ".join(_label(choices, v) for v in values or []) or "–"


def _or_dash(value: Any) -> str:
    return "–" if value in (None, "", []) else str(value)


def export_blocks(export: Mapping[str, Any], *, language: str) -> list[Block]:
    with translation.override(language):
        return _blocks(export)


def _blocks(export: Mapping[str, Any]) -> list[Block]:
    out: list[Block] = [Block("title", _("I tuoi dati in Trama")),
                        Block("text", _("Copia di tutti i dati che le organizzazioni della rete conservano su di te "
                                        "(art. 15 GDPR), compreso il registro degli accessi."))]
    row = out.append

    row(Block("heading", _("Dati personali")))
    for name, value in export["person"].items():
        if name == "minor":
            row(Block("row", _("Minorenne"), {True: _("Sì"), False: _("No")}.get(value, "–")))
            continue
        label = str(getattr(Person._meta.get_field(name), "verbose_name", name))
        row(Block("row", label[:1].upper() + label[1:], _person_value(name, value)))

    household = export["household"]
    row(Block("heading", _("Nucleo familiare")))
    for label, value in (
        (_("Codice"), household["reference_code"]), (_("Etichetta"), household["label"]),
        (_("Organizzazione titolare"), household["organisation"]), (_("Municipio"), household["municipio"]),
        (_("NIL"), household["nil"]), (_("Stato"), _label(HouseholdStatus, household["status"])),
        (_("Aperto il"), household["opened_on"]), (_("Chiuso il"), household["closed_on"]),
        (_("Motivo di chiusura"), _label(ClosureReason, household["closure_reason"])),
        (_("Nota di chiusura"), household["closure_note"]),
        (_("Ruolo nel nucleo"), _person_value("role_in_household", household["role"])),
        (_("Componenti"), household["members"]),
    ):
        row(Block("row", label, _or_dash(value)))
    for event in export["household_events"]:
        row(Block("row", f"{_label(HouseholdEventKind, event['kind'])} {event['on']}",
                  " · ".join(v for v in (_label(ClosureReason, event["reason"]) if event["reason"] else "",
                                         event["note"]) if v) or "–"))

    row(Block("heading", _("Bisogni, desideri e risorse")))
    for s in export["statements"]:
        row(Block("row", f"{_label(StatementKind, s['kind'])} ({_about(s['about'])})",
                  " – ".join(v for v in (s["need"], s["text"]) if v)))

    row(Block("heading", _("Valutazioni")))
    for a in export["assessments"]:
        row(Block("subheading", a["assessed_on"]))
        for sc in a["scores"]:
            row(Block("row", f"{_label(Dimension, sc['dimension'])}: {sc['score']}/5", _or_dash(sc["notes"])))

    row(Block("heading", _("Progetto")))
    for goal in export["plan"]["goals"]:
        row(Block("row", f"{_label(Dimension, goal['dimension'])} · {_label(GoalStatus, goal['status'])}",
                  f"{goal['description']} ({_('entro il')} {_or_dash(goal['target_date'])})"))
        for action in goal["actions"]:
            who = action.get("organisation") or action.get("operator") or _about(action.get("member") or "")
            row(Block("row", f"  {_('Azione')} · {_label(ActionStatus, action['status'])}",
                      f"{action['description']} ({_('a cura di')} {who}; {_('scadenza')} "
                      f"{_or_dash(action['due_date'])})"))
    for version in export["plan"]["versions"]:
        texts = [goal.get("description", "") for goal in version["goals"]]
        texts += [action.get("description", "") for goal in version["goals"] for action in goal.get("actions", [])]
        row(Block("row", _("Versione %(n)d") % {"n": version["number"]}, " · ".join(t for t in texts if t) or "–"))

    row(Block("heading", _("Verifiche ed esiti")))
    for review in export["reviews"]:
        row(Block("subheading", f"{_label(ReviewKind, review['kind'])} {review['reviewed_on']}"))
        for o in review["outcomes"]:
            row(Block("row", f"{_label(Dimension, o['dimension'])}: {_label(OutcomeResult, o['result'])}",
                      _or_dash(o["evidence"])))

    row(Block("heading", _("Note")))
    for note in export["notes"]:
        row(Block("row", f"{note['written_at'][:10]} · {note['organisation']} · "
                         f"{_label(NoteVisibility, note['visibility'])} ({_about(note['about'])})",
                  note["text"] if note["text"] is not None
                  else _("Il testo resta all'organizzazione che l'ha scritto: puoi chiederlo a lei.")))

    row(Block("heading", _("Consensi")))
    for c in export["consents"]:
        row(Block("subheading", f"{c['given_on']} ({_about(c['about'])})"))
        row(Block("row", _("Finalità"), _codes(ConsentPurpose, c["purposes"])))
        row(Block("row", _("Categorie di dati"), _codes(DataCategory, c["categories"])))
        row(Block("row", _("Destinatari"), ", ".join(c["recipients"]) or "–"))
        row(Block("row", _("Base giuridica"), f"{_label(LegalBasis, c['legal_basis'])}; "
                                              f"{_label(SpecialCondition, c['special_condition'])}"))
        signer = _label(GivenByKind, c["given_by_kind"])
        row(Block("row", _("Espresso da"), f"{signer} {c['given_by_name'] or ''}".strip()))
        if c["guardian_evidence"]:
            row(Block("row", _("Titolo del rappresentante"), c["guardian_evidence"]))
        row(Block("row", _("Scadenza"), _or_dash(c["expires_on"])))
        if c["withdrawn_at"]:
            row(Block("row", _("Revocato il"), f"{c['withdrawn_at'][:10]} {c['withdrawal_reason'] or ''}".strip()))

    row(Block("heading", _("Altre basi giuridiche e accessi straordinari")))
    for lb in export["legal_bases"]:
        row(Block("row", f"{_label(SharingBasis, lb['basis'])} → {lb['recipient']}",
                  f"{lb['reference']}: {_or_dash(lb['reason'])} ({_codes(DataCategory, lb['categories'])})"))
    for bg in export["break_glass_accesses"]:
        row(Block("row", f"{_('Accesso straordinario')} {bg['started_at'][:16]}", f"{bg['by']}: {bg['reason']}"))

    if export.get("referrals") is not None:
        row(Block("heading", _("Invii ad altri servizi")))
        for referral in export["referrals"]:
            row(Block("text", "; ".join(f"{k}: {v}" for k, v in referral.items() if v not in (None, "", []))))

    if export.get("case_transfers"):
        row(Block("heading", _("Passaggi di presa in carico")))
        for transfer in export["case_transfers"]:
            row(Block("row", f"{transfer['requested_at'][:10]} · {transfer['from']} → {transfer['to']} "
                             f"({_transfer_status(transfer['status'])})",
                      " · ".join(v for v in (transfer["reason"], transfer["response_note"]) if v) or "–"))

    row(Block("heading", _("Registro degli accessi")))
    for entry in export["access_log"]:
        who = " · ".join(v for v in (entry["by"], entry["organisation"]) if v) or _("sistema")
        row(Block("row", entry["at"][:16].replace("T", " "),
                  f"{action_label(entry['action'])} ({_about(entry['about'])}) – {who}"))
    return out


def render_export(export: Mapping[str, Any], *, language: str) -> bytes:
    blocks = export_blocks(export, language=language)
    with translation.override(language):
        doc = TramaPDF(title=_("I tuoi dati in Trama"), language=language)
    doc.add_page()
    for block in blocks:
        if block.kind == "title":
            doc.title_block(block.label)
        elif block.kind == "heading":
            doc.heading(block.label)
        elif block.kind == "subheading":
            doc.heading(block.label, level=3)
        elif block.kind == "row":
            doc.key_value(block.label, block.value)
        else:
            doc.paragraph(block.label)
    return doc.to_bytes()

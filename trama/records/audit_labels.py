"""The audit log's actions in words, for the household's access log and a person's export (JSON's codes stay):
the codes ("records.household.view") mean nothing to the staff and the families who read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# What an opening of the household was for (`open_household(purpose=…)`, audited as records.household.<purpose>).
PURPOSES = {
    "view": _("ha consultato il nucleo"),
    "edit": _("ha aperto il nucleo per modificarlo"),
    "close": _("ha aperto il nucleo per chiuderlo"),
    "reopen": _("ha aperto il nucleo per riaprirlo"),
    "person_add": _("ha aperto il nucleo per aggiungere un componente"),
    "person_edit": _("ha aperto il nucleo per modificare un componente"),
    "note_add": _("ha aperto il nucleo per scrivere una nota"),
    "statement_add": _("ha aperto il nucleo per annotare bisogni, desideri o risorse"),
    "statement_edit": _("ha aperto il nucleo per correggere bisogni, desideri o risorse"),
    "assessment_add": _("ha aperto il nucleo per registrare una valutazione"),
    "plan_edit": _("ha aperto il nucleo per modificare il progetto"),
    "plan_review": _("ha aperto il nucleo per registrare una verifica"),
    "consent_add": _("ha aperto il nucleo per registrare un consenso"),
    "consent_print": _("ha aperto il nucleo per stampare l'informativa"),
    "consent_withdraw": _("ha aperto il nucleo per revocare un consenso"),
    "legal_basis_add": _("ha aperto il nucleo per registrare una base giuridica"),
    "legal_basis_revoke": _("ha aperto il nucleo per revocare una base giuridica"),
    "export": _("ha aperto il nucleo per un'esportazione"),
    "erasure": _("ha aperto il nucleo per anonimizzarlo"),
    "access_log": _("ha letto il registro degli accessi"),
    "referral": _("ha aperto il nucleo per una segnalazione"),
    "referrals": _("ha letto le segnalazioni del nucleo"),
    "referral_basis": _("ha aperto il nucleo per scegliere il consenso di una segnalazione"),
    "transfer": _("ha aperto il nucleo per un passaggio di presa in carico"),
}

ACTIONS = {
    "access.denied": _("accesso negato"),
    "records.household.create": _("ha registrato il nucleo"),
    "records.household.update": _("ha modificato il nucleo"),
    "records.household.close": _("ha chiuso il nucleo"),
    "records.household.reopen": _("ha riaperto il nucleo"),
    "records.household.anonymise": _("ha anonimizzato il nucleo"),
    "records.household.break_glass_lookup": _("ha cercato il nucleo per un accesso straordinario"),
    "records.person.add": _("ha aggiunto un componente"),
    "records.person.update": _("ha modificato i dati di un componente"),
    "records.person.export": _("ha esportato i dati di una persona"),
    "records.person.anonymise": _("ha anonimizzato una persona"),
    "records.person.view": _("ha aperto la scheda di un componente"),
    "records.note.add": _("ha scritto una nota"),
    "records.statement.add": _("ha annotato un bisogno, un desiderio o una risorsa"),
    "records.statement.update": _("ha corretto un bisogno, un desiderio o una risorsa"),
    "records.statement.remove": _("ha eliminato un bisogno, un desiderio o una risorsa"),
    "records.assessment.record": _("ha registrato una valutazione"),
    "records.plan.goal_add": _("ha aggiunto un obiettivo al progetto"),
    "records.plan.goal_update": _("ha modificato un obiettivo del progetto"),
    "records.plan.action_add": _("ha aggiunto un'azione al progetto"),
    "records.plan.action_update": _("ha modificato un'azione del progetto"),
    "records.plan.review": _("ha registrato una verifica del progetto"),
    "records.consent.record": _("ha registrato un consenso"),
    "records.consent.withdraw": _("ha registrato la revoca di un consenso"),
    "records.consent.print": _("ha stampato l'informativa e il modulo di consenso"),
    "records.consent.expired_noted": _("un consenso è scaduto"),
    "records.legal_basis.record": _("ha registrato una base giuridica di condivisione"),
    "records.legal_basis.revoke": _("ha revocato una condivisione su altra base giuridica"),
    "records.break_glass.open": _("ha aperto un accesso straordinario"),
    "referrals.referral.create": _("ha preparato una segnalazione"),
    "referrals.referral.send": _("ha inviato una segnalazione"),
    "referrals.referral.view": _("ha aperto una segnalazione"),
    "referrals.referral.accept": _("ha accettato una segnalazione"),
    "referrals.referral.decline": _("ha rifiutato una segnalazione"),
    "referrals.referral.start": _("ha avviato il percorso di una segnalazione"),
    "referrals.referral.complete": _("ha concluso una segnalazione con un esito"),
    "referrals.referral.cancel": _("ha annullato una segnalazione"),
    "referrals.referral.expire": _("una segnalazione è scaduta senza risposta"),
    "referrals.referral.remind": _("promemoria di una segnalazione in attesa"),
    "referrals.referral.open_for_change": _("ha aperto una segnalazione per modificarla"),
    "referrals.message.add": _("ha scritto un messaggio su una segnalazione"),
    "referrals.transfer.request": _("ha chiesto un passaggio di presa in carico"),
    "referrals.transfer.view": _("ha aperto un passaggio di presa in carico"),
    "referrals.transfer.accept": _("ha accettato un passaggio di presa in carico"),
    "referrals.transfer.decline": _("ha rifiutato un passaggio di presa in carico"),
    "referrals.transfer.cancel": _("ha annullato un passaggio di presa in carico"),
}


def action_label(action: str) -> str:
    """The action in words; an action without one (a new kind of event) keeps its code, never dropped."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    prefix = "records.household."
    if action.startswith(prefix) and action[len(prefix):] in PURPOSES:
        return str(PURPOSES[action[len(prefix):]])
    return action

"""Writes on referrals and case transfers (issue 4 §4).

Like trama/records/services.py: keyword-only functions, one transaction each, Italian ApplicationError messages,
an audit event `referrals.<thing>.<verb>` whose details name ids, statuses and codes — never a reason, a note or a
message (they are encrypted at rest). Every status change is one conditional UPDATE on the expected current status
(`filter(pk=…, status=…).update(…)` must return 1), so two concurrent answers cannot both win, on SQLite and
PostgreSQL alike, and appends a ReferralEvent. Notifications are rows of records.OrganisationNotification for the
other party (plus an e-mail after commit).

Who may act: the sender is a user who may change the household (the records funnel, write=True) and holds
`referrals.manage` in the household's organisation; the receiver is a user holding `referrals.manage` in the
receiving organisation. Services check this themselves (the views also fetch through trama/referrals/access.py).
"""

from trama.referrals.services.basis import covering_basis, receiver_network_ids
from trama.referrals.services.referrals import (
    ExpiryResult,
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_create,
    referral_decline,
    referral_draft_update,
    referral_message_add,
    referral_send,
    referral_start,
    referrals_expire,
    submitted_referral,
)
from trama.referrals.services.transfers import (
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_decline,
    case_transfer_request,
)

__all__ = [
    "ExpiryResult", "case_transfer_accept", "case_transfer_cancel", "case_transfer_decline",
    "case_transfer_request", "covering_basis", "receiver_network_ids", "referral_accept", "referral_cancel",
    "referral_complete", "referral_create", "referral_decline", "referral_draft_update", "referral_message_add",
    "referral_send", "referral_start", "referrals_expire", "submitted_referral",
]

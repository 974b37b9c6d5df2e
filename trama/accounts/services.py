"""Account services: memberships and two-factor enrolment. Each writes its audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from trama.accounts.models import Membership, User
from trama.accounts.roles import Perm, Role, permissions_of
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.network.models import Network, Organisation


@transaction.atomic
def membership_grant(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    network: Network | None = None,
    by: User | None = None,
) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Ruolo sconosciuto: %(role)s.") % {"role": role}, field="role")
    if valid_until is not None and valid_until < valid_from:
        raise ApplicationError(_("La data di fine precede quella di inizio."), field="valid_until")
    if network is not None and Perm.CITY_WIDE in permissions_of(role):
        raise ApplicationError(
            _("Questo ruolo vale per tutta la città: non si può limitare a una rete."), field="network"
        )
    if network is not None and not network.memberships.filter(organisation=organisation).exists():
        raise ApplicationError(
            _("%(organisation)s non fa parte della rete %(network)s.")
            % {"organisation": organisation, "network": network},
            field="network",
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, valid_from=valid_from,
        defaults={"valid_until": valid_until, "network": network},
    )
    if membership.valid_until != valid_until or membership.network_id != (network.pk if network else None):
        membership.valid_until = valid_until
        membership.network = network
        membership.save(update_fields=["valid_until", "network"])
    # acting_for is the granting person's organisation (taken from the request), not the target's.
    audit.record(action="membership.grant", actor=by, obj=membership,
                 details={"user": user.email, "role": role, "organisation": organisation.slug,
                          "valid_from": valid_from.isoformat(),
                          "network": network.slug if network else None,
                          "valid_until": valid_until.isoformat() if valid_until else None})
    return membership


@transaction.atomic
def user_create(*, email: str, full_name: str, password: str | None = None, by: User | None = None) -> User:
    """A new account; without a password it can only be entered through a password reset."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ApplicationError(_("Indica un indirizzo e-mail valido."), field="email")
    if not full_name.strip():
        raise ApplicationError(_("Indica nome e cognome."), field="full_name")
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("Esiste già un account con questa e-mail."), field="email")
    user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit.record(action="user.create", actor=by, obj=user, details={"email": email})
    return user


def user_language_set(*, user: User, language: str) -> bool:
    """Keep the language a person chose for the staff pages (Italian or English), so that their next login, on any
    device, starts in it. True if it changed. Not audited: a display preference, not an access."""
    if language not in settings.STAFF_LANGUAGES:
        raise ApplicationError(_("Lingua non disponibile per le pagine di lavoro."), field="language")
    if user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


@transaction.atomic
def membership_end(*, membership: Membership, on: dt.date, by: User | None = None) -> Membership:
    if on < membership.valid_from:
        raise ApplicationError(_("La data di fine precede quella di inizio."), field="valid_until")
    membership.valid_until = on
    membership.save(update_fields=["valid_until"])
    audit.record(action="membership.end", actor=by, obj=membership,
                 details={"user": membership.user.email, "organisation": membership.organisation.slug,
                          "until": on.isoformat()})
    return membership


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call (the secret is shown once as a QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Trama", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not token.isdigit() or not device.verify_token(token):
        raise ApplicationError(_("Codice non valido: controlla l'ora del telefono e riprova."), field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(action="auth.2fa_enrolled", actor=user, obj=device)
    return device

"""Referrals' encrypted texts are protected by the records key and follow its rotation."""

from __future__ import annotations

import base64
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from trama.core.testing import Personas
from trama.lib import crypto
from trama.referrals.tests.helpers import give_consent, make_family, sent

NEW_KEY = base64.b64encode(bytes(range(40, 72))).decode()


def _raw_reason(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM referrals_referral WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_reencrypt_command_rotates_referral_texts_too(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    referral = sent(personas, family)
    before = _raw_reason(referral.pk)
    assert "compiti" not in before
    with override_settings(TRAMA_RECORDS_KEYS=f"k2027:{NEW_KEY},{settings.TRAMA_RECORDS_KEYS}"):
        call_command("records_reencrypt", stdout=StringIO())
        assert crypto.key_id_of(_raw_reason(referral.pk)) == "k2027"

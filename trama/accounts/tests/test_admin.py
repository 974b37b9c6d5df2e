"""Role grants made in the Django admin are audited like those made through services."""

from __future__ import annotations

import pytest
from django.test import Client

from trama.accounts.models import Membership
from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_audits_a_membership_added_in_the_admin(client: Client, personas: Personas) -> None:
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(personas.admin)
    user = personas.nobody
    url = f"/admin/accounts/user/{user.pk}/change/"
    form = {
        "email": user.email, "full_name": user.full_name, "language": "it", "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organisation": str(personas.ets_b.pk), "memberships-0-role": "volunteer",
        "memberships-0-valid_from": "2025-01-01", "memberships-0-network": "", "memberships-0-valid_until": "",
        "_save": "Salva",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=user, organisation=personas.ets_b).exists()
    assert AuditEvent.objects.filter(action="admin.accounts.membership.create", actor=personas.admin).exists()
    assert AuditEvent.objects.filter(action="admin.accounts.user.update").exists()

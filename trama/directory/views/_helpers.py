"""What every directory staff view shares. The form/service plumbing is the network pages' (same house style)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from trama.core.http import safe_next
from trama.core.pages import paginate, run_service, user_of
from trama.directory.access import can_create_records
from trama.network.access import require_perm

__all__ = ["paginate", "require_creator", "run_service", "safe_next", "service_url", "user_of"]


def require_creator(request: HttpRequest) -> None:
    """Create pages have no object: who may not create gets 403, audited like every denial."""
    require_perm(request.user, can_create_records(request.user), object_type="directory.service", request=request)


def service_url(pk: int) -> str:
    return reverse("directory:service_detail", args=[pk])

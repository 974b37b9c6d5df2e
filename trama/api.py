"""The staff JSON API under /api/ (issue 4 §5): households, people, consents, plans and referrals, through the same
access funnel and services as the pages. Django session authentication (CSRF on unsafe methods); an anonymous call
is a 401, never data nor a redirect. The OpenAPI document is at /api/openapi.json.

The public HSDS API (/api/hsds/, trama/directory/api) is separate: plain Django views, included first in
trama/urls.py."""

from __future__ import annotations

from ninja import NinjaAPI

from trama.records.api import router as records_router
from trama.records.api.common import install_error_handlers, staff_session
from trama.referrals.api import router as referrals_router

api = NinjaAPI(
    urls_namespace="api",
    title="Trama — API delle cartelle sociali e delle segnalazioni",
    version="1.0",
    description=(
        "Households, members, consents, plans and referrals, as the signed-in user may see them through the access "
        "funnel: objects they may not see give 404, every read of a household and every denial is audited, fields "
        "of data categories not shared with them are null. Authentication: the Django session of the pages (send "
        "the CSRF token in X-CSRFToken on POST). Errors: {\"detail\": ..., \"errors\": {field: [...]}} in Italian."
    ),
    auth=staff_session,
    docs_url=None,  # no Swagger UI (it would load scripts from a CDN); the document itself is public
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", records_router)
api.add_router("", referrals_router)

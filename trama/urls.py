from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from trama.accounts.views import set_language
from trama.api import api as staff_api

urlpatterns = [
    # Django's language switch (django.conf.urls.i18n), which also keeps a signed-in person's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("account/", include("trama.accounts.urls")),
    path("territory/", include("trama.territory.urls")),
    path("network/", include("trama.network.urls")),
    path("directory/", include("trama.directory.urls")),
    path("records/", include("trama.records.urls")),
    path("referrals/", include("trama.referrals.urls")),
    path("api/hsds/", include("trama.directory.api.urls")),
    path("api/", staff_api.urls),  # after api/hsds/: the staff JSON API (trama/api.py)
    path("aiuto/", include("trama.portal.urls")),
    path("", include("trama.accounts.urls_dashboard")),
    path("", include("trama.core.urls")),
]

handler404 = "trama.core.views.page_not_found"

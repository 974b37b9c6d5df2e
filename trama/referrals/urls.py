"""Staff pages of referrals (mounted at /referrals/)."""

from __future__ import annotations

from django.urls import path

from trama.referrals.views import create, detail, home, household, transfers

app_name = "referrals"
urlpatterns = [
    path("", home.home, name="home"),
    path("received/", home.referrals_received, name="received"),
    path("sent/", home.referrals_sent, name="sent"),
    path("new/<int:household_pk>/", create.referral_new, name="new"),
    path("new/<int:household_pk>/services/", create.service_options, name="service_options"),
    path("new/<int:household_pk>/basis/", create.basis_options, name="basis_options"),
    path("transfers/new/<int:household_pk>/", transfers.transfer_new, name="transfer_new"),
    path("transfers/new/<int:household_pk>/organisations/", transfers.transfer_organisations,
         name="transfer_organisations"),
    path("transfers/<int:transfer_pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_pk>/accept/", transfers.transfer_accept, name="transfer_accept"),
    path("transfers/<int:transfer_pk>/decline/", transfers.transfer_decline, name="transfer_decline"),
    path("transfers/<int:transfer_pk>/cancel/", transfers.transfer_cancel, name="transfer_cancel"),
    path("household/<int:household_pk>/", household.household, name="household"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/edit/", create.referral_edit, name="edit"),
    path("<int:pk>/send/", detail.send, name="send"),
    path("<int:pk>/accept/", detail.accept, name="accept"),
    path("<int:pk>/decline/", detail.decline, name="decline"),
    path("<int:pk>/start/", detail.start, name="start"),
    path("<int:pk>/complete/", detail.complete, name="complete"),
    path("<int:pk>/cancel/", detail.cancel, name="cancel"),
    path("<int:pk>/messages/", detail.message_add, name="message_add"),
]

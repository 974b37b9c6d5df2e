"""Staff pages of social records (mounted at /records/)."""

from __future__ import annotations

from django.urls import path

from trama.records.views import consents, gdpr, households, notifications, people, plan

app_name = "records"
urlpatterns = [
    path("", households.household_list, name="household_list"),
    path("new/", households.household_create, name="household_create"),
    path("break-glass/", households.break_glass, name="break_glass"),
    path("register/", gdpr.processing_register, name="processing_register"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("<int:pk>/", households.household_detail, name="household_detail"),
    path("<int:pk>/access-log/", households.household_access_log, name="access_log"),
    path("<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("<int:pk>/close/", households.household_close, name="household_close"),
    path("<int:pk>/reopen/", households.household_reopen, name="household_reopen"),
    path("<int:pk>/anonymise/", gdpr.household_anonymise, name="household_anonymise"),
    path("<int:pk>/people/new/", people.person_add, name="person_add"),
    path("<int:pk>/people/<int:person_pk>/export.json", gdpr.person_export, name="person_export"),
    path("<int:pk>/people/<int:person_pk>/export.pdf", gdpr.person_export_pdf, name="person_export_pdf"),
    path("<int:pk>/people/<int:person_pk>/anonymise/", gdpr.person_anonymise, name="person_anonymise"),
    path("<int:pk>/people/<int:person_pk>/edit/", people.person_edit, name="person_edit"),
    path("<int:pk>/statements/new/", plan.statement_add, name="statement_add"),
    path("<int:pk>/statements/<int:statement_pk>/edit/", plan.statement_edit, name="statement_edit"),
    path("<int:pk>/statements/<int:statement_pk>/remove/", plan.statement_remove, name="statement_remove"),
    path("<int:pk>/assessments/new/", plan.assessment_add, name="assessment_add"),
    path("<int:pk>/plan/goals/new/", plan.goal_add, name="goal_add"),
    path("<int:pk>/plan/goals/<int:goal_pk>/edit/", plan.goal_edit, name="goal_edit"),
    path("<int:pk>/plan/goals/<int:goal_pk>/actions/new/", plan.action_add, name="action_add"),
    path("<int:pk>/plan/actions/<int:action_pk>/edit/", plan.action_edit, name="action_edit"),
    path("<int:pk>/plan/reviews/new/", plan.review_add, name="review_add"),
    path("<int:pk>/notes/new/", plan.note_add, name="note_add"),
    path("<int:pk>/consents/new/", consents.consent_add, name="consent_add"),
    path("<int:pk>/consents/form.pdf", consents.consent_form_blank, name="consent_form_blank"),
    path("<int:pk>/consents/<int:consent_pk>/form.pdf", consents.consent_form_filled, name="consent_form_filled"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", consents.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/legal-basis/new/", consents.legal_basis_add, name="legal_basis_add"),
    path("<int:pk>/legal-basis/revoke/", consents.legal_basis_revoke, name="legal_basis_revoke"),
]

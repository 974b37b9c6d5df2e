from __future__ import annotations

from django.urls import path

from trama.network import views

app_name = "network"
urlpatterns = [
    # networks
    path("", views.network_list, name="network_list"),
    path("new/", views.network_create, name="network_create"),
    path("n/<slug:slug>/", views.network_detail, name="network_detail"),
    path("n/<slug:slug>/edit/", views.network_edit, name="network_edit"),
    path("n/<slug:slug>/members/add/", views.membership_add, name="membership_add"),
    path("n/<slug:slug>/members/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("n/<slug:slug>/bodies/new/", views.body_create, name="body_create"),
    # organisations
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/addresses/add/", views.address_add, name="address_add"),
    path("organisations/<slug:slug>/addresses/<int:pk>/remove/", views.address_remove, name="address_remove"),
    path("organisations/<slug:slug>/people/add/", views.person_add, name="person_add"),
    path("organisations/<slug:slug>/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("organisations/<slug:slug>/ats/add/", views.ats_member_add, name="ats_member_add"),
    path("organisations/<slug:slug>/ats/<int:pk>/end/", views.ats_member_end, name="ats_member_end"),
    # governance bodies
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<int:pk>/members/add/", views.body_member_add, name="body_member_add"),
    path(
        "bodies/<int:pk>/members/<int:member_pk>/remove/", views.body_member_remove, name="body_member_remove"
    ),
    path("bodies/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("bodies/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("bodies/<int:pk>/calendar.ics", views.body_calendar, name="body_calendar"),
    path("bodies/<int:pk>/calendar/rotate/", views.body_calendar_rotate, name="body_calendar_rotate"),
    path("calendar/<str:token>.ics", views.body_calendar_feed, name="body_calendar_feed"),
    # meetings
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/actions/new/", views.meeting_action_create, name="meeting_action_create"),
    # action items
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("my-actions/", views.my_actions, name="my_actions"),
]

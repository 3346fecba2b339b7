from django.urls import path

from meetings import views

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/calendar/", views.calendar_subscription, name="calendar_subscription"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/rsvp/", views.rsvp, name="meeting_rsvp"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/attendance/<int:user_id>/", views.attendance_toggle, name="meeting_attendance_toggle"),
    path("meetings/<int:pk>/checkin/", views.self_checkin, name="meeting_checkin"),
    path("meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path("meetings/<int:pk>/<str:action>/", views.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("communities/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("communities/<slug:slug>/series/new/", views.series_create, name="series_create"),
    path("communities/<slug:slug>/topics/", views.topic_backlog, name="topic_backlog"),
    path("communities/<slug:slug>/topics/<int:pk>/vote/", views.topic_vote, name="topic_vote"),
    path("communities/<slug:slug>/topics/<int:pk>/<str:action>/", views.topic_manage, name="topic_manage"),
]

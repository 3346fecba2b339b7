from django.urls import path

from meetings import sprint_admin_views, sprint_views, views

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/calendar/", views.calendar_subscription, name="calendar_subscription"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/rsvp/", views.rsvp, name="meeting_rsvp"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/checkin/", views.self_checkin, name="meeting_checkin"),
    path("meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    # The sprint board, participant's side (meetings/sprint_views.py); before meeting_action,
    # which would take "sprint" for an action
    path("sprint/", sprint_views.sprint_code, name="sprint_code"),
    path("sprint/<str:code>/", sprint_views.sprint_join, name="sprint_join"),
    path("meetings/<int:pk>/sprint/", sprint_views.sprint_board, name="sprint_board"),
    path("meetings/<int:pk>/sprint/board/", sprint_views.sprint_board_live, name="sprint_board_live"),
    path("meetings/<int:pk>/sprint/cards/", sprint_views.sprint_card_add, name="sprint_card_add"),
    path("meetings/<int:pk>/sprint/cards/<int:card_id>/edit/", sprint_views.sprint_card_edit, name="sprint_card_edit"),
    path(
        "meetings/<int:pk>/sprint/cards/<int:card_id>/delete/",
        sprint_views.sprint_card_delete,
        name="sprint_card_delete",
    ),
    path("meetings/<int:pk>/sprint/cards/<int:card_id>/dot/", sprint_views.sprint_dot, name="sprint_dot"),
    path("meetings/<int:pk>/<str:action>/", views.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("communities/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("communities/<slug:slug>/series/new/", views.series_create, name="series_create"),
    path("communities/<slug:slug>/topics/", views.topic_backlog, name="topic_backlog"),
    path("communities/<slug:slug>/topics/<int:pk>/vote/", views.topic_vote, name="topic_vote"),
    path("communities/<slug:slug>/topics/<int:pk>/<str:action>/", views.topic_manage, name="topic_manage"),
    # The sprint board, facilitator's side (meetings/sprint_admin_views.py)
    path("meetings/<int:pk>/sprint/add/", sprint_admin_views.sprint_add, name="sprint_add"),
    path("meetings/<int:pk>/sprint/setup/", sprint_admin_views.sprint_setup, name="sprint_setup"),
    path("meetings/<int:pk>/sprint/seats/<int:seat_id>/", sprint_admin_views.sprint_seat_move, name="sprint_seat_move"),
    path("meetings/<int:pk>/sprint/screen/", sprint_admin_views.sprint_screen, name="sprint_screen"),
    path("meetings/<int:pk>/sprint/control/<str:action>/", sprint_admin_views.sprint_control, name="sprint_control"),
    path("meetings/<int:pk>/sprint/summary/", sprint_admin_views.sprint_summary, name="sprint_summary"),
    path("meetings/<int:pk>/sprint/outcome/", sprint_admin_views.sprint_outcome, name="sprint_outcome"),
]

from django.contrib import admin
from django.urls import include, path

from cop import views
from cop.dashboard import views as dashboard_views
from cop.notifications import views as notification_views

handler500 = "cop.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/live/", views.health_live, name="health_live"),
    path("bench/hello/", views.bench_hello, name="bench_hello"),
    path("language/", views.language_set, name="language_set"),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
    path("", include("feedback.urls")),
    path("", include("cop.success_urls")),
    path("notifications/preferences/", notification_views.preferences, name="notification_preferences"),
    path("notifications/unsubscribe/<str:token>/", notification_views.unsubscribe, name="notification_unsubscribe"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("communities/<slug:slug>/", views.community_detail, name="community_detail"),
    path("communities/<slug:slug>/outbox/", notification_views.community_outbox, name="community_outbox"),
    path("admin/", admin.site.urls),
    path("dev/mail/", views.devmail_list, name="devmail_list"),
    path("dev/mail/<str:message_id>/", views.devmail_detail, name="devmail_detail"),
    path("dev/mail/<str:message_id>/html/", views.devmail_html, name="devmail_html"),
    path("dev/mail/<str:message_id>/attachments/<int:index>/", views.devmail_attachment, name="devmail_attachment"),
]

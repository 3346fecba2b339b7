from django.contrib import admin
from django.urls import include, path

from cop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("language/", views.language_set, name="language_set"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("dev/mail/", views.devmail_list, name="devmail_list"),
    path("dev/mail/<str:message_id>/", views.devmail_detail, name="devmail_detail"),
    path("dev/mail/<str:message_id>/html/", views.devmail_html, name="devmail_html"),
    path("dev/mail/<str:message_id>/attachments/<int:index>/", views.devmail_attachment, name="devmail_attachment"),
]

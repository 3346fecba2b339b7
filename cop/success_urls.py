from django.urls import path

from cop import success_views

urlpatterns = [
    path("communities/<slug:slug>/successes/", success_views.wall, name="success_wall"),
    path("communities/<slug:slug>/successes/share/", success_views.share, name="success_share"),
    path("communities/<slug:slug>/successes/<int:pk>/kudos/", success_views.kudos, name="success_kudos"),
    path("communities/<slug:slug>/successes/<int:pk>/<str:action>/", success_views.moderate, name="success_moderate"),
]

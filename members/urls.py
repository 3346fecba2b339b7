from django.urls import path

from members import path_views, views

urlpatterns = [
    path("communities/<slug:slug>/members/", views.directory, name="directory"),
    path("communities/<slug:slug>/members/<int:user_id>/", views.profile, name="member_profile"),
    path("communities/<slug:slug>/members/<int:user_id>/goals/", views.learning_goals_edit, name="learning_goals_edit"),
    path("communities/<slug:slug>/members/<int:user_id>/mentor/", views.mentor_edit, name="mentor_edit"),
    path("communities/<slug:slug>/members/<int:user_id>/ladder/", path_views.member_path, name="member_path"),
    path("communities/<slug:slug>/ladder/interns/", path_views.intern_paths, name="intern_paths"),
    path("ladder/", path_views.my_path, name="my_path"),
    path("communities/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("communities/<slug:slug>/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("communities/<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/export/", views.my_data_export, name="my_data_export"),
]

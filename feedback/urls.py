from django.urls import path

from feedback import views

urlpatterns = [
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
]

from django.urls import path

from feedback.views import answer

urlpatterns = [
    path("s/<str:token>/", answer.survey_answer, name="survey_answer"),
]

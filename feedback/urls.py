from django.urls import include, path

from feedback.views import answer, results, survey_templates

# A community's own survey templates and their questions (facilitators).
template_patterns = [
    path("", survey_templates.survey_template_list, name="survey_templates"),
    path("<int:pk>/", survey_templates.survey_template_edit, name="survey_template_edit"),
    path("<int:pk>/copy/", survey_templates.survey_template_copy, name="survey_template_copy"),
    path("<int:pk>/delete/", survey_templates.survey_template_delete, name="survey_template_delete"),
    path("<int:pk>/use/", survey_templates.survey_template_use, name="survey_template_use"),
    path("<int:pk>/questions/", survey_templates.survey_question_add, name="survey_question_add"),
    path("<int:pk>/questions/<int:question_pk>/", survey_templates.survey_question_edit, name="survey_question_edit"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        survey_templates.survey_question_delete,
        name="survey_question_delete",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/<str:direction>/",
        survey_templates.survey_question_move,
        name="survey_question_move",
    ),
]

urlpatterns = [
    path("s/<str:token>/", answer.survey_answer, name="survey_answer"),
    path("communities/<slug:slug>/surveys/", results.survey_list, name="survey_list"),
    path("communities/<slug:slug>/surveys/pulse/", results.pulse_create, name="survey_pulse"),
    path("communities/<slug:slug>/surveys/trend/", results.survey_trend, name="survey_trend"),
    path("communities/<slug:slug>/surveys/trend.csv", results.survey_trend_csv, name="survey_trend_csv"),
    path("communities/<slug:slug>/surveys/<int:pk>/", results.survey_results, name="survey_results"),
    path("communities/<slug:slug>/surveys/<int:pk>/results.csv", results.survey_results_csv, name="survey_results_csv"),
    path("communities/<slug:slug>/surveys/<int:pk>/remind/", results.survey_remind, name="survey_remind"),
    path("communities/<slug:slug>/surveys/templates/", include(template_patterns)),
]

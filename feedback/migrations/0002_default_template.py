from django.db import migrations

QUESTIONS = [
    ("rating", "Hoe waardevol was deze bijeenkomst?", "How valuable was this meeting?", True),
    ("long", "Wat vond je waardevol aan deze bijeenkomst?", "What did you find valuable about this meeting?", False),
    (
        "topic",
        "Welke onderwerpen zou je in de toekomst willen bespreken?",
        "Which topics would you like to discuss in the future?",
        False,
    ),
]


def create_default(apps, schema_editor):
    """The organisation's default post-meeting template, in Dutch and English."""
    SurveyTemplate = apps.get_model("feedback", "SurveyTemplate")
    TemplateQuestion = apps.get_model("feedback", "TemplateQuestion")
    template, created = SurveyTemplate.objects.get_or_create(community=None, name="Na de bijeenkomst")
    if created:
        for position, (kind, text, text_en, required) in enumerate(QUESTIONS):
            TemplateQuestion.objects.create(
                template=template, position=position, type=kind, text=text, text_en=text_en, required=required
            )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]

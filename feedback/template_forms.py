"""Forms of the survey template pages (apart from feedback/forms.py, the survey pages' forms)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cop.forms import TextareaField
from feedback.models import QuestionType, TemplateQuestion
from feedback.survey_templates import NAME_MAX, TEXT_MAX, question_validate


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)


class QuestionForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=[(value, capfirst(name)) for value, name in QuestionType.choices])
    text = TextareaField(label=_("Question"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; only for single and multiple choice questions."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args: object, question: TemplateQuestion | None = None, **kwargs: object) -> None:
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "type": question.type,
                    "text": question.text,
                    "choices": "\n".join(question.choices),
                    "required": question.required,
                },
            )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        # Only when all three were read: a field with an error (a NUL in the choices) is not in data.
        if "type" in data and "text" in data and "choices" in data:
            try:
                lines = data["choices"].splitlines()
                data.update(question_validate(type=data["type"], text=data["text"], choices=lines))
            except ValidationError as error:
                self.add_error(None, error)
        return data

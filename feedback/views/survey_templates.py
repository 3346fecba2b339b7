"""Facilitators' survey templates: list, create, copy, rename, delete; questions added, edited,
moved and deleted. Every view looks the community up with `community_for(…, RUN_SURVEYS)` and
finds templates only among the community's own, so another community's (or the default) is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cop.models import Community
from feedback import survey_templates
from feedback.models import SurveyTemplate, TemplateQuestion
from feedback.template_forms import QuestionForm, TemplateForm
from members.permissions import Action, community_for


def _template(community: Community, pk: int) -> SurveyTemplate:
    template = survey_templates.template_of(community=community, pk=pk)
    if template is None:
        raise Http404
    return template


def _question(template: SurveyTemplate, question_pk: int) -> TemplateQuestion:
    question = next((q for q in template.questions.all() if q.pk == question_pk), None)
    if question is None:
        raise Http404
    question.template = template
    return question


def _edit_url(community: Community, template: SurveyTemplate) -> str:
    return reverse("survey_template_edit", args=[community.slug, template.pk])


@login_required
@require_http_methods(["GET", "POST"])
def survey_template_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The default template (read-only, to copy) and the community's own; a new one starts empty."""
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = survey_templates.template_create(community=community, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Template created. Now add its questions."))
            return redirect(_edit_url(community, template))
    default, own = survey_templates.templates_page(community=community)
    context = {"community": community, "form": form, "default": default, "own": own}
    return render(request, "feedback/survey_templates/list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def survey_template_copy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    source = get_object_or_404(survey_templates.copyable(community=community), pk=pk)
    template = survey_templates.template_copy(source=source, community=community)
    messages.success(request, _("Copied. Change the copy as you like; the original stays as it was."))
    return redirect(_edit_url(community, template))


@login_required
@require_POST
def survey_template_use(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Use this template after meetings, or (`used=0`) go back to the organisation's default."""
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    used = request.POST.get("used") != "0"
    try:
        survey_templates.template_after_meetings_set(template=template, used=used)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Surveys after meetings now use “%(name)s”.") % {"name": template.name}
            if used
            else _("Surveys after meetings use the organisation's default again."),
        )
    return redirect("survey_templates", slug=slug)


def _edit_page(
    request: HttpRequest,
    community: Community,
    template: SurveyTemplate,
    *,
    rename_form: TemplateForm | None = None,
    question_form: QuestionForm | None = None,
) -> HttpResponse:
    bad = bool((rename_form and rename_form.errors) or (question_form and question_form.errors))
    context = {
        "community": community,
        "template": template,
        "questions": list(template.questions.all()),
        "rename_form": rename_form or TemplateForm(initial={"name": template.name}),
        "question_form": question_form or QuestionForm(),
    }
    page = "feedback/survey_templates/edit.html"
    # htmx moves questions and gets the list back; a form with errors always gets the whole page,
    # since the list holds no form to show them by.
    if request.htmx and request.method == "POST" and not bad:
        page += "#question-list"
    return render(request, page, context, status=400 if bad else 200)


@login_required
@require_http_methods(["GET", "POST"])
def survey_template_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The template's questions, and its name (a POST here renames it)."""
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                survey_templates.template_rename(template=template, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Name saved."))
                # A fragment of its own, or the browser keeps the form's and scrolls past the message.
                return redirect(_edit_url(community, template) + "#main")
        return _edit_page(request, community, template, rename_form=form)
    return _edit_page(request, community, template)


@login_required
@require_POST
def survey_template_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    survey_templates.template_delete(template=template)
    messages.success(
        request, _("Template “%(name)s” deleted. Surveys already sent keep their questions.") % {"name": template.name}
    )
    return redirect("survey_templates", slug=slug)


@login_required
@require_POST
def survey_question_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = survey_templates.question_add(template=template, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question added."))
            return redirect(f"{_edit_url(community, template)}#question-{question.pk}")
    return _edit_page(request, community, template, question_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def survey_question_edit(request: HttpRequest, slug: str, pk: int, question_pk: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    question = _question(template, question_pk)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            survey_templates.question_edit(question=question, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect(f"{_edit_url(community, template)}#question-{question.pk}")
    context = {"community": community, "template": template, "question": question, "form": form}
    return render(request, "feedback/survey_templates/question.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def survey_question_delete(request: HttpRequest, slug: str, pk: int, question_pk: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    survey_templates.question_delete(question=_question(template, question_pk))
    messages.success(request, _("Question deleted."))
    return redirect(_edit_url(community, template))


@login_required
@require_POST
def survey_question_move(request: HttpRequest, slug: str, pk: int, question_pk: int, direction: str) -> HttpResponse:
    """Up or down by one; with htmx the question list comes back in its new order."""
    if direction not in {"up", "down"}:
        raise Http404
    community = community_for(request.user, slug, Action.RUN_SURVEYS)[0]
    template = _template(community, pk)
    survey_templates.question_move(question=_question(template, question_pk), up=direction == "up")
    if request.htmx:
        return _edit_page(request, community, _template(community, pk))
    return redirect(f"{_edit_url(community, template)}#question-{question_pk}")

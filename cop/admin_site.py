"""Gilde's Django admin site: every model admin registered on it, Gilde's own and those of
Django and allauth (groups, e-mail addresses, single sign-on apps), records its adds, changes
and deletes in the audit log (cop/audit.py). It replaces `admin.site` through
`cop.apps.GildeAdminConfig`, so a model admin added later cannot forget to."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from cop.audit import audit_admin_deleted, audit_admin_saved


class AuditedAdmin:
    """Mixed into each model admin. The rows are written where the admin writes: the add and
    change form and the delete page run in one transaction (Django's), the bulk delete action
    gets one here."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_admin_saved(
            actor=request.user,
            obj=obj,
            before=form.initial if change else {},
            after=form.cleaned_data,
            changed=form.changed_data,
            added=not change,
        )

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool) -> None:
        # An inline row is deleted by the save below (and loses its id), so it is recorded first.
        for inline in formset.deleted_forms:
            if inline.instance.pk is not None:
                audit_admin_deleted(actor=request.user, obj=inline.instance)
        super().save_formset(request, form, formset, change)
        forms = {id(inline.instance): inline for inline in formset.forms}
        for obj in formset.new_objects:
            inline = forms[id(obj)]
            audit_admin_saved(
                actor=request.user,
                obj=obj,
                before={},
                after=inline.cleaned_data,
                changed=inline.changed_data,
                added=True,
            )
        for obj, changed in formset.changed_objects:
            inline = forms[id(obj)]
            audit_admin_saved(
                actor=request.user,
                obj=obj,
                before=inline.initial,
                after=inline.cleaned_data,
                changed=changed,
                added=False,
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_admin_deleted(actor=request.user, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in queryset:
                audit_admin_deleted(actor=request.user, obj=obj)
            super().delete_queryset(request, queryset)


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    if issubclass(admin_class, AuditedAdmin):
        return admin_class
    # Named and placed like the class it extends, so that checks and error messages name it.
    return type(
        admin_class.__name__,
        (AuditedAdmin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class GildeAdminSite(AdminSite):
    def register(
        self, model_or_iterable: Any, admin_class: type[admin.ModelAdmin] | None = None, **options: Any
    ) -> None:
        super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)

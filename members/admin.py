from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from cop.audit import audit_record
from cop.models import AuditAction
from members.models import Invitation, Membership, User
from members.privacy import user_erase


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["community", "role", "joined_at", "left_at", "alumni_at"]
    autocomplete_fields = ["community"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_manager", "is_staff", "is_active"]
    list_filter = ["is_manager", "is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language", "time_zone"]}),
        (_("Organisation-wide roles"), {"fields": ["is_manager", "is_staff", "is_superuser", "is_active"]}),
        (_("Permissions"), {"classes": ["collapse"], "fields": ["groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    actions = ["erase"]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # The new password and its audit row (log_change below) are saved together.
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: User, message: object) -> object:
        entry = super().log_change(request, obj, message)
        # Every other change is recorded where it is saved (cop/admin_site.py); the password form
        # saves itself, and only tells the admin's history.
        if request.resolver_match and request.resolver_match.url_name == "auth_user_password_change":
            audit_record(
                actor=request.user,
                action=AuditAction.PASSWORD_SET,
                target=obj,
                details={"usable": obj.has_usable_password()},
            )
        return entry

    @admin.action(description=_("Erase the personal data of the selected people"))
    def erase(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        people = [person for person in queryset if person.erased_at is None and person != request.user]
        for person in people:
            user_erase(user=person, actor=request.user)
        self.message_user(request, _("%(count)d account(s) erased.") % {"count": len(people)})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "mentor", "joined_at", "left_at", "alumni_at"]
    list_filter = ["role", "community"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "community", "mentor"]
    autocomplete_fields = ["user", "community", "mentor"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "community", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "community"]
    search_fields = ["email", "full_name"]
    list_select_related = ["community"]
    readonly_fields = ["token", "accepted_by", "invited_by"]


# allauth registers EmailAddress itself; keep it searchable by person.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "primary", "verified"]
    list_filter = ["primary", "verified"]
    search_fields = ["email", "user__full_name"]
    autocomplete_fields = ["user"]

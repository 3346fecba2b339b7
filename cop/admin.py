import json

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cop.models import (
    AuditEvent,
    ChatWebhook,
    Community,
    HealthSnapshot,
    Heartbeat,
    Kudos,
    Notification,
    NotificationPreference,
    Success,
)
from cop.notifications.delivery import notification_retry
from cop.services import community_save_with_domain
from cop.successes import success_hide, success_unhide
from members.models import Membership


class FacilitatorInline(admin.TabularInline):
    """The community's facilitators (and other members), set when an admin creates it."""

    model = Membership
    fk_name = "community"
    extra = 1
    fields = ["user", "role", "joined_at", "left_at"]
    autocomplete_fields = ["user"]
    verbose_name = _("member")
    verbose_name_plural = _("facilitators and members")


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "domain_statement"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FacilitatorInline]

    def save_model(self, request: HttpRequest, obj: Community, form: object, change: bool) -> None:
        # The domain statement's history starts with the admin's first version.
        if not change or "domain_statement" in form.changed_data:
            community_save_with_domain(community=obj, author=request.user)
        else:
            obj.save()


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen"]
    readonly_fields = ["name", "last_seen"]


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    """Read-only: written by the weekly digest, which compares the next week with them."""

    list_display = ["community", "week", "lights", "taken_at"]
    list_filter = ["community"]
    date_hierarchy = "week"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HealthSnapshot | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient", "to_email", "community", "status", "attempts"]
    list_filter = ["status", "channel", "kind", "community"]
    search_fields = ["recipient__email", "to_email", "kind", "last_error"]
    list_select_related = ["recipient", "community"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def get_fields(self, request: HttpRequest, obj: Notification | None = None) -> list[str]:
        fields = [field.name for field in Notification._meta.fields]
        # An account mail's context holds its login code or reset link until it is sent.
        return [name for name in fields if not (name == "context" and obj is not None and obj.kind == "account")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from notification_queue, never by hand

    @admin.action(description=_("Retry the selected failed or skipped notifications"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = sum(notification_retry(notification=row) for row in queryset)
        self.message_user(request, _("%(count)d notification(s) queued again.") % {"count": retried})


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin):
    list_display = ["community", "provider", "enabled"]
    list_filter = ["provider", "enabled"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "email", "updated_at"]
    list_filter = ["category", "email"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Hidden")), ("no", _("On the wall"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Success]) -> QuerySet[Success]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


@admin.register(Success)
class SuccessAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "community",
        "author",
        "about",
        "kind",
        "value",
        "featured",
        "hidden",
        "kudos",
        "created_at",
    ]
    list_filter = ["community", "value", "kind", "featured", HiddenFilter]
    search_fields = ["title", "story", "author__full_name", "author__email", "about__full_name", "about__email"]
    list_select_related = ["community", "author", "about"]
    autocomplete_fields = ["community", "author", "about"]
    raw_id_fields = ["meeting", "topic"]
    # Hiding goes through the service (the actions below), which also stops unsent announcements.
    readonly_fields = ["hidden_at", "created_at"]
    date_hierarchy = "created_at"
    actions = ["hide", "unhide"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Success]:
        # A subquery, not a join and GROUP BY: the changelist's counts and date hierarchy, which
        # do not use it, leave it out.
        given = Kudos.objects.filter(success=OuterRef("pk")).values("success").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(kudos_total=Coalesce(Subquery(given), 0))

    @admin.display(description=_("kudos"), ordering="kudos_total")
    def kudos(self, success: Success) -> int:
        return success.kudos_total

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def hidden(self, success: Success) -> bool:
        return success.hidden_at is not None

    @admin.action(description=_("Hide the selected successes from the wall"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Success]) -> None:
        for success in queryset:
            success_hide(success=success)
        self.message_user(request, _("%(count)d success(es) hidden.") % {"count": len(queryset)})

    @admin.action(description=_("Show the selected successes on the wall again"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[Success]) -> None:
        for success in queryset:
            success_unhide(success=success)
        self.message_user(request, _("%(count)d success(es) shown again.") % {"count": len(queryset)})


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["success", "community", "user", "created_at"]
    list_filter = ["success__community"]
    search_fields = ["success__title", "user__full_name", "user__email"]
    list_select_related = ["success__community", "user"]
    autocomplete_fields = ["success", "user"]
    date_hierarchy = "created_at"

    @admin.display(description=_("community"), ordering="success__community__name")
    def community(self, kudos: Kudos) -> Community:
        return kudos.success.community


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log (cop/audit.py), for reading only: nobody adds, changes or deletes a row here,
    superusers included. Seeing it takes the view permission, which superusers have."""

    list_display = ["created_at", "actor_label", "action", "community", "target", "details_text"]
    list_filter = ["action", "community", "created_at"]
    search_fields = ["actor_label", "target"]
    list_select_related = ["community"]
    date_hierarchy = "created_at"
    # The account link is left out: the label is what the row says about who, also after erasure.
    fields = ["created_at", "actor_label", "action", "community", "target", "details_text"]
    readonly_fields = fields
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("details"))
    def details_text(self, event: AuditEvent) -> str:
        return json.dumps(event.details, ensure_ascii=False, sort_keys=True)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

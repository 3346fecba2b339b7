from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cop.models import ChatWebhook, Community, HealthSnapshot, Heartbeat, Notification, NotificationPreference
from cop.notifications.delivery import notification_retry
from cop.services import community_save_with_domain
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

from django.contrib import admin

from cop.models import Community, Heartbeat


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "domain_statement"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen"]
    readonly_fields = ["name", "last_seen"]

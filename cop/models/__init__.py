from cop.models.community import Community, Heartbeat
from cop.models.notification import ChatWebhook, Notification, NotificationPreference

__all__ = ["ChatWebhook", "Community", "Heartbeat", "Notification", "NotificationPreference"]

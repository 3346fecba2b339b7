from cop.models.community import Community, DomainStatementRevision, Heartbeat
from cop.models.notification import ChatWebhook, Notification, NotificationPreference

__all__ = ["ChatWebhook", "Community", "DomainStatementRevision", "Heartbeat", "Notification", "NotificationPreference"]

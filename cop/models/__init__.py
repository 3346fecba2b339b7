from cop.models.audit import AuditAction, AuditEvent
from cop.models.community import Community, DomainStatementRevision, Heartbeat
from cop.models.health import HealthSnapshot
from cop.models.notification import ChatWebhook, Notification, NotificationPreference
from cop.models.success import VALUE_EXPLAINED, Kudos, Success, SuccessKind, ValueCycle

__all__ = [
    "VALUE_EXPLAINED",
    "AuditAction",
    "AuditEvent",
    "ChatWebhook",
    "Community",
    "DomainStatementRevision",
    "HealthSnapshot",
    "Heartbeat",
    "Kudos",
    "Notification",
    "NotificationPreference",
    "Success",
    "SuccessKind",
    "ValueCycle",
]

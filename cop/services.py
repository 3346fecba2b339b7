from django.utils import timezone

from cop.models import Heartbeat


def heartbeat_record(*, name: str) -> Heartbeat:
    """Sets the heartbeat `name` to now."""
    beat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
    return beat

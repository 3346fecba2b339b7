"""Cached agendas (meetings.agenda) follow every saved or deleted meeting, RSVP and community."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from cop.models import Community
from meetings.agenda import agenda_changed
from meetings.models import Meeting, Rsvp
from members.models import User


@receiver([post_save, post_delete], sender=Meeting, dispatch_uid="agenda_meeting")
def _meeting(sender: type, instance: Meeting, **kwargs: object) -> None:
    agenda_changed(instance.community_id)


@receiver([post_save, post_delete], sender=Rsvp, dispatch_uid="agenda_rsvp")
def _rsvp(sender: type, instance: Rsvp, **kwargs: object) -> None:
    if isinstance(kwargs.get("origin"), (Meeting, Community, User)):
        return  # a cascade: the meeting's or community's own signal, or the person's, covers it
    if Rsvp.meeting.is_cached(instance):
        agenda_changed(instance.meeting.community_id)
        return
    # Rare (an RSVP saved or deleted on its own without its meeting at hand): look it up.
    community_id = Meeting.objects.filter(pk=instance.meeting_id).values_list("community_id", flat=True).first()
    if community_id is not None:
        agenda_changed(community_id)


@receiver(pre_delete, sender=User, dispatch_uid="agenda_person")
def _person(sender: type, instance: User, **kwargs: object) -> None:
    """A person deleted: their RSVPs go with them (one query for all their communities, rather
    than one per RSVP)."""
    for community_id in set(Rsvp.objects.filter(user=instance).values_list("meeting__community_id", flat=True)):
        agenda_changed(community_id)


@receiver([post_save, post_delete], sender=Community, dispatch_uid="agenda_community")
def _community(sender: type, instance: Community, **kwargs: object) -> None:
    agenda_changed(instance.pk)

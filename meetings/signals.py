"""Cached agendas (meetings.agenda) follow every saved or deleted meeting, RSVP and community."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop.models import Community
from meetings.agenda import agenda_changed
from meetings.models import Meeting, Rsvp


@receiver([post_save, post_delete], sender=Meeting, dispatch_uid="agenda_meeting")
def _meeting(sender: type, instance: Meeting, **kwargs: object) -> None:
    agenda_changed(instance.community_id)


@receiver([post_save, post_delete], sender=Rsvp, dispatch_uid="agenda_rsvp")
def _rsvp(sender: type, instance: Rsvp, **kwargs: object) -> None:
    if Rsvp.meeting.is_cached(instance):
        agenda_changed(instance.meeting.community_id)
        return
    # Rare (an RSVP saved or deleted without its meeting at hand, or in a cascade where the
    # meeting is gone already, its own signal having done this): look the community up.
    community_id = Meeting.objects.filter(pk=instance.meeting_id).values_list("community_id", flat=True).first()
    if community_id is not None:
        agenda_changed(community_id)


@receiver([post_save, post_delete], sender=Community, dispatch_uid="agenda_community")
def _community(sender: type, instance: Community, **kwargs: object) -> None:
    agenda_changed(instance.pk)

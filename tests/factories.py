from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from cop.models import Community
from members.models import Membership, Role, User

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")
    language = "nl"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        # allauth's mandatory verification: people in tests have a verified address unless told otherwise.
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    domain_statement = "Samen leren in de praktijk."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Role.INTERN


def announcement(recipient, community, *, occasion: str = "", title: str = "Hoe geef je constructieve feedback?"):
    """Queues the announcement kind, as a producer would."""
    from cop.notifications.services import notification_queue  # noqa: PLC0415 (keeps factories import-light)

    return notification_queue(
        recipient=recipient,
        kind="announcement",
        subject_object=community,
        occasion=occasion,
        community=community,
        context={"title": title, "body": "Dinsdag 16:00 in de werkplaats.", "url": "https://gilde.example.org/m/1"},
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Bijeenkomst {n}")
    theme = "Hoe geef je constructieve feedback?"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + timedelta(minutes=90))
    place = "Werkplaats Utrecht"
    status = "published"

"""Communities, people and memberships of the scale organisation, and each community's domain
statement history.

Staff (facilitators, mentors, colleagues) mostly joined before the year began and a few left
during it; interns come in all year round for five to twenty-four months, each with a mentor, and
those whose internship ended are alumni. The last community fell quiet (its only facilitator left
four months ago); with five or more communities, the one before it struggles (few come, few
answer). Every account but the bench manager's has an unusable password.
"""

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password

from cop.models import Community, DomainStatementRevision
from cop.scale.plan import Member, Profile, World, apportion
from members.models import Membership, Role, User

BATCH = 5_000
BENCH_MANAGER = "bench-manager@gilde.test"

# (name, domain statement, themes of its meetings)
DOMAINS = [
    ("Autotechniek", "Van verbrandingsmotor naar elektrische aandrijflijn", ["Hoogvolt veilig", "Diagnose"]),
    ("Elektrotechniek", "Installaties aanleggen en storingen vinden", ["Meetinstrumenten", "NEN 1010"]),
    ("Installatietechniek", "Warmtepompen, ventilatie en sanitair", ["Warmtepompen", "Inregelen"]),
    ("Bouw & Metselen", "Vakmanschap op de bouwplaats", ["Metselverband", "Tekening lezen"]),
    ("Timmeren & Interieur", "Hout, maatwerk en montage", ["Maatvoering", "CNC-frezen"]),
    ("Schilderen & Afwerking", "Ondergronden, verf en kleur", ["Ondergrondbehandeling", "Kleuradvies"]),
    ("Werkvoorbereiding", "Plannen, begroten en afstemmen", ["Planning", "Begroten"]),
    ("Zorg & Welzijn", "Goede zorg dichtbij de cliënt", ["Cliëntgesprek", "Rapporteren"]),
    ("Verpleegkunde", "Klinisch redeneren op de afdeling", ["Medicatieveiligheid", "Overdracht"]),
    ("Logistiek", "Voorraad, transport en planning", ["Magazijnbeheer", "Routeplanning"]),
    ("ICT-beheer", "Systemen draaiend houden", ["Netwerken", "Beveiliging"]),
    ("Softwareontwikkeling", "Software bouwen die werkt", ["Code review", "Testen"]),
    ("Data & Analyse", "Van gegevens naar inzicht", ["Dashboards", "SQL"]),
    ("Communicatie", "Helder schrijven en feedback geven", ["Feedback geven", "Schrijven"]),
    ("Marketing", "Klanten vinden en binden", ["Campagnes", "Sociale media"]),
    ("Financiën & Administratie", "Cijfers kloppend en op tijd", ["Jaarafsluiting", "Facturatie"]),
    ("HR & Opleiden", "Mensen laten groeien", ["Onboarding", "Gesprekscyclus"]),
    ("Klantenservice", "Klanten helpen bij de eerste vraag", ["Lastige gesprekken", "Klachten"]),
    ("Facilitair beheer", "Gebouwen, diensten en veiligheid", ["BHV", "Onderhoud"]),
    ("Duurzaamheid & Energie", "Minder energie, minder afval", ["Energiebesparing", "Circulair"]),
]
FIRST_NAMES = [
    "Daan",
    "Sem",
    "Lucas",
    "Milan",
    "Levi",
    "Noah",
    "Luuk",
    "Bram",
    "Finn",
    "Jesse",
    "Thijs",
    "Ruben",
    "Sven",
    "Stijn",
    "Tim",
    "Lars",
    "Mees",
    "Jens",
    "Gijs",
    "Teun",
    "Emma",
    "Julia",
    "Mila",
    "Sophie",
    "Tess",
    "Zoë",
    "Sara",
    "Anna",
    "Eva",
    "Noor",
    "Lotte",
    "Fleur",
    "Lisa",
    "Sanne",
    "Iris",
    "Femke",
    "Roos",
    "Lieke",
    "Nina",
    "Fenna",
    "Mohammed",
    "Yusuf",
    "Ilias",
    "Ayoub",
    "Amira",
    "Fatima",
    "Yasmin",
    "Sem",
    "Anouk",
    "Bas",
    "Koen",
    "Joris",
    "Maarten",
    "Pieter",
    "Hanneke",
    "Ingrid",
    "Karin",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "Schouten",
    "Willems",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Prins",
    "Kramer",
    "Claassen",
    "Demir",
    "Yilmaz",
    "El Amrani",
    "Bouzid",
    "Nguyen",
    "Tahiri",
    "Koç",
    "Aydin",
]
SCHOOLS = [
    ("ROC van Amsterdam", "mbo 4"),
    ("Hogeschool Utrecht", "hbo"),
    ("Avans Hogeschool", "hbo, duaal"),
    ("ROC Midden Nederland", "mbo 3"),
    ("Hogeschool van Arnhem en Nijmegen", "hbo"),
    ("Graafschap College", "mbo 4, bbl"),
]
LEARNING_GOALS = "Zelfstandig een klus van begin tot eind uitvoeren.\nFeedback vragen en geven."
# Internship lengths in months, and how common each is.
INTERNSHIPS = ([5, 10, 12, 24], [30, 50, 15, 5])


def profiles(count: int) -> list[Profile]:
    """Sizes vary twofold; the last community is quiet, the one before struggles (five or more)."""
    result = []
    for position in range(count):
        size = 0.6 + 0.9 * ((position * 7) % count) / max(count - 1, 1)
        lively = Profile(
            size=size,
            activity=size * (0.8 + 0.4 * ((position * 3) % 5) / 4),
            attendance=0.70 + 0.2 * ((position * 5) % 7) / 6,
            response=0.50 + 0.4 * ((position * 3) % 7) / 6,
            rating=3.7 + 0.6 * ((position * 2) % 5) / 4,
        )
        result.append(lively)
    result[-1] = Profile(size=0.7, activity=0.35, attendance=0.55, response=0.30, rating=3.2, state="quiet")
    if count >= 5:
        result[-2] = Profile(size=0.9, activity=0.6, attendance=0.50, response=0.35, rating=3.4, state="struggling")
    return result


def _name(position: int) -> tuple[str, str]:
    if position < len(DOMAINS):
        name, statement, _themes = DOMAINS[position]
        return name, statement
    name, statement, _themes = DOMAINS[position % len(DOMAINS)]
    return f"{name} {position // len(DOMAINS) + 1}", statement


def themes_of(position: int) -> list[str]:
    return DOMAINS[position % len(DOMAINS)][2]


def _at(world: World, moment: datetime, hour: int = 9) -> datetime:
    return datetime.combine(moment.astimezone(world.zone).date(), time(hour), tzinfo=world.zone)


def communities_build(world: World) -> None:
    world.profiles = profiles(world.plan.communities)
    rows = []
    for position in range(world.plan.communities):
        name, statement = _name(position)
        slug = name.lower().replace(" & ", "-").replace(" ", "-").replace("ë", "e")
        rows.append(
            Community(
                name=name,
                slug=slug,
                domain_statement=f"{statement}: stagiairs leren van ervaren collega's door samen te doen.",
                description="Bijeenkomsten, workshops en koffiemomenten, het hele jaar door.",
            )
        )
    world.communities = Community.objects.bulk_create(rows)
    world.index = {community.pk: position for position, community in enumerate(world.communities)}
    # auto_now_add stamps today on insert: back-date each community to when it started.
    for community in world.communities:
        community.created_at = world.days_ago(world.rng.randint(400, 900))
    Community.objects.bulk_update(world.communities, ["created_at"])


def _user(world: World, number: int, *, manager: bool = False) -> User:
    first, last = world.rng.choice(FIRST_NAMES), world.rng.choice(LAST_NAMES)
    local = f"{first}.{last}".lower().replace(" ", "").replace("ë", "e").replace("ç", "c")
    return User(
        email=f"{local}.{number}@gilde.test",
        full_name=f"{first} {last}",
        language="en" if world.rng.random() < 0.12 else "nl",
        is_manager=manager,
        # Unusable, but made from the seeded generator so that a rerun stores the same rows.
        password=UNUSABLE_PASSWORD_PREFIX + "".join(world.rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=40)),
        date_joined=world.days_ago(world.rng.randint(30, 900)),
    )


def people_build(world: World, *, manager_password: str) -> None:
    """Users (members, then managers: the first is the bench manager), their verified e-mail
    addresses and their memberships."""
    plan = world.plan
    users = [_user(world, number) for number in range(plan.members)]
    managers = [_user(world, plan.members + number, manager=True) for number in range(plan.managers)]
    managers[0].email, managers[0].full_name = BENCH_MANAGER, "Bench Manager"
    managers[0].password = make_password(manager_password)
    users = User.objects.bulk_create(users + managers, batch_size=BATCH)
    world.managers = users[plan.members :]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users], batch_size=BATCH
    )
    sizes = apportion(plan.members, [profile.size for profile in world.profiles])
    people = iter(users[: plan.members])
    world.members = [
        _community_members(world, position, [next(people) for _ in range(size)]) for position, size in enumerate(sizes)
    ]
    _colleagues_elsewhere(world)
    _memberships_save(world)


def _community_members(world: World, position: int, people: list[User]) -> list[Member]:
    """1 or 2 facilitators, about 7% mentors and 20% colleagues, the rest interns."""
    rng, profile = world.rng, world.profiles[position]
    facilitators = 2 if len(people) >= 120 and rng.random() < 0.6 else 1
    mentors = max(1, round(len(people) * 0.07))
    colleagues = max(1, round(len(people) * 0.20))
    roles = [Role.FACILITATOR] * facilitators + [Role.MENTOR] * mentors + [Role.COLLEAGUE] * colleagues
    roles += [Role.INTERN] * (len(people) - len(roles))
    members = []
    for person, role in zip(people, roles, strict=True):
        if role == Role.INTERN:
            members.append(_intern(world, person))
            continue
        # Staff mostly joined before the year began; a few joined during it, a few left.
        joined = world.days_ago(rng.randint(400, 1000) if rng.random() < 0.9 else rng.randint(30, 360))
        until = world.days_ago(rng.randint(10, 300)) if role != Role.FACILITATOR and rng.random() < 0.04 else None
        if until and until < joined + timedelta(days=30):
            until = None  # nobody leaves within a month of joining here
        members.append(Member(person.pk, role, _at(world, joined, 10), until and _at(world, until, 17)))
    if profile.state == "quiet":
        # Its only facilitator moved on after the last meeting, four months ago; nobody took over.
        for member in members:
            if member.role == Role.FACILITATOR:
                member.until = _at(world, world.days_ago(118), 17)
    return members


def _intern(world: World, person: User) -> Member:
    rng = world.rng
    months = rng.choices(*INTERNSHIPS)[0]
    # Interns came in all year; the internship of each still overlaps the last twelve months.
    start = world.today - timedelta(days=rng.randint(0, 365 + 30 * min(months, 12) - 30))
    start = max(start, world.today - relativedelta(months=months + 12) + timedelta(days=7))
    end = start + relativedelta(months=months)
    member = Member(person.pk, Role.INTERN, datetime.combine(start, time(9), tzinfo=world.zone))
    if end < world.today:
        member.until = datetime.combine(end + timedelta(days=1), time(3, 15), tzinfo=world.zone)  # alumni
    elif rng.random() < 0.03 and (world.today - start).days > 14:
        member.until = world.days_ago(rng.randint(1, (world.today - start).days - 7))  # stopped early
    member.internship = (start, end)
    return member


def _colleagues_elsewhere(world: World) -> None:
    """One in ten mentors and colleagues also takes part in another community, as a colleague."""
    if len(world.members) < 2:
        return
    for position, members in enumerate(list(world.members)):
        for member in list(members):
            if member.role in {Role.MENTOR, Role.COLLEAGUE} and member.until is None and world.rng.random() < 0.1:
                other = (position + world.rng.randint(1, len(world.members) - 1)) % len(world.members)
                joined = world.days_ago(world.rng.randint(60, 700))
                world.members[other].append(Member(member.user_id, Role.COLLEAGUE, _at(world, joined, 11)))


def _memberships_save(world: World) -> None:
    rng = world.rng
    rows, order = [], []
    for position, members in enumerate(world.members):
        community = world.communities[position]
        mentors = [member.user_id for member in members if member.role == Role.MENTOR]
        for member in members:
            fields = {"user_id": member.user_id, "community": community, "role": member.role}
            fields["joined_at"] = member.joined
            if member.role == Role.INTERN:
                start, end = member.internship
                school, programme = rng.choice(SCHOOLS)
                fields |= {
                    "school": school,
                    "programme": programme,
                    "internship_start": start,
                    "internship_end": end,
                    "learning_goals": LEARNING_GOALS,
                    "mentor_id": rng.choice(mentors) if mentors else None,
                }
                if member.until and member.until.date() > end:
                    fields["alumni_at"] = member.until
                elif member.until:
                    fields["left_at"] = member.until
            elif member.until:
                fields["left_at"] = member.until
            rows.append(Membership(**fields))
            order.append(member)
    for member, saved in zip(order, Membership.objects.bulk_create(rows, batch_size=BATCH), strict=True):
        member.membership_id = saved.pk


def domain_history(world: World) -> None:
    """One to four versions of each statement; the last within the year, except where quiet."""
    rows = []
    for position, community in enumerate(world.communities):
        quiet = world.profiles[position].state == "quiet"
        versions = world.rng.randint(1, 4)
        last = world.rng.randint(400, 600) if quiet else world.rng.randint(5, 300)
        for number in range(versions):
            days = last + (versions - 1 - number) * world.rng.randint(60, 200)
            text = community.domain_statement if number == versions - 1 else f"{community.name}: versie {number + 1}."
            rows.append((DomainStatementRevision(community=community, text=text), world.days_ago(days)))
    saved = DomainStatementRevision.objects.bulk_create([row for row, _when in rows])
    # created_at is stamped on insert (auto_now_add): back-date afterwards.
    for revision, (_row, when) in zip(saved, rows, strict=True):
        revision.created_at = when
    DomainStatementRevision.objects.bulk_update(saved, ["created_at"], batch_size=BATCH)

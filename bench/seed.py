"""Seed the benchmark database with a network at a given scale.

One seeder per app, run in the order of SEEDERS. Each takes the Scale and a shared random
generator, writes with bulk_create (signals are not wanted here: the rows are fixtures for load,
not people signing up), and returns nothing. To add an app's data (sessions, notes, priorities),
add its figures to Scale and its function to SEEDERS: the later seeders can read what the
earlier ones made (the organisations and people).

Everything is deterministic for a given seed, so two runs at one scale measure the same data.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from meetings.models import (
    NoteAction,
    NoteKeyPoint,
    NoteRecommendation,
    Registration,
    RoundTable,
    RoundTableNote,
    RoundTableParticipant,
    StrategicSession,
)
from members.models import Membership, Organisation, Sector, User
from members.permissions import Role
from members.services import set_staff_roles
from priorities.models import Endorsement, Priority, ProgressUpdate, Theme

BENCH_DOMAIN = "bench.alliancehub.test"
# The person whose session drives the load: an ordinary member of two organisations.
BENCH_MEMBER_EMAIL = f"member@{BENCH_DOMAIN}"
BENCH_PASSWORD = "bench-only-password-2025"  # noqa: S105 (a throwaway database's fixture)
# The admin whose session loads the admin changelists; signs in with password and this TOTP.
BENCH_ADMIN_EMAIL = f"admin@{BENCH_DOMAIN}"
BENCH_ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (fixture)
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """How big a network to seed. Later apps add their own figures here."""

    organisations: int = 1_700
    people: int = 8_000
    sessions: int = 60
    round_tables: int = 600
    notes: int = 6_000
    priorities: int = 300
    endorsements: int = 20_000
    registrations: int = 40_000
    seed: int = 2025


SECTORS = [
    ("education", "Education", "التعليم", "חינוך"),
    ("dialogue", "Dialogue", "الحوار", "דיאלוג"),
    ("women", "Women's leadership", "قيادة النساء", "מנהיגות נשים"),
    ("youth", "Youth", "الشباب", "נוער"),
    ("environment", "Environment", "البيئة", "סביבה"),
    ("economy", "Economic cooperation", "التعاون الاقتصادي", "שיתוף פעולה כלכלי"),
    ("health", "Health and trauma", "الصحة والصدمات", "בריאות וטראומה"),
    ("media", "Media", "الإعلام", "תקשורת"),
    ("faith", "Interfaith", "الأديان", "בין-דתי"),
    ("justice", "Justice and rights", "العدالة والحقوق", "צדק וזכויות"),
]
PLACES = [
    ("Israel", "Jerusalem"),
    ("Israel", "Haifa"),
    ("Israel", "Tel Aviv-Yafo"),
    ("Israel", "Be'er Sheva"),
    ("Palestine", "Ramallah"),
    ("Palestine", "Bethlehem"),
    ("Palestine", "Nablus"),
    ("Palestine", "Hebron"),
    ("Jordan", "Amman"),
    ("Cyprus", "Nicosia"),
]
FIRST_NAMES = [
    "Maya", "Omar", "Noa", "Layla", "Yael", "Karim", "Tamar", "Rania", "Daniel", "Huda",
    "Amit", "Samir", "Shira", "Nadia", "Eitan", "Lina", "Avi", "Rami", "Michal", "Salma",
]  # fmt: skip
LAST_NAMES = [
    "Cohen", "Khalil", "Levi", "Haddad", "Mizrahi", "Nasser", "Peretz", "Saleh", "Biton",
    "Awad", "Friedman", "Darwish", "Katz", "Hamdan", "Shapiro", "Qasem",
]  # fmt: skip
WORDS = [
    "Bridges", "Olive", "Dialogue", "Springs", "Shared", "Future", "Voices", "Roots",
    "Horizon", "Circle", "Common", "Ground", "Garden", "Harmony", "Path", "Light",
]  # fmt: skip
KINDS = ["Centre", "Forum", "Initiative", "Network", "Association", "Project", "Foundation"]


def _organisation_name(number: int, rng: random.Random) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {number}"


def seed_members(scale: Scale, rng: random.Random) -> None:
    """Sectors, organisations (mostly active and listed), people and their memberships."""
    sectors = []
    for slug, name_en, name_ar, name_he in SECTORS:
        sector, _ = Sector.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_ar": name_ar, "name_he": name_he}
        )
        sectors.append(sector)

    statuses = [Organisation.Status.ACTIVE] * 17 + [
        Organisation.Status.APPLICANT,
        Organisation.Status.LAPSED,
        Organisation.Status.FORMER,
    ]
    communities = list(Organisation.Community)
    today = timezone.localdate()
    organisations = []
    for number in range(1, scale.organisations + 1):
        name = _organisation_name(number, rng)
        country, city = rng.choice(PLACES)
        status = rng.choice(statuses)
        organisations.append(
            Organisation(
                name_en=name,
                name_ar=name if number % 3 else "",
                name_he=name if number % 4 else "",
                slug=f"bench-organisation-{number:05d}",
                community=rng.choice(communities),
                country=country,
                city=city,
                description=f"{name} works across communities. " * rng.randint(1, 6),
                founded_year=rng.randint(1975, 2024),
                status=status,
                joined_on=today - datetime.timedelta(days=rng.randint(0, 3650))
                if status == Organisation.Status.ACTIVE
                else None,
                visibility=Organisation.Visibility.HIDDEN
                if number % 25 == 0
                else Organisation.Visibility.LISTED,
            )
        )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    through = Organisation.sectors.through
    through.objects.bulk_create(
        [
            through(organisation_id=organisation.pk, sector_id=sector.pk)
            for organisation in organisations
            for sector in rng.sample(sectors, rng.randint(1, 3))
        ],
        batch_size=BATCH,
    )

    # One hash for every seeded person: hashing thousands of passwords would take minutes.
    password = make_password(BENCH_PASSWORD)
    languages = ["en", "ar", "he"]
    people = [
        User(
            email=f"person{number:05d}@{BENCH_DOMAIN}",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            preferred_language=rng.choice(languages),
            password=password,
        )
        for number in range(1, scale.people + 1)
    ]
    people = User.objects.bulk_create(people, batch_size=BATCH)
    bench_member = User.objects.create(
        email=BENCH_MEMBER_EMAIL, full_name="Bench Member", password=password
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=person.pk, email=person.email, verified=True, primary=True)
            for person in [*people, bench_member]
        ],
        batch_size=BATCH,
    )

    # Each person belongs to one organisation, one in ten to a second; the first person placed
    # in an organisation is its representative.
    memberships = []
    represented: set[int] = set()
    for index, person in enumerate(people):
        homes = {organisations[index % len(organisations)]}
        if rng.random() < 0.1:
            homes.add(rng.choice(organisations))
        for organisation in homes:
            role = (
                Membership.Role.MEMBER
                if organisation.pk in represented
                else Membership.Role.REPRESENTATIVE
            )
            represented.add(organisation.pk)
            memberships.append(Membership(user_id=person.pk, organisation=organisation, role=role))
    active = [o for o in organisations if o.status == Organisation.Status.ACTIVE]
    memberships += [
        Membership(user_id=bench_member.pk, organisation=organisation)
        for organisation in active[:2]
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)


def seed_staff(scale: Scale, rng: random.Random) -> None:
    """The bench admin: an admin with TOTP enrolled, for the admin changelists."""
    admin = User.objects.create(
        email=BENCH_ADMIN_EMAIL, full_name="Bench Admin", password=make_password(BENCH_PASSWORD)
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    set_staff_roles(user=admin, roles={Role.ADMIN})
    TOTP.activate(admin, BENCH_ADMIN_TOTP_SECRET)


def _seeded_people() -> list[User]:
    return list(
        User.objects.filter(email__startswith="person", email__endswith=f"@{BENCH_DOMAIN}")
        .only("pk")
        .order_by("pk")
    )


TOPICS = [
    "Education for shared futures", "Economic cooperation", "Women's leadership",
    "Youth dialogue", "Climate and water", "Trauma and healing", "Media and narratives",
    "Advocacy abroad", "Interfaith encounters", "Joint planning",
]  # fmt: skip
SENTENCES = [
    "Participants agreed that cross-border dialogue needs steady funding.",
    "The table discussed permits, travel and safe meeting places.",
    "Several organisations offered to share curricula and trainers.",
    "Youth programmes need follow-up after each encounter.",
    "Women's groups proposed a joint advocacy visit.",
    "Water and climate projects can bring municipalities together.",
    "Media partners want fewer, better stories told together.",
    "The network should report back to members every quarter.",
]


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def seed_meetings(scale: Scale, rng: random.Random) -> None:
    """Sessions (one a quarter, the latest ahead), round tables, registrations, seats, notes."""
    now = timezone.now()
    people = _seeded_people()
    bench_member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    # Each person's organisations, active ones only (those they could register for).
    homes: dict[int, list[int]] = defaultdict(list)
    for user_id, organisation_id in Membership.objects.filter(
        organisation__status=Organisation.Status.ACTIVE
    ).values_list("user_id", "organisation_id"):
        homes[user_id].append(organisation_id)
    registrants = [person.pk for person in people if person.pk in homes]

    # One session per quarter, counting back from two quarters ahead of today.
    latest = (now.year * 4 + (now.month - 1) // 3) + 2
    formats = list(StrategicSession.Format)
    sessions = []
    for index in range(scale.sessions):
        year, quarter = divmod(latest - index, 4)
        starts_at = datetime.datetime(year, quarter * 3 + 2, 15, 7, tzinfo=datetime.UTC)
        upcoming = starts_at > now
        sessions.append(
            StrategicSession(
                title=f"Strategic session {year} Q{quarter + 1}",
                year=year,
                quarter=quarter + 1,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=8),
                format=formats[index % len(formats)],
                venue_name="Beit Jala Centre" if index % 3 != 2 else "",
                city="Beit Jala" if index % 3 != 2 else "",
                join_url="https://meet.example.org/bench" if index % 3 else "",
                capacity=1000,
                agenda="1. Check-in\n2. Round tables\n3. Joint planning\n",
                status=StrategicSession.Status.OPEN if upcoming else StrategicSession.Status.HELD,
                interpretation_languages=["ar", "he"],
            )
        )
    sessions = StrategicSession.objects.bulk_create(sessions, batch_size=BATCH)

    languages = ["en", "ar", "he"]
    tables = [
        RoundTable(
            session=sessions[index % len(sessions)],
            topic=f"{TOPICS[(index // len(sessions)) % len(TOPICS)]} {index + 1}",
            description=_text(rng, 3),
            language=rng.choice(languages),
            rapporteur_id=rng.choice(people).pk,
            room=f"Room {index % 12 + 1}",
            capacity=40,
        )
        for index in range(scale.round_tables)
    ]
    tables = RoundTable.objects.bulk_create(tables, batch_size=BATCH)
    facilitators = RoundTable.facilitators.through
    facilitators.objects.bulk_create(
        [
            facilitators(roundtable_id=table.pk, user_id=person.pk)
            for table in tables
            for person in rng.sample(people, 2)
        ],
        batch_size=BATCH,
    )

    # Registrations: the same number at every session; the bench member at the ten latest.
    per_session = min(scale.registrations // max(len(sessions), 1), len(registrants))
    statuses = [Registration.Status.CONFIRMED] * 8 + [
        Registration.Status.WAITLISTED,
        Registration.Status.CANCELLED,
    ]
    registrations = []
    for index, session in enumerate(sessions):
        held = session.status == StrategicSession.Status.HELD
        chosen = rng.sample(registrants, per_session)
        if index < 10 and bench_member.pk in homes:
            chosen.append(bench_member.pk)
        for user_id in chosen:
            status = rng.choice(statuses)
            if user_id == bench_member.pk:
                status = Registration.Status.CONFIRMED
            registrations.append(
                Registration(
                    session=session,
                    user_id=user_id,
                    organisation_id=rng.choice(homes[user_id]),
                    registered_by_id=user_id,
                    status=status,
                    interpretation_language=rng.choice(["", "", "ar", "he", "en"]),
                    attended=held
                    and status == Registration.Status.CONFIRMED
                    and rng.random() < 0.9,
                    created_at=session.starts_at - datetime.timedelta(days=rng.randint(3, 40)),
                )
            )
    registrations = Registration.objects.bulk_create(registrations, batch_size=BATCH)

    # Seats: confirmed registrants spread over their session's round tables.
    tables_of: dict[int, list[RoundTable]] = defaultdict(list)
    for table in tables:
        tables_of[table.session_id].append(table)
    RoundTableParticipant.objects.bulk_create(
        [
            RoundTableParticipant(
                round_table=rng.choice(tables_of[registration.session_id]),
                registration_id=registration.pk,
            )
            for registration in registrations
            if registration.status == Registration.Status.CONFIRMED
            and tables_of[registration.session_id]
        ],
        batch_size=BATCH,
    )

    # Notes: mostly published, some at every other status; each with key points, one
    # recommendation and one action.
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    note_statuses = [RoundTableNote.Status.PUBLISHED] * 7 + [
        RoundTableNote.Status.DRAFT,
        RoundTableNote.Status.SUBMITTED,
        RoundTableNote.Status.ARCHIVED,
    ]
    notes = []
    for index in range(scale.notes):
        table = tables[index % len(tables)]
        status = rng.choice(note_statuses)
        created_at = now - datetime.timedelta(days=rng.randint(1, 3650))
        shared = status in (RoundTableNote.Status.PUBLISHED, RoundTableNote.Status.ARCHIVED)
        notes.append(
            RoundTableNote(
                round_table=table,
                author_id=table.rapporteur_id,
                body=_text(rng, rng.randint(8, 30)),
                summary=_text(rng, rng.randint(2, 5)),
                status=status,
                staff_only=index % 20 == 0,
                sign_summary=index % 4 == 0,
                published_at=created_at + datetime.timedelta(days=2) if shared else None,
                created_at=created_at,
                updated_at=created_at,
            )
        )
    notes = RoundTableNote.objects.bulk_create(notes, batch_size=BATCH)
    NoteKeyPoint.objects.bulk_create(
        [
            NoteKeyPoint(note_id=note.pk, text=rng.choice(SENTENCES), position=position)
            for note in notes
            for position in range(2)
        ],
        batch_size=BATCH,
    )
    NoteRecommendation.objects.bulk_create(
        [NoteRecommendation(note_id=note.pk, text=rng.choice(SENTENCES)) for note in notes],
        batch_size=BATCH,
    )
    NoteAction.objects.bulk_create(
        [
            NoteAction(
                note_id=note.pk,
                description=rng.choice(SENTENCES),
                organisation_id=rng.choice(organisations),
                due_on=(note.created_at + datetime.timedelta(days=60)).date(),
            )
            for note in notes
        ],
        batch_size=BATCH,
    )


def seed_priorities(scale: Scale, rng: random.Random) -> None:
    """Priorities under the shipped themes, with champions, provenance, endorsements, updates."""
    themes = list(Theme.objects.order_by("order", "pk"))
    if not themes:
        themes = [Theme.objects.create(name_en="Bench theme", order=1)]
    held = list(
        StrategicSession.objects.filter(status=StrategicSession.Status.HELD).order_by("-starts_at")
    )
    tables = list(RoundTable.objects.order_by("pk").only("pk", "session_id"))
    active = list(Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by("pk"))
    representative_of = dict(
        Membership.objects.filter(role=Membership.Role.REPRESENTATIVE).values_list(
            "organisation_id", "user_id"
        )
    )
    statuses = [
        Priority.Status.PROPOSED,
        Priority.Status.PROPOSED,
        Priority.Status.AGREED,
        Priority.Status.AGREED,
        Priority.Status.IN_PROGRESS,
        Priority.Status.ACHIEVED,
        Priority.Status.SET_ASIDE,
    ]
    ranks: dict[int, int] = defaultdict(int)
    priorities = []
    for number in range(1, scale.priorities + 1):
        theme = themes[number % len(themes)]
        status = rng.choice(statuses) if held else Priority.Status.PROPOSED
        ranks[theme.pk] += 1
        agreed = status in (
            Priority.Status.AGREED,
            Priority.Status.IN_PROGRESS,
            Priority.Status.ACHIEVED,
        )
        title = f"{rng.choice(TOPICS)}: priority {number}"
        priorities.append(
            Priority(
                title_en=title,
                title_ar=title if number % 2 else "",
                title_he=title if number % 3 else "",
                summary_en=_text(rng, 2),
                slug=f"bench-priority-{number:04d}",
                description=_text(rng, 6),
                theme=theme,
                status=status,
                rank=ranks[theme.pk],
                agreed_at_session=rng.choice(held) if agreed else None,
                is_public=agreed and number % 2 == 0,
            )
        )
    priorities = Priority.objects.bulk_create(priorities, batch_size=BATCH)

    # Every priority links one to three of each (so its page shows every provenance section);
    # links to note recommendations only where this checkout has them.
    links = {
        "champions": active,
        "source_sessions": held,
        "source_round_tables": tables,
        "source_recommendations": list(NoteRecommendation.objects.order_by("pk").only("pk")),
    }
    for name, targets in links.items():
        field = getattr(Priority, name, None)
        if field is None or not targets:
            continue
        through = field.through
        column = next(
            f.attname
            for f in through._meta.get_fields()
            if f.many_to_one and f.related_model is not Priority
        )
        through.objects.bulk_create(
            [
                through(priority_id=priority.pk, **{column: target.pk})
                for priority in priorities
                for target in rng.sample(targets, min(len(targets), rng.randint(1, 3)))
            ],
            batch_size=BATCH,
        )

    # Endorsements: spread evenly, one active per organisation and priority; a few withdrawn.
    per_priority = min(scale.endorsements // max(len(priorities), 1), len(active))
    now = timezone.now()
    endorsements = []
    for priority in priorities:
        for organisation in rng.sample(active, per_priority):
            withdrawn = rng.random() < 0.05
            endorsements.append(
                Endorsement(
                    priority=priority,
                    organisation=organisation,
                    endorsed_by_id=representative_of.get(organisation.pk),
                    comment=rng.choice(SENTENCES) if rng.random() < 0.3 else "",
                    created_at=now - datetime.timedelta(days=rng.randint(1, 900)),
                    withdrawn_at=now if withdrawn else None,
                )
            )
    Endorsement.objects.bulk_create(endorsements, batch_size=BATCH)
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                priority=priority,
                happened_on=(now - datetime.timedelta(days=30 * step)).date(),
                body=_text(rng, 3),
            )
            for priority in priorities
            if priority.agreed_at_session_id
            for step in range(3)
        ],
        batch_size=BATCH,
    )


# In order: later seeders may use what earlier ones made.
SEEDERS: list[Callable[[Scale, random.Random], None]] = [
    seed_members,
    seed_staff,
    seed_meetings,
    seed_priorities,
]


@transaction.atomic
def seed(scale: Scale) -> None:
    """Fill an empty, migrated database with a network at `scale`."""
    rng = random.Random(scale.seed)
    for seeder in SEEDERS:
        seeder(scale, rng)
    if connection.vendor == "postgresql":
        # Planner statistics, as a database in service has them: without them PostgreSQL takes
        # the freshly filled tables for empty ones and picks nested loops that take seconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

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
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from members.models import Membership, Organisation, Sector, User

BENCH_DOMAIN = "bench.alliancehub.test"
# The person whose session drives the load: an ordinary member of two organisations.
BENCH_MEMBER_EMAIL = f"member@{BENCH_DOMAIN}"
BENCH_PASSWORD = "bench-only-password-2025"  # noqa: S105 (a throwaway database's fixture)
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """How big a network to seed. Later apps add their own figures here."""

    organisations: int = 1_700
    people: int = 8_000
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


# In order: later seeders may use what earlier ones made.
SEEDERS: list[Callable[[Scale, random.Random], None]] = [
    seed_members,
]


@transaction.atomic
def seed(scale: Scale) -> None:
    """Fill an empty, migrated database with a network at `scale`."""
    rng = random.Random(scale.seed)
    for seeder in SEEDERS:
        seeder(scale, rng)

"""Demo data for the meetings app: the 2025 members' meeting and the next quarter's session.

Run after members.demo.seed_members(), which creates the people who act as rapporteurs; run
alone, the round tables are created without them. Notes record points, never who made them.
"""

import datetime
import zoneinfo
from typing import NamedTuple

from django.utils import timezone

from meetings.models import (
    Registration,
    RoundTable,
    RoundTableNote,
    RoundTableParticipant,
    StrategicSession,
)
from members.demo import (
    DEMO_MEMBER_EMAIL,
    DEMO_RAPPORTEUR_EMAIL,
    DEMO_REPRESENTATIVE_EMAIL,
    sync_row,
)
from members.models import Membership, Organisation, User
from priorities.demo import THEME_NAMES

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")
MEMBERS_MEETING_2025_TITLE = "Members' Meeting 2025"
UPCOMING_TITLE = "Quarterly strategic session: from shared priorities to joint plans"
JOIN_URL_PREFIX = "https://meet.example.org/alliance-hub-"

MEMBERS_MEETING_2025_AGENDA = """\
The first in-person, cross-border strategic gathering of the network's Palestinian and Israeli
members since 7 October 2023, held days after the ceasefire took effect.

1. Welcome and reflections on the past two years
2. Round tables on the four themes (see below)
3. Report-back from each round table
4. Shared priorities, and a quarterly rhythm of strategic sessions
"""

UPCOMING_AGENDA = """\
1. Check-in: what has changed since the Members' Meeting
2. Report on the four themes agreed in Beit Jala
3. Round tables (in the room and online breakouts)
4. Joint planning for the quarter
"""


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JERUSALEM)


class NoteSpec(NamedTuple):
    # Notes have no natural key of their own; the fixed creation time serves as one.
    created_at: datetime.datetime
    status: str
    body: str
    summary: str


class RoundTableSpec(NamedTuple):
    topic: str
    description: str
    language: str
    room: str
    # The demo rapporteur's address, or the slug of an organisation whose first person reports.
    rapporteur_email: str | None
    rapporteur_organisation: str | None
    notes: tuple[NoteSpec, ...]


NS = RoundTableNote.Status

MEMBERS_MEETING_ROUND_TABLES: list[RoundTableSpec] = [
    RoundTableSpec(
        THEME_NAMES[0],
        "Healing within and across communities, and what rebuilding trust between Palestinian"
        " and Israeli organisations requires before new joint initiatives.",
        "en",
        "Hall A",
        DEMO_RAPPORTEUR_EMAIL,
        None,
        (
            NoteSpec(
                _at(2025, 10, 14, 12, 45),
                NS.PUBLISHED,
                "## Points raised\n"
                "- Trust between Palestinian and Israeli organisations has to be rebuilt before"
                " new joint initiatives are launched; announcing projects now would ring hollow.\n"
                "- Intra-community repair comes first: unity within Palestinian civil society,"
                " and facing militarisation and fragmentation within Israeli civil society.\n"
                "- Healing work has to name the power imbalance between the two societies, or it"
                " will not be trusted.\n"
                "- Dialogue should engage ideological differences and reach beyond the"
                " established peace networks, across the political spectrum.\n"
                "- Cross-border work still has its place, next to intra-community work.\n\n"
                "## Agreed next steps\n"
                "- Map which members already run intra-community programmes, before the next"
                " session.\n"
                "- Draft shared principles for joint activities in the months after a"
                " ceasefire.\n",
                "Rebuild trust within each community before launching new joint initiatives;"
                " name the power imbalance; open dialogue beyond the usual peace networks."
                " Next: a map of intra-community programmes.",
            ),
            NoteSpec(
                _at(2025, 10, 20, 18, 0),
                NS.DRAFT,
                "## Follow-up points (draft)\n"
                "- A short guide on holding dialogue sessions when participants are grieving.\n"
                "- Pair organisations doing intra-community work with a peer on the other side,"
                " for quiet learning rather than public events.\n"
                "- To check with the table: should the map of programmes be visible to all"
                " members or to staff only?\n",
                "",
            ),
        ),
    ),
    RoundTableSpec(
        THEME_NAMES[1],
        "Integrating trauma healing and psychosocial support into every peacebuilding and"
        " leadership programme. Held in Arabic with interpretation.",
        "ar",
        "Garden room",
        None,
        "haifa-jenin-health-bridge",
        (
            NoteSpec(
                _at(2025, 10, 14, 13, 0),
                NS.SUBMITTED,
                "## النقاط الرئيسية\n"
                "- الحاجة إلى دمج الدعم النفسي الاجتماعي في جميع برامج بناء السلام والقيادة،"
                " لا أن يبقى نشاطاً منفصلاً.\n"
                "- الممارسات المراعية للصدمات، بما فيها EMDR وبناء الصمود المجتمعي، تتطلب"
                " تدريباً متخصصاً وتمويلاً مستداماً.\n"
                "- رعاية العاملين في الميدان أنفسهم: كثير من الميسّرين يحملون صدماتهم الخاصة.\n"
                "- ربط الرعاية النفسية بالحوار والمشاركة المدنية يساعد المجتمعات على معالجة"
                " الصدمة الجماعية ويحافظ على الالتزام ببناء السلام على المدى الطويل.\n\n"
                "## الخطوات التالية\n"
                "- إعداد قائمة مشتركة بالمعالجين والمدرّبين المتاحين للمنظمات الأعضاء.\n"
                "- تبادل أدوات التقييم بين المنظمات قبل الجلسة القادمة.\n",
                "اتفق المشاركون على أن يكون الدعم النفسي الاجتماعي جزءاً أساسياً من كل برنامج،"
                " وعلى إعداد قائمة مشتركة بالمعالجين والمدرّبين.",
            ),
        ),
    ),
    RoundTableSpec(
        THEME_NAMES[2],
        "Moving beyond generic coexistence language towards narratives of justice,"
        " accountability and empathy; peace education in schools and universities. Held in"
        " Hebrew with interpretation.",
        "he",
        "Library",
        None,
        "kesher-classrooms",
        (
            NoteSpec(
                _at(2025, 10, 14, 13, 10),
                NS.PUBLISHED,
                "## נקודות עיקריות\n"
                "- יש לעבור משפה כללית של דו-קיום לנרטיבים שבמרכזם צדק, אחריותיות ואמפתיה.\n"
                "- הצעה לאסטרטגיית תקשורת מתואמת שתיתן במה לקולות מהשטח משתי הקהילות, לצד"
                " קמפיין משותף על סיפורים של אי-אלימות, חוסן ואנושיות משותפת.\n"
                "- חינוך לשלום צריך להיות ממוסד בבתי ספר ובאוניברסיטאות, ולא להישען רק על"
                " תוכניות העשרה.\n"
                "- נשים ונוער הם סוכני שינוי: יש לשלב אותם בסנגור, במדיניות ובקבלת החלטות.\n"
                "- האתגר כעת: לנסח חלום שיכול לעורר השראה מחדש.\n\n"
                "## צעדים הבאים\n"
                "- מיפוי תוכניות החינוך לשלום הקיימות בקרב הארגונים החברים.\n"
                "- טיוטה ראשונה לקמפיין תקשורת משותף עד המפגש הבא.\n",
                "המשתתפים הסכימו לקדם נרטיבים ממוקדי צדק ואסטרטגיית תקשורת משותפת, ולמפות את"
                " תוכניות החינוך לשלום הקיימות.",
            ),
        ),
    ),
    RoundTableSpec(
        THEME_NAMES[3],
        "Network-wide coordination, shared advocacy, and linking humanitarian aid with"
        " peacebuilding.",
        "en",
        "Hall B",
        None,
        "levant-civic-futures-forum",
        (
            NoteSpec(
                _at(2025, 10, 14, 12, 50),
                NS.ARCHIVED,
                "## Points raised\n"
                "- Coordination across the network is fragmented; members want peer learning,"
                " joint planning and shared advocacy platforms.\n"
                "- The two-state solution was reaffirmed as the basis for a lasting peace.\n\n"
                "_Superseded by the revised note of 16 October._\n",
                "First version, superseded.",
            ),
            NoteSpec(
                _at(2025, 10, 16, 10, 0),
                NS.PUBLISHED,
                "## Points raised\n"
                "- Fragmentation weakens impact: members asked for regular peer learning, joint"
                " planning and a shared advocacy platform, with the hub as the place to"
                " coordinate.\n"
                "- The two-state solution was reaffirmed as a moral and political foundation for"
                " lasting peace, with calls for renewed international engagement, accountability"
                " and respect for human rights.\n"
                "- Humanitarian aid should be linked with peacebuilding, so that immediate relief"
                " also serves long-term reconciliation and stability.\n"
                "- Members have different political needs at this moment; messages to"
                " governments should be coordinated through agreed channels rather than forced"
                " into one voice.\n\n"
                "## Agreed next steps\n"
                "- Staff to propose a quarterly rhythm of joint planning between sessions.\n"
                "- A small group to draft shared advocacy messages for the next round of"
                " meetings with governments.\n",
                "Coordinate through peer learning, joint planning and a shared advocacy platform;"
                " reaffirm the two-state solution; link humanitarian aid with peacebuilding.",
            ),
        ),
    ),
]

UPCOMING_ROUND_TABLES: list[RoundTableSpec] = [
    RoundTableSpec(
        "Peer learning on trauma-informed facilitation",
        "Members who have brought trauma-informed practice into their programmes share what"
        " worked and what did not.",
        "en",
        "Room 1 and online breakout 1",
        None,
        None,
        (),
    ),
    RoundTableSpec(
        "Shared advocacy messages for the year ahead",
        "Drafting the network's coordinated messages to governments.",
        "en",
        "Room 2 and online breakout 2",
        None,
        None,
        (),
    ),
]


def seed_meetings() -> list[StrategicSession]:
    """Create or update the held 2025 members' meeting and an open session next quarter."""
    members_meeting = sync_row(
        StrategicSession,
        lookup={"year": 2025, "quarter": 4, "sequence": 1},
        values={
            "title": MEMBERS_MEETING_2025_TITLE,
            # Days after the ceasefire of 10 October 2025 took effect.
            "starts_at": _at(2025, 10, 14, 9, 30),
            "ends_at": _at(2025, 10, 14, 17, 30),
            "time_zone": "Asia/Jerusalem",
            "format": StrategicSession.Format.IN_PERSON,
            "venue_name": "Hillside Guesthouse conference hall",
            "address": "Beit Jala",
            "city": "Beit Jala",
            "join_url": "",
            "capacity": 90,
            "seats_per_organisation": 4,
            "interpretation_languages": ["ar", "en", "he"],
            "agenda": MEMBERS_MEETING_2025_AGENDA,
            "status": StrategicSession.Status.HELD,
        },
    )
    for spec in MEMBERS_MEETING_ROUND_TABLES:
        _seed_round_table(members_meeting, spec)
    upcoming = _seed_upcoming_session()
    for spec in UPCOMING_ROUND_TABLES:
        _seed_round_table(upcoming, spec)
    _seed_members_meeting_participation(members_meeting)
    _seed_upcoming_registrations(upcoming)
    seed_note_details(members_meeting)
    return [members_meeting, upcoming]


def next_quarter(now: datetime.datetime) -> tuple[int, int]:
    """The (year, quarter) after the one `now` falls in, in Jerusalem time."""
    local = timezone.localtime(now, JERUSALEM)
    quarter = (local.month - 1) // 3 + 1
    return (local.year, quarter + 1) if quarter < 4 else (local.year + 1, 1)


def _second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    first_tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + datetime.timedelta(days=7)


def _seed_upcoming_session() -> StrategicSession:
    """The next quarter's session, created once; a staff member's edits to it are kept."""
    year, quarter = next_quarter(timezone.now())
    # Only before October 2025 would the next quarter be the members' meeting's own.
    sequence = 2 if (year, quarter) == (2025, 4) else 1
    day = _second_tuesday(year, 3 * (quarter - 1) + 1)
    session, _created = StrategicSession.objects.get_or_create(
        year=year,
        quarter=quarter,
        sequence=sequence,
        defaults={
            "title": UPCOMING_TITLE,
            "starts_at": _at(day.year, day.month, day.day, 10, 0),
            "ends_at": _at(day.year, day.month, day.day, 16, 0),
            "time_zone": "Asia/Jerusalem",
            "format": StrategicSession.Format.HYBRID,
            "venue_name": "Olive Court meeting rooms",
            "address": "Nablus Road",
            "city": "Jerusalem",
            "join_url": f"{JOIN_URL_PREFIX}{year}-q{quarter}",
            "capacity": 60,
            "seats_per_organisation": 3,
            "interpretation_languages": ["ar", "en", "he"],
            "registration_closes_at": _at(day.year, day.month, day.day, 10, 0)
            - datetime.timedelta(days=7),
            "agenda": UPCOMING_AGENDA,
            "status": StrategicSession.Status.OPEN,
        },
    )
    return session


def _rapporteur_for(spec: RoundTableSpec) -> User | None:
    if spec.rapporteur_email:
        return User.objects.filter(email__iexact=spec.rapporteur_email).first()
    if spec.rapporteur_organisation:
        membership = (
            Membership.objects.filter(organisation__slug=spec.rapporteur_organisation)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else None
    return None


def _seed_round_table(session: StrategicSession, spec: RoundTableSpec) -> RoundTable:
    """The round table on this topic, with its notes; existing notes are left as they are."""
    rapporteur = _rapporteur_for(spec)
    # (session, topic) is not unique in the schema; take the first rather than risk two.
    round_table = (
        RoundTable.objects.filter(session=session, topic=spec.topic).order_by("pk").first()
    )
    if round_table is None:
        round_table = RoundTable.objects.create(
            session=session,
            topic=spec.topic,
            description=spec.description,
            language=spec.language,
            room=spec.room,
            rapporteur=rapporteur,
        )
    elif round_table.rapporteur_id is None and rapporteur is not None:
        round_table.rapporteur = rapporteur
        round_table.save(update_fields=["rapporteur"])
    # The demo rapporteur login is promised to be this table's rapporteur.
    if spec.rapporteur_email and rapporteur and round_table.rapporteur_id != rapporteur.pk:
        round_table.rapporteur = rapporteur
        round_table.save(update_fields=["rapporteur"])
    for note in spec.notes:
        RoundTableNote.objects.get_or_create(
            round_table=round_table,
            created_at=note.created_at,
            defaults={
                "author": round_table.rapporteur,
                "body": note.body,
                "summary": note.summary,
                "status": note.status,
                "updated_at": note.created_at,
            },
        )
    return round_table


# Registrations, attendance and round-table seats ----------------------------------------------
#
# Written straight to the tables: the registration service only takes registrations while a
# session is open, and the members' meeting was held long ago. Everything is keyed on
# (session, person), so running the seed again adds nothing twice.

MEMBERS_MEETING_SEATS_PER_ORGANISATION = 3
# Every tenth registrant could not come on the day (permits, closures).
MEMBERS_MEETING_ABSENT_EVERY = 10
MEMBERS_MEETING_REGISTERED_ON = _at(2025, 9, 28, 12, 0)
# How many people of each community have registered for the upcoming session so far. Few
# Palestinian registrations yet (permits are still being sought), so staff see the balance
# warning on the session page.
UPCOMING_REGISTRANTS = {
    Organisation.Community.ISRAELI: 8,
    Organisation.Community.PALESTINIAN: 3,
    Organisation.Community.JOINT: 7,
    Organisation.Community.REGIONAL: 3,
    Organisation.Community.INTERNATIONAL: 2,
}
UPCOMING_ROUND_TABLE_CAPACITY = 20
# The demo member and representative are left unregistered for the upcoming session, so that
# whoever tries the demo can register (themselves, or a colleague) and see the emails.
KEEP_UNREGISTERED = {DEMO_MEMBER_EMAIL, DEMO_REPRESENTATIVE_EMAIL}


def _active_memberships() -> list[Membership]:
    return list(
        Membership.objects.filter(
            organisation__status=Organisation.Status.ACTIVE, user__is_active=True
        )
        .select_related("user", "organisation")
        .order_by("organisation__slug", "-role", "pk")
    )


def _register(
    session: StrategicSession,
    membership: Membership,
    *,
    created_at: datetime.datetime,
    **values: object,
) -> Registration:
    registration, _created = Registration.objects.get_or_create(
        session=session,
        user=membership.user,
        defaults={
            "organisation": membership.organisation,
            "registered_by": membership.user,
            "status": Registration.Status.CONFIRMED,
            "created_at": created_at,
            "status_changed_at": created_at,
            **values,
        },
    )
    return registration


def _seed_members_meeting_participation(session: StrategicSession) -> None:
    """Up to three people per active organisation registered; most came; each attendee sat
    at one of the four round tables, facilitated by a representative of each community."""
    per_organisation: dict[int, int] = {}
    chosen = []
    for membership in _active_memberships():
        if membership.user.email == DEMO_REPRESENTATIVE_EMAIL:
            continue  # the demo representative's history starts with the upcoming session
        taken = per_organisation.get(membership.organisation_id, 0)
        is_demo_login = membership.user.email in (DEMO_MEMBER_EMAIL, DEMO_RAPPORTEUR_EMAIL)
        if taken >= MEMBERS_MEETING_SEATS_PER_ORGANISATION and not is_demo_login:
            continue
        per_organisation[membership.organisation_id] = taken + 1
        chosen.append(membership)
    chosen = chosen[: session.capacity or len(chosen)]
    attendees = []
    for index, membership in enumerate(chosen):
        attended = (index + 1) % MEMBERS_MEETING_ABSENT_EVERY != 0 or membership.user.email in (
            DEMO_MEMBER_EMAIL,
            DEMO_RAPPORTEUR_EMAIL,
        )
        needs = {}
        if membership.organisation.community == Organisation.Community.PALESTINIAN:
            needs = {"needs_travel_assistance": True, "travel_details": "Entry permit needed."}
        registration = _register(
            session,
            membership,
            created_at=MEMBERS_MEETING_REGISTERED_ON + datetime.timedelta(minutes=index),
            attended=attended,
            **needs,
        )
        if registration.attended:
            attendees.append(registration)

    tables = list(session.round_tables.order_by("pk"))
    if not tables:
        return
    for index, registration in enumerate(attendees):
        table = tables[index % len(tables)]
        if registration.user.email == DEMO_RAPPORTEUR_EMAIL:
            # The demo rapporteur sits at the table they report on.
            table = next((t for t in tables if t.rapporteur_id == registration.user_id), table)
        RoundTableParticipant.objects.get_or_create(
            round_table=table,
            registration=registration,
            defaults={"created_at": session.starts_at},
        )
    _seed_facilitators(tables, attendees)


def _seed_facilitators(tables: list[RoundTable], attendees: list[Registration]) -> None:
    """Give each table without facilitators one Palestinian and one Israeli (or joint) host."""
    by_community: dict[str, list[User]] = {}
    for registration in attendees:
        by_community.setdefault(registration.organisation.community, []).append(registration.user)
    palestinian = by_community.get(Organisation.Community.PALESTINIAN, [])
    israeli = by_community.get(Organisation.Community.ISRAELI, []) or by_community.get(
        Organisation.Community.JOINT, []
    )
    for index, table in enumerate(tables):
        if table.facilitators.exists():
            continue
        hosts = [pool[index] for pool in (palestinian, israeli) if index < len(pool)]
        table.facilitators.set(hosts)


def _seed_upcoming_registrations(session: StrategicSession) -> None:
    """A first wave of registrations for the upcoming session, and seats at its tables."""
    if session.status != StrategicSession.Status.OPEN:
        return  # staff have moved it on while trying the demo; leave it be
    wanted = dict(UPCOMING_REGISTRANTS)
    seen_organisations: set[int] = set()
    chosen = []
    # One person per organisation, in slug order, until each community's number is reached.
    for membership in _active_memberships():
        community = membership.organisation.community
        if membership.user.email in KEEP_UNREGISTERED or wanted.get(community, 0) <= 0:
            continue
        if membership.organisation_id in seen_organisations:
            continue
        seen_organisations.add(membership.organisation_id)
        wanted[community] -= 1
        chosen.append(membership)
    opened = session.starts_at - datetime.timedelta(days=40)
    registrations = []
    for index, membership in enumerate(chosen):
        needs: dict[str, object] = {}
        if membership.organisation.community == Organisation.Community.PALESTINIAN:
            needs = {
                "interpretation_language": "ar",
                "needs_travel_assistance": True,
                "travel_details": "Needs a permit to reach Jerusalem; could join online instead.",
            }
        elif index % 5 == 0:
            needs = {"dietary_needs": "Vegetarian", "interpretation_language": "he"}
        registrations.append(
            _register(
                session,
                membership,
                created_at=opened + datetime.timedelta(hours=index * 5),
                **needs,
            )
        )
    tables = list(session.round_tables.order_by("pk"))
    for table in tables:
        if table.capacity is None:
            table.capacity = UPCOMING_ROUND_TABLE_CAPACITY
            table.save(update_fields=["capacity"])
    for index, registration in enumerate(registrations[: len(registrations) // 2]):
        if tables and registration.status == Registration.Status.CONFIRMED:
            RoundTableParticipant.objects.get_or_create(
                round_table=tables[index % len(tables)], registration=registration
            )


# Note details: key points, agreed recommendations and actions ---------------------------------
#
# Keyed on the table's position in MEMBERS_MEETING_ROUND_TABLES and the note's creation time
# (the notes' natural key above). Items are added only to a note that has none yet, so running
# the seed again adds nothing twice. Actions stay open, so they show on the next session's page.


class NoteDetails(NamedTuple):
    key_points: tuple[str, ...]
    recommendations: tuple[str, ...]
    # (what, organisation slug or None, due date or None)
    actions: tuple[tuple[str, str | None, datetime.date | None], ...]


NOTE_DETAILS: dict[tuple[int, datetime.datetime], NoteDetails] = {
    (0, _at(2025, 10, 14, 12, 45)): NoteDetails(
        (
            "Trust has to be rebuilt before new joint initiatives are announced.",
            "Intra-community repair comes first, on both sides.",
            "Healing work must name the power imbalance.",
        ),
        (
            "Map the intra-community programmes members already run.",
            "Draft shared principles for joint activities after the ceasefire.",
        ),
        (("Collect the list of intra-community programmes", None, datetime.date(2026, 1, 15)),),
    ),
    (0, _at(2025, 10, 20, 18, 0)): NoteDetails(
        ("A short guide on holding dialogue with grieving participants.",), (), ()
    ),
    (1, _at(2025, 10, 14, 13, 0)): NoteDetails(
        (
            "دمج الدعم النفسي الاجتماعي في جميع برامج بناء السلام.",
            "رعاية العاملين في الميدان أنفسهم.",
        ),
        ("إعداد قائمة مشتركة بالمعالجين والمدرّبين المتاحين للمنظمات الأعضاء.",),
        (("تبادل أدوات التقييم بين المنظمات", "haifa-jenin-health-bridge", None),),
    ),
    (2, _at(2025, 10, 14, 13, 10)): NoteDetails(
        (
            "מעבר משפת דו-קיום כללית לנרטיבים של צדק, אחריותיות ואמפתיה.",
            "חינוך לשלום צריך להיות ממוסד בבתי ספר ובאוניברסיטאות.",
        ),
        (
            "מיפוי תוכניות החינוך לשלום הקיימות בקרב הארגונים החברים.",
            "קמפיין תקשורת משותף על סיפורים של אי-אלימות וחוסן.",
        ),
        (("טיוטה ראשונה לקמפיין תקשורת משותף", "kesher-classrooms", datetime.date(2026, 2, 1)),),
    ),
    (3, _at(2025, 10, 16, 10, 0)): NoteDetails(
        (
            "Fragmentation weakens impact; members want one place to coordinate.",
            "Humanitarian aid should be linked with peacebuilding.",
        ),
        ("A shared advocacy platform for the network's messages to governments.",),
        (
            (
                "Propose a quarterly rhythm of joint planning",
                "levant-civic-futures-forum",
                datetime.date(2026, 1, 31),
            ),
            ("Draft shared advocacy messages", None, None),
        ),
    ),
}

# A staff-only note: what a table asked staff to keep to themselves (a security concern).
STAFF_ONLY_NOTE = NoteSpec(
    _at(2025, 10, 14, 17, 0),
    NS.PUBLISHED,
    "## For staff only\n"
    "- Two participants asked that their organisations' attendance not be mentioned in any"
    " public material, for their safety.\n",
    "Attendance of some organisations is not to be made public.",
)


def seed_note_details(session: StrategicSession) -> None:
    """Key points, recommendations and actions for the members' meeting notes, publication
    times for shared notes, and one staff-only note."""
    tables = {spec.topic: index for index, spec in enumerate(MEMBERS_MEETING_ROUND_TABLES)}
    notes = RoundTableNote.objects.filter(round_table__session=session).select_related(
        "round_table"
    )
    organisations = {org.slug: org for org in Organisation.objects.all()}
    for note in notes:
        if note.status in (NS.PUBLISHED, NS.ARCHIVED) and note.published_at is None:
            RoundTableNote.objects.filter(pk=note.pk).update(published_at=note.created_at)
        details = NOTE_DETAILS.get((tables.get(note.round_table.topic, -1), note.created_at))
        if details is None or note.key_points.exists() or note.recommendations.exists():
            continue
        for position, text in enumerate(details.key_points):
            note.key_points.create(text=text, position=position)
        for position, text in enumerate(details.recommendations):
            note.recommendations.create(text=text, position=position)
        for position, (what, slug, due_on) in enumerate(details.actions):
            note.actions.create(
                description=what,
                organisation=organisations.get(slug) if slug else None,
                due_on=due_on,
                position=position,
            )
    last_table = RoundTable.objects.filter(
        session=session, topic=MEMBERS_MEETING_ROUND_TABLES[-1].topic
    ).first()
    if last_table is not None:
        RoundTableNote.objects.get_or_create(
            round_table=last_table,
            created_at=STAFF_ONLY_NOTE.created_at,
            defaults={
                "author": last_table.rapporteur,
                "body": STAFF_ONLY_NOTE.body,
                "summary": STAFF_ONLY_NOTE.summary,
                "status": STAFF_ONLY_NOTE.status,
                "staff_only": True,
                "published_at": STAFF_ONLY_NOTE.created_at,
                "updated_at": STAFF_ONLY_NOTE.created_at,
            },
        )

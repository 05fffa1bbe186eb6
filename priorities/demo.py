"""Demo data for the priorities app: the four themes of the 2025 members' meeting and the
priorities its round tables drew up, with endorsements, champions and progress updates."""

import datetime
import random
from dataclasses import dataclass
from importlib import import_module

from django.utils import timezone

from priorities.models import Priority, Theme

# The themes ship with the data migration; reuse its list so there is one source of truth.
# (If that migration is ever squashed away, move THEMES to a module both can import.)
THEMES: list[tuple[int, str, str, str, str, str, str, str]] = import_module(
    "priorities.migrations.0002_themes_2025"
).THEMES

THEME_NAMES: list[str] = [theme[2] for theme in THEMES]


def seed_priorities() -> list[Theme]:
    """The four 2025 themes, and under them the priorities drawn from the 2025 meeting."""
    themes = seed_themes()
    seed_priority_content(themes)
    return themes


def seed_themes() -> list[Theme]:
    """Make sure each of the four 2025 themes exists once and is active."""
    themes = []
    for order, colour, name_en, name_ar, name_he, desc_en, desc_ar, desc_he in THEMES:
        # name_en is not unique in the schema: take the first rather than risk two.
        theme = Theme.objects.filter(name_en=name_en).order_by("pk").first()
        if theme is None:
            theme = Theme.objects.create(
                name_en=name_en,
                name_ar=name_ar,
                name_he=name_he,
                description_en=desc_en,
                description_ar=desc_ar,
                description_he=desc_he,
                order=order,
                colour=colour,
                is_active=True,
            )
        elif not theme.is_active:
            # Wording a curator has edited is kept; the demo only needs the theme switched on.
            theme.is_active = True
            theme.save(update_fields=["is_active"])
        themes.append(theme)
    return themes


# --- priorities from the 2025 members' meeting ----------------------------------------------

P = Priority.Status


@dataclass(frozen=True)
class PrioritySpec:
    theme: int  # index into THEMES
    slug: str
    status: str
    title_en: str
    summary_en: str
    title_ar: str = ""
    summary_ar: str = ""
    title_he: str = ""
    summary_he: str = ""
    description: str = ""
    endorsements: int = 0  # how many organisations endorse it
    public: bool = False
    target: datetime.date | None = None
    updates: tuple[tuple[int, str], ...] = ()  # (days after the meeting, Markdown)


MEETING_DAY = datetime.date(2025, 10, 14)

PRIORITIES: list[PrioritySpec] = [
    PrioritySpec(
        0,
        "intra-community-repair-first",
        P.IN_PROGRESS,
        "Repair within each community before new joint initiatives",
        "Rebuild trust among Palestinian and Israeli organisations, starting inside each"
        " community, before launching new joint projects.",
        title_ar="ترميم العلاقات داخل كل مجتمع قبل المبادرات المشتركة الجديدة",
        summary_ar="إعادة بناء الثقة بين المنظمات الفلسطينية والإسرائيلية، بدءاً من داخل كل"
        " مجتمع، قبل إطلاق مشاريع مشتركة جديدة.",
        title_he="תיקון בתוך כל קהילה לפני יוזמות משותפות חדשות",
        summary_he="בנייה מחדש של האמון בין ארגונים פלסטיניים וישראליים, החל מתוך כל קהילה,"
        " לפני השקת פרויקטים משותפים חדשים.",
        description="Members were clear that **trust must be rebuilt before new joint work**"
        " begins. This means:\n\n- supporting unity within Palestinian civil society;\n"
        "- addressing militarisation and fragmentation in Israeli civil society;\n"
        "- naming the power imbalance openly in every shared space.",
        endorsements=14,
        public=True,
        target=datetime.date(2026, 12, 31),
        updates=(
            (21, "Two intra-community listening circles held, one in Ramallah, one in Haifa."),
            (63, "Shared guidelines on power-aware facilitation drafted and sent to members."),
        ),
    ),
    PrioritySpec(
        0,
        "dialogue-across-the-political-spectrum",
        P.AGREED,
        "Spaces for substantive dialogue across the political spectrum",
        "Open dialogue spaces that engage ideological differences and reach beyond the"
        " established peace networks.",
        title_ar="مساحات لحوار جوهري عبر الطيف السياسي",
        summary_ar="فتح مساحات حوار تتعامل مع الخلافات الفكرية وتصل إلى ما هو أبعد من شبكات"
        " السلام المعروفة.",
        title_he="מרחבים לדיאלוג מהותי על פני הקשת הפוליטית",
        summary_he="פתיחת מרחבי דיאלוג שעוסקים במחלוקות אידיאולוגיות ומגיעים אל מעבר לרשתות"
        " השלום המוכרות.",
        endorsements=9,
        public=True,
    ),
    PrioritySpec(
        0,
        "launch-new-joint-initiatives-now",
        P.SET_ASIDE,
        "Launch a wave of new joint initiatives this year",
        "Set aside by the round table: trust-building within communities comes first.",
        endorsements=0,
    ),
    PrioritySpec(
        1,
        "trauma-informed-practice-in-every-programme",
        P.IN_PROGRESS,
        "Trauma-informed practice in every peacebuilding programme",
        "Integrate trauma healing and psychosocial support into all peacebuilding and"
        " leadership programmes of the network's members.",
        title_ar="ممارسات مراعية للصدمات في كل برنامج لبناء السلام",
        summary_ar="دمج معالجة الصدمات والدعم النفسي الاجتماعي في جميع برامج بناء السلام"
        " والقيادة لدى أعضاء الشبكة.",
        title_he="עבודה מודעת-טראומה בכל תוכנית לבניית שלום",
        summary_he="שילוב ריפוי טראומה ותמיכה פסיכו-סוציאלית בכל תוכניות בניית השלום"
        " והמנהיגות של חברי הרשת.",
        endorsements=18,
        public=True,
        target=datetime.date(2026, 6, 30),
        updates=(
            (14, "A working group of six member organisations formed."),
            (45, "First peer-learning session on trauma-informed facilitation, online."),
            (90, "Checklist for trauma-informed programme design shared with all members."),
        ),
    ),
    PrioritySpec(
        1,
        "emdr-and-community-resilience-training",
        P.AGREED,
        "Training in EMDR and community-based resilience",
        "Train facilitators and staff in EMDR and community-based resilience building,"
        " with care for the facilitators themselves.",
        endorsements=7,
    ),
    PrioritySpec(
        1,
        "psychosocial-care-with-civic-engagement",
        P.PROPOSED,
        "Link psychosocial care with dialogue and civic engagement",
        "Help communities process collective trauma while staying engaged in"
        " peacebuilding over the long term.",
        endorsements=4,
    ),
    PrioritySpec(
        2,
        "coordinated-media-strategy",
        P.AGREED,
        "A coordinated media strategy for grassroots voices",
        "Elevate authentic grassroots voices from both communities with narratives of"
        " justice, accountability and empathy.",
        title_ar="استراتيجية إعلامية منسقة لأصوات القاعدة الشعبية",
        summary_ar="إبراز الأصوات الأصيلة من القاعدة الشعبية في المجتمعين بسرديات العدالة"
        " والمساءلة والتعاطف.",
        endorsements=11,
        public=True,
        updates=((30, "Media working group met; a shared calendar of stories is being built."),),
    ),
    PrioritySpec(
        2,
        "stories-of-nonviolence-campaign",
        P.PROPOSED,
        "A joint campaign of stories of nonviolence and shared humanity",
        "A communications campaign highlighting stories of nonviolence, resilience and"
        " shared humanity.",
        endorsements=5,
    ),
    PrioritySpec(
        2,
        "peace-education-in-schools-and-universities",
        P.IN_PROGRESS,
        "Peace education in schools and universities",
        "Institutionalise peace education so that pluralism, nonviolence and coexistence"
        " become core civic values.",
        title_he="חינוך לשלום בבתי ספר ובאוניברסיטאות",
        summary_he="מיסוד החינוך לשלום כך שפלורליזם, אי-אלימות ודו-קיום יהפכו לערכים"
        " אזרחיים מרכזיים.",
        endorsements=16,
        public=True,
        target=datetime.date(2027, 9, 1),
        updates=(
            (35, "Curriculum mapping of existing member programmes completed."),
            (80, "Meeting with two university faculties of education on accredited courses."),
        ),
    ),
    PrioritySpec(
        2,
        "women-and-youth-in-leadership",
        P.AGREED,
        "Women and youth leading in advocacy and decision-making",
        "Put women and youth at the centre of advocacy, policy and decision-making as"
        " agents of change.",
        endorsements=12,
    ),
    PrioritySpec(
        3,
        "quarterly-strategic-sessions",
        P.ACHIEVED,
        "Quarterly in-person strategic sessions",
        "Give the field an ongoing space to coordinate, cooperate and align on strategic"
        " priorities, every quarter.",
        title_ar="جلسات استراتيجية حضورية كل ثلاثة أشهر",
        summary_ar="توفير مساحة دائمة للتنسيق والتعاون والتوافق على الأولويات الاستراتيجية"
        " كل ثلاثة أشهر.",
        title_he="מפגשים אסטרטגיים פנים-אל-פנים מדי רבעון",
        summary_he="מרחב קבוע לתיאום, לשיתוף פעולה ולהסכמה על סדרי עדיפויות אסטרטגיים, מדי רבעון.",
        endorsements=22,
        public=True,
        updates=(
            (7, "Dates saved for the next four quarterly sessions."),
            (60, "Registration for the next session opened on the hub."),
        ),
    ),
    PrioritySpec(
        3,
        "shared-advocacy-to-governments",
        P.IN_PROGRESS,
        "A shared advocacy platform to governments",
        "Coordinated mechanisms through which members deliver their messages to"
        " governments around the world, with renewed international engagement.",
        endorsements=13,
        public=True,
        updates=((50, "Joint briefing paper for foreign ministries in preparation."),),
    ),
    PrioritySpec(
        3,
        "humanitarian-aid-and-peacebuilding",
        P.AGREED,
        "Link humanitarian aid with peacebuilding",
        "Make sure immediate relief contributes to long-term reconciliation and stability.",
        endorsements=10,
    ),
    PrioritySpec(
        3,
        "peer-learning-and-joint-planning",
        P.PROPOSED,
        "Peer learning and joint planning across the network",
        "Strengthen network-wide coordination through peer learning and joint planning,"
        " using the members' hub.",
        endorsements=6,
    ),
]


def seed_priority_content(themes: list[Theme]) -> list[Priority]:
    """Create the demo priorities that do not exist yet; existing ones are left as curated."""
    from meetings.models import StrategicSession

    meeting = StrategicSession.objects.filter(year=2025, quarter=4, sequence=1).first()
    if meeting is None:
        # seed_demo runs the themes first; the priorities need the organisations and the 2025
        # meeting, so make sure they exist (both seeders are idempotent).
        from meetings.demo import seed_meetings
        from members.demo import seed_members

        seed_members()
        seed_meetings()
        meeting = StrategicSession.objects.get(year=2025, quarter=4, sequence=1)
    existing = set(
        Priority.objects.filter(slug__in=[p.slug for p in PRIORITIES]).values_list(
            "slug", flat=True
        )
    )
    return [
        _seed_priority(spec, themes[spec.theme], meeting)
        for spec in PRIORITIES
        if spec.slug not in existing
    ]


def _seed_priority(spec: PrioritySpec, theme: Theme, meeting: object) -> Priority:
    from members.demo import (
        DEMO_MEMBER_ORGANISATION,
        DEMO_REPRESENTATIVE_ORGANISATION,
    )
    from members.models import Membership, Organisation
    from priorities import services

    rng = random.Random(f"2025:{spec.slug}")
    round_table = meeting.round_tables.filter(topic=theme.name_en).first()
    priority = services.create_priority(
        theme=theme,
        title_en=spec.title_en,
        title_ar=spec.title_ar,
        title_he=spec.title_he,
        summary_en=spec.summary_en,
        summary_ar=spec.summary_ar,
        summary_he=spec.summary_he,
        description=spec.description,
        target_date=spec.target,
        slug=spec.slug,
        source_sessions=[meeting],
        source_round_tables=[round_table] if round_table else [],
    )
    active = list(Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by("slug"))
    # The demo representative's organisation endorses about half, so there is something left
    # to endorse; the demo member's organisation champions the trauma-informed practice work.
    endorsers = rng.sample(
        [o for o in active if o.slug != DEMO_REPRESENTATIVE_ORGANISATION],
        min(spec.endorsements, len(active) - 1),
    )
    demo_rep = next((o for o in active if o.slug == DEMO_REPRESENTATIVE_ORGANISATION), None)
    if demo_rep and spec.endorsements and PRIORITIES.index(spec) % 2 == 0:
        endorsers[:1] = [demo_rep]
    representatives = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(
            organisation__in=endorsers, role=Membership.Role.REPRESENTATIVE
        )
        .select_related("user")
        .order_by("pk")
    }
    for organisation in endorsers:
        services.endorse_priority(
            priority=priority,
            organisation=organisation,
            user=representatives.get(organisation.pk),
            comment=rng.choice(["", "", "We work on this every day.", "Count us in."]),
        )

    if spec.status == P.PROPOSED:
        return priority
    if spec.status == P.SET_ASIDE:
        return services.set_priority_aside(priority=priority)
    champions = rng.sample(endorsers or active, min(2, len(endorsers or active)))
    if spec.slug == "trauma-informed-practice-in-every-programme":
        champions += [o for o in active if o.slug == DEMO_MEMBER_ORGANISATION]
    priority.champions.add(*champions)
    services.agree_priority(priority=priority, session=meeting)
    if spec.status in (P.IN_PROGRESS, P.ACHIEVED):
        services.start_priority(priority=priority)
    today = timezone.localdate()
    for days, body in spec.updates:
        champion = champions[len(body) % len(champions)] if champions else None
        author = representatives.get(champion.pk) if champion else None
        services.add_progress_update(
            priority=priority,
            author=author,
            organisation=champion,
            body=body,
            happened_on=min(MEETING_DAY + datetime.timedelta(days=days), today),
        )
    if spec.status == P.ACHIEVED:
        services.achieve_priority(priority=priority)
    if spec.public:
        priority = services.set_priority_public(priority=priority, public=True)
    return priority

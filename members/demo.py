"""Demo data for the members app: fictional organisations, their people and the demo logins.

Every organisation and person here is invented; any likeness to a real organisation is
unintended. Rows the seed owns (organisations) are brought back in line with it on each run;
rows people may change while trying the demo (profiles, memberships, invitations) are only
created when missing. The five demo logins are the exception: their password, verified
address, roles and MFA are enforced on every run, so what the command prints stays true.
"""

import datetime
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from members.models import ContactVisibility, Invitation, Membership, Organisation, Sector, User
from members.permissions import Role
from members.services import set_staff_roles

# Published on purpose: every demo login uses it (and seed_demo refuses to run on production).
DEMO_PASSWORD = "peace-demo-2025"  # noqa: S105
# The base32 secret staff and admin enrol with; add it to any authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_SEED = 2025
DEMO_DOMAIN = "demo.alliancehub.test"

DEMO_MEMBER_EMAIL = f"member@{DEMO_DOMAIN}"
DEMO_REPRESENTATIVE_EMAIL = f"rep@{DEMO_DOMAIN}"
DEMO_RAPPORTEUR_EMAIL = f"rapporteur@{DEMO_DOMAIN}"
DEMO_STAFF_EMAIL = f"staff@{DEMO_DOMAIN}"
DEMO_ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

# Where the three member logins belong (all active, listed organisations).
DEMO_MEMBER_ORGANISATION = "two-springs-dialogue-village"
DEMO_REPRESENTATIVE_ORGANISATION = "nakhla-centre-nonviolent-communication"
DEMO_RAPPORTEUR_ORGANISATION = "shoresh-dialogue-circles"


class DemoAccount(NamedTuple):
    email: str
    role: str


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(DEMO_MEMBER_EMAIL, "Member of Two Springs Dialogue Village (joint)"),
    DemoAccount(
        DEMO_REPRESENTATIVE_EMAIL,
        "Representative of Nakhla Centre for Nonviolent Communication (Palestinian)",
    ),
    DemoAccount(
        DEMO_RAPPORTEUR_EMAIL,
        "Member of Shoresh Dialogue Circles (Israeli); rapporteur at the 2025 Members' Meeting",
    ),
    DemoAccount(DEMO_STAFF_EMAIL, "Staff (TOTP enrolled)"),
    DemoAccount(DEMO_ADMIN_EMAIL, "Admin and superuser (TOTP enrolled)"),
]

C = Organisation.Community
S = Organisation.Status


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name_en: str
    name_ar: str
    name_he: str
    community: str
    city: str
    country: str
    sectors: tuple[str, ...]
    founded_year: int
    description: str
    status: str = S.ACTIVE
    hidden: bool = False


# Jerusalem's status is contested and members name its country differently, so organisations
# there carry the city alone; the directory shows what each organisation would write itself.
ORGANISATIONS: list[OrganisationSpec] = [
    # Israeli
    OrganisationSpec(
        "kesher-classrooms",
        "Kesher Classrooms",
        "",
        "כיתות קשר",
        C.ISRAELI,
        "Tel Aviv-Yafo",
        "Israel",
        ("education", "youth"),
        2009,
        "Pairs Hebrew-speaking and Arabic-speaking school classes for a year of joint projects,"
        " and trains the teachers who lead them.",
    ),
    OrganisationSpec(
        "shoresh-dialogue-circles",
        "Shoresh Dialogue Circles",
        "",
        "מעגלי שיח שורש",
        C.ISRAELI,
        "Jerusalem",
        "",
        ("dialogue", "conflict-transformation"),
        2014,
        "Facilitated dialogue circles inside Israeli society, across religious, political and"
        " generational lines, as groundwork for cross-border encounters.",
    ),
    OrganisationSpec(
        "negev-shared-futures-lab",
        "Negev Shared Futures Lab",
        "مختبر المستقبل المشترك في النقب",
        "מעבדת העתיד המשותף בנגב",
        C.ISRAELI,
        "Be'er Sheva",
        "Israel",
        ("economic-development", "employment"),
        2016,
        "Jewish and Bedouin entrepreneurs in the Negev building businesses, supply chains and"
        " municipal plans together.",
    ),
    OrganisationSpec(
        "second-listening-network",
        "Second Listening Network",
        "",
        "רשת ההקשבה השנייה",
        C.ISRAELI,
        "Jerusalem",
        "",
        ("psychosocial-support",),
        2012,
        "Volunteer therapists offering group support to bereaved families and to facilitators"
        " carrying the weight of their own work.",
    ),
    OrganisationSpec(
        "hed-media-collective",
        "Hed Media Collective",
        "",
        "קולקטיב הד לתקשורת",
        C.ISRAELI,
        "Tel Aviv-Yafo",
        "Israel",
        ("media", "advocacy"),
        2018,
        "Journalists and producers telling stories of nonviolence and shared life that rarely"
        " reach the Hebrew-language news.",
    ),
    OrganisationSpec(
        "western-negev-resilience-circles",
        "Western Negev Resilience Circles",
        "",
        "מעגלי חוסן מערב הנגב",
        C.ISRAELI,
        "Sderot",
        "Israel",
        ("psychosocial-support", "youth"),
        2015,
        "Community-based resilience groups for families and teenagers in the towns and"
        " kibbutzim near Gaza.",
        hidden=True,
    ),
    OrganisationSpec(
        "the-mothers-table",
        "The Mothers' Table",
        "",
        "שולחן האמהות",
        C.ISRAELI,
        "Haifa",
        "Israel",
        ("women", "advocacy"),
        2016,
        "A women's movement pressing for negotiations, with kitchen-table meetings in towns"
        " across the country.",
    ),
    OrganisationSpec(
        "citizens-forum-negotiated-future",
        "Citizens' Forum for a Negotiated Future",
        "",
        "פורום האזרחים לעתיד מוסכם",
        C.ISRAELI,
        "Tel Aviv-Yafo",
        "Israel",
        ("advocacy",),
        2004,
        "Public campaigns and policy papers making the case for a negotiated two-state"
        " agreement to Israeli voters and decision-makers.",
    ),
    OrganisationSpec(
        "ein-kerem-environmental-schoolhouse",
        "Ein Kerem Environmental Schoolhouse",
        "",
        "בית הספר הסביבתי עין כרם",
        C.ISRAELI,
        "Jerusalem",
        "",
        ("environment", "education"),
        2010,
        "Outdoor learning on springs, terraces and shared water for schools from both sides of"
        " the city.",
        status=S.LAPSED,
    ),
    # Palestinian
    OrganisationSpec(
        "sanabel-youth-forum",
        "Sanabel Youth Forum",
        "منتدى سنابل الشبابي",
        "",
        C.PALESTINIAN,
        "Ramallah",
        "Palestine",
        ("youth", "advocacy"),
        2011,
        "Civic leadership training and local volunteering for young people in the central West"
        " Bank.",
    ),
    OrganisationSpec(
        "yasmin-womens-enterprise-circle",
        "Yasmin Women's Enterprise Circle",
        "دائرة الياسمين لريادة النساء",
        "",
        C.PALESTINIAN,
        "Hebron",
        "Palestine",
        ("women", "economic-development", "employment"),
        2013,
        "Savings groups, training and market access for women-led businesses in the southern"
        " West Bank.",
    ),
    OrganisationSpec(
        "nakhla-centre-nonviolent-communication",
        "Nakhla Centre for Nonviolent Communication",
        "مركز نخلة للتواصل اللاعنفي",
        "",
        C.PALESTINIAN,
        "Bethlehem",
        "Palestine",
        ("conflict-transformation", "dialogue"),
        2007,
        "Trains teachers, youth workers and community leaders in nonviolent communication and"
        " mediation.",
    ),
    OrganisationSpec(
        "jenin-storytellers-workshop",
        "Jenin Storytellers' Workshop",
        "ورشة الحكواتيين في جنين",
        "",
        C.PALESTINIAN,
        "Jenin",
        "Palestine",
        ("media", "youth", "education"),
        2015,
        "Young people record and perform the stories of their families and neighbourhoods.",
        hidden=True,
    ),
    OrganisationSpec(
        "jericho-green-oasis",
        "Jericho Green Oasis Initiative",
        "مبادرة واحة أريحا الخضراء",
        "",
        C.PALESTINIAN,
        "Jericho",
        "Palestine",
        ("environment",),
        2017,
        "Water-saving agriculture, date-palm cooperatives and environmental education in the"
        " Jordan Valley.",
    ),
    OrganisationSpec(
        "qantara-civic-advocacy-institute",
        "Qantara Civic Advocacy Institute",
        "معهد قنطرة للمناصرة المدنية",
        "",
        C.PALESTINIAN,
        "Ramallah",
        "Palestine",
        ("advocacy",),
        2005,
        "Research and advocacy for human rights, accountability and a viable Palestinian state.",
    ),
    OrganisationSpec(
        "bayader-psychosocial-network",
        "Bayader Psychosocial Support Network",
        "شبكة بيادر للدعم النفسي الاجتماعي",
        "",
        C.PALESTINIAN,
        "Gaza",
        "Palestine",
        ("psychosocial-support", "women"),
        2010,
        "Counsellors and community volunteers offering group support to children and mothers.",
        hidden=True,
    ),
    OrganisationSpec(
        "beit-jala-hills-education-trust",
        "Beit Jala Hills Education Trust",
        "صندوق تلال بيت جالا للتعليم",
        "",
        C.PALESTINIAN,
        "Beit Jala",
        "Palestine",
        ("education",),
        1998,
        "Scholarships, teacher development and after-school clubs in the Bethlehem governorate.",
    ),
    OrganisationSpec(
        "mizan-young-entrepreneurs-hub",
        "Mizan Young Entrepreneurs Hub",
        "حاضنة ميزان للرياديين الشباب",
        "",
        C.PALESTINIAN,
        "Hebron",
        "Palestine",
        ("employment", "economic-development"),
        2019,
        "An incubator for graduates starting technology and craft businesses.",
    ),
    OrganisationSpec(
        "bethlehem-interfaith-heritage-circle",
        "Bethlehem Interfaith Heritage Circle",
        "حلقة بيت لحم للتراث بين الأديان",
        "",
        C.PALESTINIAN,
        "Bethlehem",
        "Palestine",
        ("interfaith",),
        2008,
        "Muslim and Christian scholars and guides sharing the heritage of the city with"
        " visitors and with each other.",
    ),
    # Joint Israeli-Palestinian
    OrganisationSpec(
        "two-springs-dialogue-village",
        "Two Springs Dialogue Village",
        "قرية الحوار ذات النبعين",
        "כפר הדיאלוג שני מעיינות",
        C.JOINT,
        "Jerusalem",
        "",
        ("dialogue", "education"),
        2001,
        "Residential dialogue seminars for Israelis and Palestinians, from teenagers to"
        " municipal officials.",
    ),
    OrganisationSpec(
        "common-bread-kitchen",
        "Common Bread Kitchen Collective",
        "مطبخ الخبز المشترك",
        "מטבח הלחם המשותף",
        C.JOINT,
        "Jerusalem",
        "",
        ("employment", "economic-development", "women"),
        2015,
        "A catering cooperative that employs and trains Jewish and Arab women as cooks and"
        " managers.",
    ),
    OrganisationSpec(
        "crossing-lines-mediation-centre",
        "Crossing Lines Mediation Centre",
        "مركز عبور الخطوط للوساطة",
        "מרכז חוצים קווים לגישור",
        C.JOINT,
        "Jerusalem",
        "",
        ("conflict-transformation",),
        2008,
        "Israeli and Palestinian mediators working in pairs on neighbourhood and workplace"
        " conflicts.",
    ),
    OrganisationSpec(
        "olive-and-fig-womens-network",
        "Olive and Fig Women's Network",
        "شبكة الزيتون والتين النسائية",
        "רשת הנשים זית ותאנה",
        C.JOINT,
        "Beit Jala",
        "Palestine",
        ("women", "advocacy"),
        2010,
        "Palestinian and Israeli women leaders pressing for women's place at every negotiating"
        " table.",
    ),
    OrganisationSpec(
        "young-cartographers-for-peace",
        "Young Cartographers for Peace",
        "رسّامو الخرائط الشباب من أجل السلام",
        "הקרטוגרפים הצעירים לשלום",
        C.JOINT,
        "Jerusalem",
        "",
        ("youth", "education"),
        2017,
        "Teenagers from both communities map their city's places, names and memories together.",
    ),
    OrganisationSpec(
        "jordan-valley-water-commons",
        "Jordan Valley Water Commons",
        "مشاع مياه وادي الأردن",
        "נחלת המים של בקעת הירדן",
        C.JOINT,
        "Jericho",
        "Palestine",
        ("environment", "advocacy"),
        2013,
        "Farmers and hydrologists from both sides monitoring springs and proposing fair water"
        " sharing.",
    ),
    OrganisationSpec(
        "two-notebooks-project",
        "Two Notebooks Project",
        "مشروع الدفترين",
        "פרויקט שתי המחברות",
        C.JOINT,
        "Haifa",
        "Israel",
        ("education",),
        2011,
        "History teachers writing lessons that set the two peoples' narratives side by side.",
    ),
    OrganisationSpec(
        "haifa-jenin-health-bridge",
        # Typographic en dashes between place names, as in the models' own labels.
        "Haifa–Jenin Health Bridge",  # noqa: RUF001
        "جسر الصحة حيفا–جنين",  # noqa: RUF001
        "גשר הבריאות חיפה–ג'נין",  # noqa: RUF001
        C.JOINT,
        "Haifa",
        "Israel",
        ("psychosocial-support",),
        2006,
        "Clinicians from Haifa and Jenin training each other in trauma care and EMDR.",
    ),
    OrganisationSpec(
        "galilee-shared-youth-council",
        "Galilee Shared Youth Council",
        "مجلس الشباب المشترك في الجليل",
        "מועצת הנוער המשותפת בגליל",
        C.JOINT,
        "Nazareth",
        "Israel",
        ("youth", "dialogue"),
        2014,
        "Arab and Jewish high-school students running a joint council for their towns.",
    ),
    OrganisationSpec(
        "three-wells-interfaith-circle",
        "Three Wells Interfaith Circle",
        "حلقة الآبار الثلاث بين الأديان",
        "מעגל שלוש הבארות הבין-דתי",
        C.JOINT,
        "Jerusalem",
        "",
        ("interfaith", "dialogue"),
        2003,
        "Jewish, Muslim and Christian clergy and lay people studying texts and keeping vigils"
        " together.",
    ),
    OrganisationSpec(
        "shared-code-apprenticeships",
        "Shared Code Apprenticeships",
        "تدريب البرمجة المشترك",
        "התמחויות קוד משותף",
        C.JOINT,
        "Tel Aviv-Yafo",
        "Israel",
        ("employment", "youth"),
        2020,
        "Paid software apprenticeships in mixed teams of Israeli and Palestinian graduates.",
        status=S.APPLICANT,
    ),
    # Regional
    OrganisationSpec(
        "levant-civic-futures-forum",
        "Levant Civic Futures Forum",
        "منتدى المستقبل المدني في المشرق",
        "",
        C.REGIONAL,
        "Amman",
        "Jordan",
        ("advocacy", "dialogue"),
        2012,
        "Convenes civil society from Jordan, Lebanon, Palestine and Israel on regional"
        " cooperation.",
    ),
    OrganisationSpec(
        "red-sea-youth-exchange",
        "Red Sea Youth Exchange",
        "تبادل شباب البحر الأحمر",
        "חילופי נוער ים סוף",
        C.REGIONAL,
        "Aqaba",
        "Jordan",
        ("youth", "environment"),
        2016,
        "Marine-science camps for young people from around the Gulf of Aqaba.",
        status=S.APPLICANT,
    ),
    OrganisationSpec(
        "mashreq-mediation-studies-centre",
        "Mashreq Mediation Studies Centre",
        "مركز المشرق لدراسات الوساطة",
        "",
        C.REGIONAL,
        "Cairo",
        "Egypt",
        ("conflict-transformation", "education"),
        2004,
        "Research and training on mediation and negotiation in the region.",
    ),
    OrganisationSpec(
        "amman-womens-peace-table",
        "Amman Women's Peace Table",
        "طاولة عمّان النسائية للسلام",
        "",
        C.REGIONAL,
        "Amman",
        "Jordan",
        ("women", "advocacy"),
        2018,
        "Women from across the region shaping proposals on security, refugees and reconstruction.",
    ),
    OrganisationSpec(
        "mediterranean-faith-leaders-circle",
        "Mediterranean Faith Leaders' Circle",
        "حلقة القادة الدينيين في المتوسط",
        "מעגל מנהיגי הדת של הים התיכון",
        C.REGIONAL,
        "Nicosia",
        "Cyprus",
        ("interfaith",),
        2009,
        "Religious leaders from around the eastern Mediterranean meeting on neutral ground.",
    ),
    # International
    OrganisationSpec(
        "friends-of-shared-futures-uk",
        "Friends of Shared Futures UK",
        "",
        "",
        C.INTERNATIONAL,
        "London",
        "United Kingdom",
        ("advocacy",),
        2003,
        "Raises funds and political support in the UK for joint Israeli–Palestinian work.",  # noqa: RUF001
    ),
    OrganisationSpec(
        "capitol-peacebuilding-coalition",
        "Capitol Peacebuilding Coalition",
        "",
        "",
        C.INTERNATIONAL,
        "Washington",
        "United States",
        ("advocacy",),
        2008,
        "Briefs legislators on funding for people-to-people peacebuilding.",
        status=S.FORMER,
    ),
    OrganisationSpec(
        "lakeside-institute-trauma-informed-practice",
        "Lakeside Institute for Trauma-Informed Practice",
        "",
        "",
        C.INTERNATIONAL,
        "Geneva",
        "Switzerland",
        ("psychosocial-support", "education"),
        2011,
        "Trains peacebuilders in trauma-informed facilitation and supervises local clinicians.",
    ),
    OrganisationSpec(
        "maple-peace-education-exchange",
        "Maple Peace Education Exchange",
        "",
        "",
        C.INTERNATIONAL,
        "Toronto",
        "Canada",
        ("education", "youth"),
        2014,
        "Links peace-education teachers in the region with schools and universities abroad.",
    ),
    OrganisationSpec(
        "spree-media-fellowship",
        "Spree Media Fellowship",
        "",
        "",
        C.INTERNATIONAL,
        "Berlin",
        "Germany",
        ("media",),
        2016,
        "Fellowships for Israeli and Palestinian journalists to report on each other's societies.",
        status=S.LAPSED,
    ),
]

TIME_ZONES: dict[str, str] = {
    "Palestine": "Asia/Hebron",
    "Jordan": "Asia/Amman",
    "Egypt": "Africa/Cairo",
    "Cyprus": "Asia/Nicosia",
    "United Kingdom": "Europe/London",
    "United States": "America/New_York",
    "Switzerland": "Europe/Zurich",
    "Canada": "America/Toronto",
    "Germany": "Europe/Berlin",
}
GAZA_TIME_ZONE = "Asia/Gaza"
DEFAULT_TIME_ZONE = "Asia/Jerusalem"


class NamePool(NamedTuple):
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    language: str


HEBREW_NAMES = NamePool(
    (
        "Noa", "Yael", "Tamar", "Avi", "Yonatan", "Michal", "Eitan", "Shira", "Roni",
        "Maya", "Ido", "Hila", "Gilad", "Orly", "Nir", "Liat", "Asaf", "Dana",
    ),
    (
        "Levi", "Mizrahi", "Peretz", "Ben-David", "Shapira", "Friedman", "Azoulay", "Golan",
        "Katz", "Rosen", "Harari", "Biton", "Segal", "Amsalem", "Dahan", "Barak",
    ),
    "he",
)  # fmt: skip
ARABIC_NAMES = NamePool(
    (
        "Rania", "Samir", "Lina", "Khaled", "Nour", "Yousef", "Hiba", "Tariq", "Reem",
        "Fadi", "Dina", "Omar", "Maysa", "Rami", "Salma", "Issa", "Jumana", "Wael", "Lama",
    ),
    (
        "Haddad", "Khoury", "Nasser", "Awad", "Saleh", "Qassis", "Mansour", "Hamdan",
        "Darwish", "Odeh", "Jaber", "Shaheen", "Sabbagh", "Khalil", "Atallah", "Musleh",
    ),
    "ar",
)  # fmt: skip
REGIONAL_NAMES = NamePool(
    (
        "Laila", "Karim", "Ahmad", "Mona", "Hassan", "Farah", "Ziad", "Nadia", "Sherif",
        "Rasha", "Tamer", "Yasmine",
    ),
    (
        "Haddadin", "Obeidat", "Mahmoud", "Farouk", "Shawky", "Nassar", "Rifai", "Saad",
        "Khasawneh", "Fahmy",
    ),
    "ar",
)  # fmt: skip
CYPRIOT_NAMES = NamePool(
    ("Andreas", "Eleni", "Christos", "Maria", "Nikos", "Despina"),
    ("Georgiou", "Christodoulou", "Ioannou", "Constantinou", "Charalambous"),
    "en",
)
INTERNATIONAL_NAMES = NamePool(
    (
        "Sarah", "James", "Emma", "David", "Hannah", "Michael", "Claire", "Thomas", "Ingrid",
        "Lukas", "Sophie", "Ben", "Rachel", "Aisha",
    ),
    (
        "Thompson", "Carter", "Mitchell", "Hughes", "Bennett", "Schneider", "Weber", "Martin",
        "Dubois", "Clarke", "Patel", "Okafor",
    ),
    "en",
)  # fmt: skip

LEAD_TITLES = ("Director", "Executive director", "General director")
SECOND_REPRESENTATIVE_TITLES = ("Co-director", "Chair of the board")
MEMBER_TITLES = (
    "Programme manager",
    "Field coordinator",
    "Communications lead",
    "Facilitator",
    "Partnerships officer",
    "Board member",
)
# Titles that only make sense in organisations working in the sector.
SECTOR_TITLES: dict[str, str] = {
    "psychosocial-support": "Clinical supervisor",
    "youth": "Youth coordinator",
    "education": "Teacher trainer",
    "media": "Producer",
    "environment": "Field researcher",
    "employment": "Employment counsellor",
    "interfaith": "Study programme lead",
}


class DemoPerson(NamedTuple):
    email: str
    full_name: str
    preferred_language: str
    languages_spoken: list[str]
    listed_in_directory: bool
    role: str
    title: str


class DemoLogin(NamedTuple):
    email: str
    full_name: str
    preferred_language: str
    organisation: str | None
    role: str
    title: str
    staff_roles: frozenset[Role] = frozenset()


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        DEMO_MEMBER_EMAIL,
        "Maya Ben-Ami",
        "en",
        DEMO_MEMBER_ORGANISATION,
        Membership.Role.MEMBER,
        "Programme coordinator",
    ),
    DemoLogin(
        DEMO_REPRESENTATIVE_EMAIL,
        "Samir Awad",
        "ar",
        DEMO_REPRESENTATIVE_ORGANISATION,
        Membership.Role.REPRESENTATIVE,
        "Director",
    ),
    DemoLogin(
        DEMO_RAPPORTEUR_EMAIL,
        "Dalia Rosen",
        "he",
        DEMO_RAPPORTEUR_ORGANISATION,
        Membership.Role.MEMBER,
        "Facilitator",
    ),
    DemoLogin(DEMO_STAFF_EMAIL, "Hannah Clarke", "en", None, "", "", frozenset({Role.STAFF})),
    DemoLogin(DEMO_ADMIN_EMAIL, "Omar Haddad", "en", None, "", "", frozenset({Role.ADMIN})),
]


class PendingInvitation(NamedTuple):
    email: str
    organisation: str
    role: str
    language: str


PENDING_INVITATIONS: list[PendingInvitation] = [
    PendingInvitation(
        f"lina.odeh@sanabel-youth-forum.{DEMO_DOMAIN}",
        "sanabel-youth-forum",
        Membership.Role.MEMBER,
        "ar",
    ),
    PendingInvitation(
        f"director@common-bread-kitchen.{DEMO_DOMAIN}",
        "common-bread-kitchen",
        Membership.Role.REPRESENTATIVE,
        "en",
    ),
    PendingInvitation(
        f"yonatan.barak@kesher-classrooms.{DEMO_DOMAIN}",
        "kesher-classrooms",
        Membership.Role.MEMBER,
        "he",
    ),
    PendingInvitation(
        f"grace.okafor@friends-of-shared-futures-uk.{DEMO_DOMAIN}",
        "friends-of-shared-futures-uk",
        Membership.Role.MEMBER,
        "en",
    ),
]
INVITATION_LIFETIME = datetime.timedelta(days=14)


@dataclass
class SeededMembers:
    """What seed_members() left in the database, for the command's summary and later seeders."""

    organisations: list[Organisation] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    accounts: dict[str, User] = field(default_factory=dict)
    invitations: list[Invitation] = field(default_factory=list)


class DemoPasswordHash:
    """The demo password, hashed at most once per run and checked once per distinct hash.

    Hashing is deliberately slow (~0.5 s); every seeded person shares one hash, so a rerun
    costs one check instead of one per demo login.
    """

    def __init__(self) -> None:
        self._encoded: str | None = None
        self._verified: set[str] = set()

    def encoded(self) -> str:
        """The hash to store for a new person (or a demo login being put right)."""
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._verified.add(self._encoded)
        return self._encoded

    def matches(self, encoded: str) -> bool:
        """True when `encoded` is a hash of the demo password."""
        if encoded not in self._verified and check_password(DEMO_PASSWORD, encoded):
            self._verified.add(encoded)
        return encoded in self._verified


ModelT = TypeVar("ModelT", bound=models.Model)


def sync_row(model: type[ModelT], *, lookup: dict[str, Any], values: dict[str, Any]) -> ModelT:
    """Create the row, or update only the fields that differ (history records real changes)."""
    row = model._default_manager.filter(**lookup).order_by("pk").first()
    if row is None:
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row


def seed_members() -> SeededMembers:
    """Create or update the demo organisations, their people, the demo logins and invitations."""
    password = DemoPasswordHash()
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    result = SeededMembers()
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = _seed_organisation(spec, sectors)
        organisations[spec.slug] = organisation
        result.organisations.append(organisation)
        for person in _people_of(spec):
            user = _get_or_create_person(
                email=person.email,
                password=password,
                profile={
                    "full_name": person.full_name,
                    "preferred_language": person.preferred_language,
                    "time_zone": _time_zone_of(spec),
                    "languages_spoken": person.languages_spoken,
                    "listed_in_directory": person.listed_in_directory,
                    **_profile_of(spec, person),
                },
            )
            Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                defaults={"role": person.role, "title": person.title},
            )
            result.people.append(user)
    for login in DEMO_LOGINS:
        result.accounts[login.email] = _seed_demo_login(login, organisations, password)
    staff = result.accounts[DEMO_STAFF_EMAIL]
    for pending in PENDING_INVITATIONS:
        result.invitations.append(
            _seed_invitation(pending, organisations[pending.organisation], invited_by=staff)
        )
    for past in PAST_INVITATIONS:
        result.invitations.append(
            _seed_past_invitation(past, organisations[past.organisation], invited_by=staff)
        )
    return result


def _profile_of(spec: OrganisationSpec, person: DemoPerson) -> dict[str, Any]:
    """A short bio and contact settings for a new demo person (never overwritten on reruns).

    Most keep their contact details for staff (the default); some share them with members,
    so the person pages show both cases.
    """
    rng = _rng_for(spec.slug, f"profile:{person.email}")
    first_name = person.full_name.split(" ")[0]
    shares_email = rng.random() < 0.4
    handle = f"signal: {slugify(person.full_name)}.{rng.randint(10, 99)}"
    return {
        "bio": f"{person.title} at {spec.name_en}. {first_name} works from {spec.city}.",
        "email_visibility": (
            ContactVisibility.MEMBERS if shares_email else ContactVisibility.STAFF
        ),
        "messaging_handle": handle if rng.random() < 0.5 else "",
        "messaging_visibility": (
            ContactVisibility.MEMBERS if rng.random() < 0.3 else ContactVisibility.STAFF
        ),
    }


class PastInvitation(NamedTuple):
    email: str
    organisation: str
    state: str  # "expired" or "revoked": so the staff list shows every state


PAST_INVITATIONS: list[PastInvitation] = [
    PastInvitation(
        f"rana.khoury@jericho-green-oasis.{DEMO_DOMAIN}", "jericho-green-oasis", "expired"
    ),
    PastInvitation(
        f"avi.levin@hed-media-collective.{DEMO_DOMAIN}", "hed-media-collective", "revoked"
    ),
]


def _seed_past_invitation(
    past: PastInvitation, organisation: Organisation, *, invited_by: User
) -> Invitation:
    """An expired or revoked invitation, created once and then left as it is."""
    existing = Invitation.objects.filter(
        email__iexact=past.email, organisation=organisation
    ).first()
    if existing is not None:
        return existing
    created = timezone.now() - datetime.timedelta(days=30)
    return Invitation.objects.create(
        email=past.email,
        organisation=organisation,
        role=Membership.Role.MEMBER,
        language="en",
        invited_by=invited_by,
        created_at=created,
        sent_at=created,
        expires_at=created + INVITATION_LIFETIME,
        revoked_at=created + datetime.timedelta(days=2) if past.state == "revoked" else None,
    )


def _seed_organisation(spec: OrganisationSpec, sectors: dict[str, Sector]) -> Organisation:
    rng = _rng_for(spec.slug, "joined")
    joined_on = None
    if spec.status != S.APPLICANT:
        joined_on = datetime.date(
            rng.randint(max(spec.founded_year + 1, 2004), 2023), rng.randint(1, 12), 1
        )
    organisation = sync_row(
        Organisation,
        lookup={"slug": spec.slug},
        values={
            "name_en": spec.name_en,
            "name_ar": spec.name_ar,
            "name_he": spec.name_he,
            "community": spec.community,
            "country": spec.country,
            "city": spec.city,
            "description": spec.description,
            "website": f"https://{spec.slug}.example.org/",
            "founded_year": spec.founded_year,
            "status": spec.status,
            "joined_on": joined_on,
            "visibility": (
                Organisation.Visibility.HIDDEN if spec.hidden else Organisation.Visibility.LISTED
            ),
        },
    )
    # set() only adds and removes the difference, so an unchanged list writes nothing.
    organisation.sectors.set([sectors[slug] for slug in spec.sectors])
    return organisation


def _rng_for(slug: str, purpose: str) -> random.Random:
    # One generator per organisation and purpose (string seeds are hashed with SHA-512, so stable
    # across runs): adding an organisation never renames anyone else's people.
    return random.Random(f"{DEMO_SEED}:{slug}:{purpose}")


def _name_pools(spec: OrganisationSpec) -> list[NamePool]:
    if spec.community == C.ISRAELI:
        return [HEBREW_NAMES]
    if spec.community == C.PALESTINIAN:
        return [ARABIC_NAMES]
    if spec.community == C.JOINT:
        return [ARABIC_NAMES, HEBREW_NAMES]
    if spec.community == C.REGIONAL and spec.country == "Cyprus":
        return [CYPRIOT_NAMES, REGIONAL_NAMES, HEBREW_NAMES]
    if spec.community == C.REGIONAL:
        return [REGIONAL_NAMES]
    return [INTERNATIONAL_NAMES]


def _people_of(spec: OrganisationSpec) -> list[DemoPerson]:
    """Two to four people: a representative first, in some larger ones a second, then members."""
    rng = _rng_for(spec.slug, "people")
    pools = _name_pools(spec)
    count = rng.randint(2, 4)
    second_representative = count == 4 and rng.random() < 0.5
    member_titles = rng.sample(
        MEMBER_TITLES
        + tuple(SECTOR_TITLES[slug] for slug in spec.sectors if slug in SECTOR_TITLES),
        3,
    )
    people: list[DemoPerson] = []
    seen: set[str] = set()
    while len(people) < count:
        pool = pools[len(people) % len(pools)]
        first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
        full_name = f"{first} {last}"
        if full_name in seen:
            continue
        seen.add(full_name)
        if not people:
            role, title = Membership.Role.REPRESENTATIVE, rng.choice(LEAD_TITLES)
        elif len(people) == 1 and second_representative:
            role, title = Membership.Role.REPRESENTATIVE, rng.choice(SECOND_REPRESENTATIVE_TITLES)
        else:
            role, title = Membership.Role.MEMBER, member_titles.pop()
        languages = [pool.language, "en"] if pool.language != "en" else ["en"]
        if spec.community == C.JOINT and rng.random() < 0.5:
            languages.append("he" if pool.language == "ar" else "ar")
        people.append(
            DemoPerson(
                email=f"{slugify(first)}.{slugify(last)}@{spec.slug}.{DEMO_DOMAIN}",
                full_name=full_name,
                preferred_language=pool.language,
                languages_spoken=languages,
                # Most people list themselves; a few keep off their organisation's page.
                listed_in_directory=rng.random() < 0.85,
                role=role,
                title=title,
            )
        )
    return people


def _time_zone_of(spec: OrganisationSpec) -> str:
    if spec.city == "Gaza":
        return GAZA_TIME_ZONE
    return TIME_ZONES.get(spec.country, DEFAULT_TIME_ZONE)


def _get_or_create_person(
    *, email: str, password: DemoPasswordHash, profile: dict[str, Any]
) -> User:
    """The person with this address, created with a verified address if missing."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create(email=email, password=password.encoded(), **profile)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _seed_demo_login(
    login: DemoLogin, organisations: dict[str, Organisation], password: DemoPasswordHash
) -> User:
    """A demo login in exactly the state the command promises: password, address, role, MFA."""
    user = _get_or_create_person(
        email=login.email,
        password=password,
        profile={
            "full_name": login.full_name,
            "preferred_language": login.preferred_language,
            "time_zone": DEFAULT_TIME_ZONE,
            "languages_spoken": sorted({login.preferred_language, "en"}),
            # The member logins show up on their organisation's page; staff have no such page.
            "listed_in_directory": login.organisation is not None,
        },
    )
    if not user.is_active or not password.matches(user.password):
        user.is_active = True
        user.password = password.encoded()
        user.save(update_fields=["is_active", "password"])
    EmailAddress.objects.filter(user=user, email=user.email).update(verified=True, primary=True)
    if login.organisation is not None:
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation=organisations[login.organisation],
            defaults={"role": login.role, "title": login.title},
        )
        if membership.role != login.role:
            membership.role = login.role
            membership.save(update_fields=["role"])
    set_staff_roles(user=user, roles=set(login.staff_roles))
    # The admin login is also a superuser, so it can reach every corner of the Django admin.
    is_superuser = Role.ADMIN in login.staff_roles
    if user.is_superuser != is_superuser:
        user.is_superuser = is_superuser
        user.save(update_fields=["is_superuser"])
    if login.staff_roles:
        _enrol_demo_mfa(user)
    return user


def _enrol_demo_mfa(user: User) -> None:
    """TOTP from the fixed demo secret (unless already enrolled) and a set of recovery codes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)  # returns the existing set when there is one


def _seed_invitation(
    pending: PendingInvitation, organisation: Organisation, *, invited_by: User
) -> Invitation:
    """A pending invitation; a rerun extends one still pending and leaves used ones alone."""
    now = timezone.now()
    invitation = (
        Invitation.objects.filter(email__iexact=pending.email, organisation=organisation)
        .order_by("-created_at")
        .first()
    )
    if invitation is None:
        # Marked as sent, so nothing that sweeps for unsent invitations mails a made-up address.
        return Invitation.objects.create(
            email=pending.email,
            organisation=organisation,
            role=pending.role,
            language=pending.language,
            invited_by=invited_by,
            sent_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save(update_fields=["expires_at"])
    return invitation

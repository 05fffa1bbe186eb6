"""The portal's main pages, with enough data behind them to show what members see on each.

Shared by the accessibility checks and the screenshots: `seed_main_pages` makes a session with
a round table and registrations, priorities with an endorsement and a progress update, and a
second organisation in the directory; `MAIN_PAGES` names each page and how to reach it.
"""

from dataclasses import dataclass

from meetings.models import RoundTableParticipant, StrategicSession
from members.models import Membership, Organisation, User
from priorities.models import Priority, Theme
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import RoundTableFactory, SessionFactory, register
from tests.priorities.factories import EndorsementFactory, PriorityFactory, ProgressUpdateFactory


@dataclass(frozen=True)
class MainPages:
    organisation: Organisation
    session: StrategicSession
    round_table_pk: int
    priority: Priority

    def path(self, template: str) -> str:
        """A path template such as "/sessions/{session}/" with this data's keys filled in."""
        return template.format(
            organisation=self.organisation.slug,
            session=self.session.pk,
            round_table=self.round_table_pk,
            priority=self.priority.pk,
        )


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str  # without the language prefix; {session}-style keys are filled by MainPages.path
    persona: str  # the fixture to sign in as


# The pages every member uses, in the order of the navigation.
MEMBER_PAGES = [
    MainPage("hub home", "/", "member"),
    MainPage("directory", "/directory/", "member"),
    MainPage("organisation page", "/organisations/{organisation}/", "member"),
    MainPage("session list", "/sessions/", "member"),
    MainPage("session detail", "/sessions/{session}/", "member"),
    MainPage("priorities board", "/priorities/", "member"),
    MainPage("priority page", "/priorities/{priority}/", "representative"),
]
OTHER_PAGES = [
    MainPage("settings", "/settings/", "member"),
    MainPage("round-table page", "/sessions/round-tables/{round_table}/", "member"),
    MainPage("staff session form", "/sessions/new/", "staff"),
    MainPage("staff invitation list", "/staff/invitations/", "staff"),
    MainPage("session detail, staff view", "/sessions/{session}/", "staff"),
    MainPage("session registration form", "/sessions/{session}/register/", "representative"),
]


def seed_main_pages(*, organisation: Organisation, member: User, representative: User) -> MainPages:
    """Data for the main pages, seen by `member` and `representative` of `organisation`."""
    organisation.description = "Dialogue circles for young people from both communities."
    organisation.name_ar = "مركز غصن الزيتون للحوار"
    organisation.name_he = "מרכז ענף הזית לדיאלוג"
    organisation.save()
    other = OrganisationFactory(
        name_en="Negev Dialogue",
        slug="negev-dialogue",
        community=Organisation.Community.ISRAELI,
    )
    colleague = MembershipFactory(
        organisation=other,
        role=Membership.Role.REPRESENTATIVE,
        user=UserFactory(email="noa@example.org", full_name="Noa Negev"),
    ).user

    session = SessionFactory(
        title="Quarterly strategic session",
        capacity=30,
        interpretation_languages=["ar", "he"],
        agenda="1. Check-in\n2. Round tables\n3. Joint planning",
    )
    registration = register(session, member)
    register(session, colleague)
    round_table = RoundTableFactory(session=session, topic="Youth and education", capacity=8)
    RoundTableParticipant.objects.create(round_table=round_table, registration=registration)

    themes = list(Theme.objects.filter(is_active=True).order_by("order"))
    priority = PriorityFactory(
        theme=themes[0],
        title_en="Joint youth exchanges",
        summary_en="Bring young people from both communities together every quarter.",
        description="Exchanges **in both directions**, with interpretation.",
    )
    for rank, theme in enumerate(themes, start=2):
        PriorityFactory(theme=theme, title_en=f"Shared plan for {theme.name_en}", rank=rank)
    EndorsementFactory(priority=priority, organisation=other, endorsed_by=colleague)
    ProgressUpdateFactory(priority=priority, body="First exchange planned for the spring.")
    return MainPages(
        organisation=organisation,
        session=session,
        round_table_pk=round_table.pk,
        priority=priority,
    )

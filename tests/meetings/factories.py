"""Factories for the meetings app's tests."""

import datetime
import zoneinfo

import factory
from django.utils import timezone

from meetings.models import Registration, RoundTable, StrategicSession
from meetings.services import register_for_session
from members.models import Organisation, User
from tests.factories import MembershipFactory, UserFactory

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    """A Jerusalem wall-clock time `days` from today."""
    day = timezone.localdate(timezone=JERUSALEM) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=JERUSALEM)


def autumn_clock_change(year: int) -> datetime.date:
    """The day Jerusalem's clocks go back (summer to winter time) in `year`."""
    day = datetime.date(year, 9, 1)
    while day.month < 12:
        today = datetime.datetime.combine(day, datetime.time(12), tzinfo=JERUSALEM)
        tomorrow = today + datetime.timedelta(days=1)
        if tomorrow.utcoffset() < today.utcoffset():
            return day + datetime.timedelta(days=1)
        day += datetime.timedelta(days=1)
    raise LookupError(f"No autumn clock change in {year}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicSession

    title = factory.Sequence(lambda n: f"Strategic session {n}")
    year = factory.Sequence(lambda n: 2030 + n // 4)
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    sequence = 1
    starts_at = factory.LazyFunction(lambda: in_days(30, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=6))
    time_zone = "Asia/Jerusalem"
    format = StrategicSession.Format.HYBRID
    venue_name = "Olive Court"
    address = "Nablus Road"
    city = "Jerusalem"
    join_url = "https://meet.example.org/secret-room"
    capacity = 40
    status = StrategicSession.Status.OPEN


class RoundTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundTable

    session = factory.SubFactory(SessionFactory)
    topic = factory.Sequence(lambda n: f"Round table {n}")
    language = "en"
    room = "Room 1"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written straight to the table (tests of the service use the service)."""

    class Meta:
        model = Registration

    class Params:
        membership = factory.SubFactory(MembershipFactory)

    session = factory.SubFactory(SessionFactory)
    user = factory.LazyAttribute(lambda o: o.membership.user)
    organisation = factory.LazyAttribute(lambda o: o.membership.organisation)
    registered_by = factory.LazyAttribute(lambda o: o.user)
    status = Registration.Status.CONFIRMED


def member_of(organisation: Organisation, **user_fields: object) -> User:
    """A new person with a plain membership in `organisation`."""
    return MembershipFactory(organisation=organisation, user=UserFactory(**user_fields)).user


def register(
    session: StrategicSession,
    person: User,
    organisation: Organisation | None = None,
    *,
    actor: User | None = None,
    **needs: object,
) -> Registration:
    """Register through the service, for the person's first organisation unless one is given."""
    if organisation is None:
        organisation = person.memberships.select_related("organisation").first().organisation
    return register_for_session(
        session=session, person=person, organisation=organisation, actor=actor or person, **needs
    )

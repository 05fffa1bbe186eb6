"""Factories for the priorities tests (sessions and round tables too, as provenance)."""

from datetime import timedelta

import factory
from django.utils import timezone

from meetings.models import RoundTableNote, StrategicSession
from priorities.models import Endorsement, Priority, ProgressUpdate, Theme
from tests.meetings import factories as meetings_factories


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_en = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: 10 + n)


class SessionFactory(meetings_factories.SessionFactory):
    """A session held a month ago (priorities come from held sessions)."""

    year = 2025
    quarter = 4
    sequence = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    format = StrategicSession.Format.IN_PERSON
    status = StrategicSession.Status.HELD


class RoundTableFactory(meetings_factories.RoundTableFactory):
    session = factory.SubFactory(SessionFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundTableNote

    round_table = factory.SubFactory(RoundTableFactory)
    body = "Full record"
    summary = "Summary for all members"
    status = RoundTableNote.Status.PUBLISHED


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    theme = factory.SubFactory(ThemeFactory)
    title_en = factory.Sequence(lambda n: f"Priority {n}")
    summary_en = "What the network wants to achieve."
    slug = factory.Sequence(lambda n: f"priority-number-{n}")
    rank = factory.Sequence(lambda n: n + 1)
    status = Priority.Status.PROPOSED

    class Params:
        agreed = factory.Trait(
            status=Priority.Status.AGREED,
            agreed_at_session=factory.SubFactory(SessionFactory),
        )


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    priority = factory.SubFactory(PriorityFactory)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    priority = factory.SubFactory(PriorityFactory)
    body = "We met the ministry."

"""`manage.py seed_demo` fills the four 2025 themes with priorities drawn from the meeting."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from meetings.models import StrategicSession
from members.demo import DEMO_MEMBER_EMAIL, DEMO_PASSWORD, DEMO_REPRESENTATIVE_EMAIL
from priorities.demo import PRIORITIES, THEME_NAMES
from priorities.models import Endorsement, Priority, ProgressUpdate


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())


def _signed_in(email: str) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    return client


def test_every_theme_has_priorities_from_the_2025_meeting_with_their_record(seeded: None) -> None:
    meeting = StrategicSession.objects.get(year=2025, quarter=4, sequence=1)
    for name in THEME_NAMES:
        priorities = Priority.objects.filter(theme__name_en=name)
        assert priorities.count() >= 3, name
        for priority in priorities:
            assert meeting in priority.source_sessions.all()
            assert priority.source_round_tables.filter(session=meeting, topic=name).exists()
    assert Priority.objects.count() == len(PRIORITIES)
    assert set(Priority.objects.values_list("status", flat=True)) == set(Priority.Status.values)
    agreed = Priority.objects.exclude(status__in=["proposed", "set_aside"])
    assert all(p.agreed_at_session == meeting for p in agreed)
    assert Priority.objects.filter(is_public=True).count() >= 4
    # ...with endorsements, champions and progress updates.
    assert Endorsement.objects.count() >= 100
    assert ProgressUpdate.objects.count() >= 8
    assert all(e.endorsed_by_id for e in Endorsement.objects.all())
    in_progress = Priority.objects.filter(status=Priority.Status.IN_PROGRESS)
    assert all(p.champions.exists() for p in in_progress)


def test_seeding_again_changes_no_priority(seeded: None) -> None:
    before = (Priority.objects.count(), Endorsement.objects.count(), ProgressUpdate.objects.count())
    call_command("seed_demo", stdout=StringIO())
    after = (Priority.objects.count(), Endorsement.objects.count(), ProgressUpdate.objects.count())
    assert before == after


def test_demo_people_find_something_to_do(seeded: None) -> None:
    member = _signed_in(DEMO_MEMBER_EMAIL)
    board = member.get(reverse("priorities:board"))
    assert board.status_code == 200
    champion_page = member.get(
        Priority.objects.get(slug="trauma-informed-practice-in-every-programme").get_absolute_url()
    )
    assert champion_page.context["update_form"] is not None  # their organisation champions it
    representative = _signed_in(DEMO_REPRESENTATIVE_EMAIL)
    open_to_endorse = [
        p
        for p in Priority.objects.filter(status__in=["proposed", "agreed", "in_progress"])
        if representative.get(p.get_absolute_url()).context["endorse_form"] is not None
    ]
    assert open_to_endorse
    assert Client().get(reverse("priorities:public")).status_code == 200

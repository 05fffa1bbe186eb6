"""`manage.py seed_demo`: realistic demo data, idempotent, with logins that really work."""

import re
import time
import zoneinfo
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from allauth.mfa.utils import is_mfa_enabled
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from meetings.demo import JOIN_URL_PREFIX, MEMBERS_MEETING_2025_TITLE, next_quarter
from meetings.models import RoundTableNote, StrategicSession
from members.demo import (
    DEMO_ACCOUNTS,
    DEMO_ADMIN_EMAIL,
    DEMO_MEMBER_EMAIL,
    DEMO_MEMBER_ORGANISATION,
    DEMO_PASSWORD,
    DEMO_RAPPORTEUR_EMAIL,
    DEMO_REPRESENTATIVE_EMAIL,
    DEMO_STAFF_EMAIL,
    DEMO_TOTP_SECRET,
)
from members.models import Invitation, Membership, Organisation, User
from members.permissions import Role, roles_of
from priorities.demo import THEME_NAMES

ARABIC = re.compile(r"[\u0600-\u06FF]")
HEBREW = re.compile(r"[\u0590-\u05FF]")


def seed() -> str:
    """Run the command as a developer would and return what it printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table the seed could touch, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("members", "meetings", "priorities", "account", "mfa")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return f"{hotp_value(secret, counter):0{mfa_settings.TOTP_DIGITS}d}"


@pytest.fixture
def seeded(db: None) -> str:
    return seed()


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_new() -> None:
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first


def test_reseeding_keeps_what_people_changed_but_restores_the_demo_logins(seeded: str) -> None:
    note = RoundTableNote.objects.filter(status=RoundTableNote.Status.DRAFT).first()
    note.body = "Edited while trying the demo."
    note.save()
    member = User.objects.get(email=DEMO_MEMBER_EMAIL)
    member.set_password("someone-changed-it")
    member.save()
    seed()
    note.refresh_from_db()
    member.refresh_from_db()
    assert note.body == "Edited while trying the demo."
    assert member.check_password(DEMO_PASSWORD)


def test_about_forty_organisations_cover_every_community(seeded: str) -> None:
    organisations = Organisation.objects.all()
    assert 35 <= organisations.count() <= 45
    assert {o.community for o in organisations} == set(Organisation.Community.values)
    assert {o.status for o in organisations} == set(Organisation.Status.values)
    hidden = organisations.filter(visibility=Organisation.Visibility.HIDDEN).count()
    assert 2 <= hidden <= 3
    assert not organisations.filter(sectors=None).exists()


def test_organisation_names_are_in_the_right_scripts(seeded: str) -> None:
    organisations = list(Organisation.objects.all())
    assert all(o.name_en for o in organisations)
    assert sum(bool(o.name_ar) for o in organisations) >= 20
    assert sum(bool(o.name_he) for o in organisations) >= 15
    assert all(ARABIC.search(o.name_ar) for o in organisations if o.name_ar)
    assert all(HEBREW.search(o.name_he) for o in organisations if o.name_he)


def test_every_organisation_has_two_to_four_people_and_a_representative(seeded: str) -> None:
    for organisation in Organisation.objects.prefetch_related("memberships"):
        memberships = list(organisation.memberships.all())
        assert 2 <= len(memberships) <= 5, organisation.slug  # 5 where a demo login joined
        assert any(m.role == Membership.Role.REPRESENTATIVE for m in memberships)


def test_every_seeded_person_can_verify_their_address_and_has_a_real_time_zone(
    seeded: str,
) -> None:
    zones = zoneinfo.available_timezones()
    for user in User.objects.all():
        assert user.time_zone in zones
        assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()


def test_demo_member_signs_in_and_sees_their_organisation(seeded: str) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": DEMO_MEMBER_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("members:home"))
    assert home.status_code == 200
    organisation = Organisation.objects.get(slug=DEMO_MEMBER_ORGANISATION)
    assert escape(organisation.name_en) in home.content.decode()


def test_demo_logins_hold_the_roles_they_are_described_with(seeded: str) -> None:
    def roles(email: str) -> frozenset[Role]:
        return roles_of(User.objects.get(email=email))

    assert roles(DEMO_MEMBER_EMAIL) == {Role.MEMBER}
    assert roles(DEMO_RAPPORTEUR_EMAIL) == {Role.MEMBER}
    assert roles(DEMO_REPRESENTATIVE_EMAIL) == {Role.MEMBER}
    assert Membership.objects.get(user__email=DEMO_REPRESENTATIVE_EMAIL).role == (
        Membership.Role.REPRESENTATIVE
    )
    assert roles(DEMO_STAFF_EMAIL) == {Role.STAFF}
    assert roles(DEMO_ADMIN_EMAIL) == {Role.ADMIN}
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_superuser and admin.is_staff
    assert Group.objects.get(name="Staff").user_set.filter(email=DEMO_STAFF_EMAIL).exists()


def test_staff_and_admin_have_totp_and_members_do_not(seeded: str) -> None:
    for email in (DEMO_STAFF_EMAIL, DEMO_ADMIN_EMAIL):
        user = User.objects.get(email=email)
        assert is_mfa_enabled(user, [Authenticator.Type.TOTP])
        assert is_mfa_enabled(user, [Authenticator.Type.RECOVERY_CODES])
    for email in (DEMO_MEMBER_EMAIL, DEMO_REPRESENTATIVE_EMAIL, DEMO_RAPPORTEUR_EMAIL):
        assert not is_mfa_enabled(User.objects.get(email=email))


def test_staff_signs_in_with_the_published_totp_secret(seeded: str) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": DEMO_STAFF_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("members:home")).status_code == 302  # not signed in yet
    response = client.post(
        reverse("mfa_authenticate"), {"code": current_totp_code(DEMO_TOTP_SECRET)}
    )
    assert response.status_code == 302
    assert client.get(reverse("members:home")).status_code == 200


def test_command_prints_the_logins_the_password_and_the_totp_secret(seeded: str) -> None:
    for account in DEMO_ACCOUNTS:
        assert account.email in seeded
    assert DEMO_PASSWORD in seeded
    assert DEMO_TOTP_SECRET in seeded


@pytest.mark.django_db
@override_settings(SITE_URL="https://hub.example.org", DEBUG=False)
def test_command_refuses_a_site_that_looks_like_production() -> None:
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(email=DEMO_ADMIN_EMAIL).exists()


def test_members_meeting_2025_was_held_in_beit_jala_with_four_round_tables(seeded: str) -> None:
    meeting = StrategicSession.objects.get(title=MEMBERS_MEETING_2025_TITLE)
    assert (meeting.year, meeting.quarter, meeting.status) == (2025, 4, "held")
    assert meeting.city == "Beit Jala"
    assert meeting.format == StrategicSession.Format.IN_PERSON
    assert meeting.ends_at < timezone.now()
    local_start = timezone.localtime(meeting.starts_at, zoneinfo.ZoneInfo(meeting.time_zone))
    assert (local_start.year, local_start.month) == (2025, 10)
    assert sorted(meeting.round_tables.values_list("topic", flat=True)) == sorted(THEME_NAMES)
    rapporteur_tables = meeting.round_tables.filter(rapporteur__email=DEMO_RAPPORTEUR_EMAIL)
    assert rapporteur_tables.count() == 1


def test_round_table_notes_come_in_several_states_and_languages(seeded: str) -> None:
    notes = RoundTableNote.objects.filter(round_table__session__title=MEMBERS_MEETING_2025_TITLE)
    assert set(notes.values_list("status", flat=True)) == set(RoundTableNote.Status.values)
    assert any(ARABIC.search(note.body) for note in notes)
    assert any(HEBREW.search(note.body) for note in notes)
    # Notes record points, never speakers: no seeded person's name appears in one.
    names = set(User.objects.values_list("full_name", flat=True))
    for note in notes:
        assert not any(name in note.body or name in note.summary for name in names)


def test_upcoming_session_is_open_next_quarter_in_jerusalem_and_online(seeded: str) -> None:
    year, quarter = next_quarter(timezone.now())
    session = StrategicSession.objects.get(year=year, quarter=quarter)
    assert session.status == StrategicSession.Status.OPEN
    assert session.format == StrategicSession.Format.HYBRID
    assert session.city == "Jerusalem"
    assert session.join_url.startswith(JOIN_URL_PREFIX)
    assert session.starts_at > timezone.now()


def test_pending_invitations_were_sent_by_staff_and_last_two_weeks(seeded: str) -> None:
    invitations = [i for i in Invitation.objects.all() if i.state == Invitation.State.PENDING]
    assert len(invitations) >= 3
    # A past one of each kind, so the staff invitation list shows every state.
    states = {invitation.state for invitation in Invitation.objects.all()}
    assert {Invitation.State.EXPIRED, Invitation.State.REVOKED} <= states
    for invitation in invitations:
        assert invitation.is_usable()
        assert invitation.invited_by.email == DEMO_STAFF_EMAIL
        days_left = (invitation.expires_at - timezone.now()).days
        assert 13 <= days_left <= 14

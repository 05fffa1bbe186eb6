"""A member downloads everything the portal holds about them, and can have it erased."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from members.models import DeletionRequest, Invitation, Membership, User
from members.permissions import roles_of
from tests.conftest import PASSWORD, login_client
from tests.factories import InvitationFactory, UserFactory


@pytest.fixture
def profiled_member(member: User) -> User:
    User.objects.filter(pk=member.pk).update(
        bio="Facilitator of dialogue circles.",
        phone="+970 59 000 0000",
        messaging_handle="@maya",
        languages_spoken=["ar", "he", "en"],
        listed_in_directory=True,
        phone_visibility="members",
    )
    Membership.objects.filter(user=member).update(title="Programme coordinator")
    member.refresh_from_db()
    return member


@pytest.mark.django_db
def test_data_export_holds_the_account_profile_and_memberships(profiled_member, organisation):
    InvitationFactory(
        email=profiled_member.email, organisation=organisation
    ).__class__.objects.filter(email=profiled_member.email).update(accepted_by=profiled_member)
    response = login_client(profiled_member).get(reverse("members:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "member@example.org"
    assert data["account"]["full_name"] == "Maya Member"
    assert data["profile"]["bio"] == "Facilitator of dialogue circles."
    assert data["profile"]["languages_spoken"] == ["ar", "he", "en"]
    assert data["profile"]["phone_visibility"] == "members"
    assert data["notifications"] == {"digest_frequency": "weekly", "session_reminders": True}
    assert data["email_addresses"] == [
        {"email": "member@example.org", "verified": True, "primary": True}
    ]
    [membership] = data["memberships"]
    assert membership["organisation"] == organisation.slug
    assert membership["title"] == "Programme coordinator"
    assert data["invitations_accepted"][0]["organisation"] == organisation.slug


@pytest.mark.django_db
def test_data_export_never_contains_secrets(staff) -> None:
    data = login_client(staff).get(reverse("members:data_export")).content.decode()
    assert "password" not in data.lower() or "pbkdf2" not in data
    assert staff.password not in data
    assert staff.totp_secret not in data
    assert json.loads(data)["two_factor_authentication"][0]["type"] == "totp"


@pytest.mark.django_db
def test_data_export_is_only_ever_ones_own(member, outsider) -> None:
    data = json.loads(login_client(outsider).get(reverse("members:data_export")).content)
    assert data["account"]["email"] == "outsider@example.org"
    assert "member@example.org" not in json.dumps(data)


@pytest.mark.django_db
def test_deletion_needs_the_password(profiled_member) -> None:
    client = login_client(profiled_member)
    response = client.post(
        reverse("members:delete_account"), {"password": "wrong", "confirm": "on"}
    )
    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    profiled_member.refresh_from_db()
    assert profiled_member.is_active and profiled_member.erased_at is None


@pytest.mark.django_db
def test_deletion_deactivates_and_erases_but_keeps_content_unattributed(
    profiled_member, organisation, staff
) -> None:
    from meetings.models import RoundTable, RoundTableNote, StrategicSession

    session = StrategicSession.objects.create(
        title="Spring session",
        year=2026,
        quarter=2,
        starts_at="2026-04-01T09:00:00Z",
        ends_at="2026-04-01T17:00:00Z",
        format="online",
    )
    table = RoundTable.objects.create(session=session, topic="Water")
    note = RoundTableNote.objects.create(
        round_table=table, author=profiled_member, body="Shared wells."
    )
    sent = InvitationFactory(organisation=organisation, invited_by=profiled_member)
    user_id = profiled_member.pk

    client = login_client(profiled_member)
    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()

    user = User.objects.get(pk=user_id)
    assert not user.is_active
    assert user.erased_at is not None
    assert not user.has_usable_password()
    for value in ("Maya", "member@example.org", "dialogue circles", "+970", "@maya"):
        assert value not in json.dumps(
            [user.email, user.full_name, user.bio, user.phone, user.messaging_handle]
        )
    assert user.languages_spoken == []
    assert not user.listed_in_directory
    assert str(user) == "Former member"
    assert not Membership.objects.filter(user_id=user_id).exists()
    assert not EmailAddress.objects.filter(user_id=user_id).exists()
    assert roles_of(user) == frozenset()
    # What they wrote stays, without their name.
    note.refresh_from_db()
    assert note.body == "Shared wells."
    assert note.author is None
    sent.refresh_from_db()
    assert sent.invited_by is None
    # They are signed out and cannot sign in again.
    assert client.get(reverse("members:home")).status_code == 302
    assert not Client().login(email="member@example.org", password=PASSWORD)
    # Staff see the request in the admin, carried out.
    request = DeletionRequest.objects.get()
    assert request.user_id == user_id and request.completed_at is not None
    admin_page = login_client(staff).get(reverse("admin:members_deletionrequest_changelist"))
    assert admin_page.status_code == 200
    assert f"#{user_id}" in admin_page.content.decode()


@pytest.mark.django_db
def test_deletion_removes_second_factors(staff) -> None:
    from members.services import request_account_deletion

    request_account_deletion(user=staff)
    assert not Authenticator.objects.filter(user=staff).exists()
    staff.refresh_from_db()
    assert not staff.is_staff
    assert not staff.groups.exists()


@pytest.mark.django_db
def test_an_erased_address_can_be_invited_again(member, organisation) -> None:
    from members.services import invite_member, request_account_deletion

    request_account_deletion(user=member)
    invitation = invite_member(
        email="member@example.org",
        organisation=organisation,
        role="member",
        language="en",
        invited_by=None,
    )
    assert invitation.state == Invitation.State.PENDING
    assert UserFactory._meta.model.objects.filter(email="member@example.org").count() == 0


@pytest.mark.django_db
def test_data_export_includes_rows_other_apps_hold_about_the_person(member) -> None:
    from meetings.models import RoundTable, RoundTableNote, StrategicSession

    session = StrategicSession.objects.create(
        title="Spring session",
        year=2026,
        quarter=2,
        starts_at="2026-04-01T09:00:00Z",
        ends_at="2026-04-01T17:00:00Z",
        format="online",
    )
    table = RoundTable.objects.create(session=session, topic="Water")
    RoundTableNote.objects.create(round_table=table, author=member, body="Shared wells.")
    data = json.loads(login_client(member).get(reverse("members:data_export")).content)
    [note] = data["other_records"]["meetings.roundtablenote.author"]
    assert note["body"] == "Shared wells."

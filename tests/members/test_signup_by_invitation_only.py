"""There is no open sign-up: only a usable invitation in the session opens the form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.invitations import SIGNUP_SESSION_KEY
from members.models import User
from tests.factories import InvitationFactory

SIGNUP_POST = {
    "email": "newcomer@example.org",
    "full_name": "New Comer",
    "password1": "a-long-unusual-password-7",
    "password2": "a-long-unusual-password-7",
}


def _client_with_invitation(invitation) -> Client:
    client = Client()
    session = client.session
    session[SIGNUP_SESSION_KEY] = invitation.pk
    session.save()
    return client


@pytest.mark.django_db
def test_signup_is_closed_without_an_invitation() -> None:
    client = Client()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "Sign-up is by invitation" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()

    client.post(reverse("account_signup"), SIGNUP_POST)
    assert not User.objects.filter(email="newcomer@example.org").exists()


@pytest.mark.django_db
def test_a_usable_invitation_opens_signup() -> None:
    invitation = InvitationFactory(email="newcomer@example.org")
    page = _client_with_invitation(invitation).get(reverse("account_signup"))
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"revoked_at": timezone.now()},
        {"accepted_at": timezone.now()},
    ],
    ids=["expired", "revoked", "already-used"],
)
def test_an_unusable_invitation_keeps_signup_closed(state: dict) -> None:
    invitation = InvitationFactory(email="newcomer@example.org", **state)
    client = _client_with_invitation(invitation)
    page = client.get(reverse("account_signup"))
    assert "Sign-up is by invitation" in page.content.decode()
    client.post(reverse("account_signup"), SIGNUP_POST)
    assert not User.objects.filter(email="newcomer@example.org").exists()


@pytest.mark.django_db
def test_signing_up_through_an_invitation_joins_its_organisation() -> None:
    invitation = InvitationFactory(email="newcomer@example.org")
    client = _client_with_invitation(invitation)
    response = client.post(reverse("account_signup"), SIGNUP_POST)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.org")
    assert user.full_name == "New Comer"
    assert user.memberships.get().organisation == invitation.organisation
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

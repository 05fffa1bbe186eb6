"""The invitation lifecycle: invite, email, accept, expire, revoke, resend, reuse, existing
account, and the staff pages."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.invitations import make_invitation_token
from members.models import Invitation, Membership, Organisation, User
from members.services import invite_member, resend_invitation, revoke_invitation
from tests.conftest import login_client
from tests.factories import InvitationFactory, OrganisationFactory, UserFactory

PASSWORD = "a-long-unusual-password-7"


def _staff_client(staff: User) -> Client:
    # The staff persona has TOTP enrolled, which is what the MFA gate in front of staff pages
    # asks for; signing in through the second step is tested in test_mfa_for_staff.
    return login_client(staff)


def _link_path(invitation: Invitation) -> str:
    return reverse("members:accept_invitation", args=[make_invitation_token(invitation)])


def _invite(staff: User, organisation: Organisation, email: str = "newcomer@example.org", **extra):
    data = {"email": email, "organisation": organisation.pk, "role": "member", "language": "en"}
    data.update(extra)
    return _staff_client(staff).post(reverse("members:invite"), data)


@pytest.mark.django_db
def test_staff_invite_sends_the_email_in_the_invitees_language(
    staff, organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(staff, organisation, language="ar", role="representative")
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="newcomer@example.org")
    assert invitation.invited_by == staff
    assert invitation.role == Membership.Role.REPRESENTATIVE
    assert invitation.sent_at is not None
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )
    [message] = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert "/ar/invitations/" in message.body  # the link opens the hub in Arabic
    html, _mimetype = message.alternatives[0]
    assert 'lang="ar"' in html
    assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_the_task_sends_once_however_often_it_runs(organisation) -> None:
    from members.tasks import send_invitation_email_task

    invitation = InvitationFactory(organisation=organisation)
    assert send_invitation_email_task(invitation.pk) is True
    assert send_invitation_email_task(invitation.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_accepting_opens_signup_with_the_email_fixed_and_verified(organisation) -> None:
    invitation = InvitationFactory(email="newcomer@example.org", organisation=organisation)
    client = Client()
    page = client.get(_link_path(invitation))
    assert page.status_code == 200
    assert "newcomer@example.org" in page.content.decode()
    # GET does not use the invitation (mail scanners follow links).
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    response = client.post(_link_path(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")
    signup = client.get(reverse("account_signup")).content.decode()
    assert 'value="newcomer@example.org"' in signup
    assert "disabled" in signup

    # A different address in the POST is ignored: the field is fixed.
    response = client.post(
        reverse("account_signup"),
        {
            "email": "someone-else@example.org",
            "full_name": "New Comer",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not User.objects.filter(email="someone-else@example.org").exists()
    user = User.objects.get(email="newcomer@example.org")
    assert EmailAddress.objects.get(user=user).verified  # no second verification needed
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower()]
    assert user.memberships.get().organisation == organisation
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # Signed in straight away, at the hub home.
    assert client.get(reverse("members:home")).status_code == 200


@pytest.mark.django_db
def test_an_invitation_link_works_once(organisation) -> None:
    invitation = InvitationFactory(email="newcomer@example.org", organisation=organisation)
    client = Client()
    client.post(_link_path(invitation))
    client.post(
        reverse("account_signup"),
        {"full_name": "New Comer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.filter(email="newcomer@example.org").exists()
    reuse = Client().get(_link_path(invitation))
    assert reuse.status_code == 410
    assert "already been used" in reuse.content.decode()
    Client().post(_link_path(invitation))
    assert Membership.objects.filter(organisation=organisation).count() == 1


@pytest.mark.django_db
def test_an_expired_invitation_is_refused(organisation) -> None:
    invitation = InvitationFactory(
        organisation=organisation, expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    response = client.get(_link_path(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post(_link_path(invitation)).status_code == 410
    assert "Sign-up is by invitation" in client.get(reverse("account_signup")).content.decode()


@pytest.mark.django_db
def test_a_revoked_invitation_is_refused(organisation, staff) -> None:
    invitation = InvitationFactory(organisation=organisation, invited_by=staff)
    response = _staff_client(staff).post(reverse("members:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    page = Client().get(_link_path(invitation))
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()


@pytest.mark.django_db
def test_revoking_after_the_link_was_opened_closes_signup(organisation) -> None:
    invitation = InvitationFactory(email="newcomer@example.org", organisation=organisation)
    client = Client()
    client.post(_link_path(invitation))
    revoke_invitation(invitation=invitation)
    client.post(
        reverse("account_signup"),
        {"full_name": "New Comer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="newcomer@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x1", "not-a-token", "eyJpZCI6MX0:1abc:def"])
def test_a_forged_or_broken_link_is_404(token: str) -> None:
    response = Client().get(reverse("members:accept_invitation", args=[token]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_link_for_another_invitation_address_is_refused(organisation) -> None:
    invitation = InvitationFactory(email="first@example.org", organisation=organisation)
    token = make_invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(email="changed@example.org")
    assert Client().get(reverse("members:accept_invitation", args=[token])).status_code == 404


@pytest.mark.django_db
def test_resend_renews_the_expiry_and_sends_again(
    organisation, staff, django_capture_on_commit_callbacks
) -> None:
    invitation = InvitationFactory(
        organisation=organisation,
        expires_at=timezone.now() - timedelta(days=1),
        sent_at=timezone.now() - timedelta(days=15),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _staff_client(staff).post(
            reverse("members:invitation_resend", args=[invitation.pk])
        )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    assert Client().get(_link_path(invitation)).status_code == 200


@pytest.mark.django_db
def test_revoked_or_accepted_invitations_cannot_be_resent(organisation) -> None:
    from django.core.exceptions import ValidationError

    revoked = InvitationFactory(organisation=organisation, revoked_at=timezone.now())
    accepted = InvitationFactory(organisation=organisation, accepted_at=timezone.now())
    for invitation in (revoked, accepted):
        with pytest.raises(ValidationError):
            resend_invitation(invitation=invitation)
    with pytest.raises(ValidationError):
        revoke_invitation(invitation=accepted)


@pytest.mark.django_db
def test_inviting_an_existing_account_adds_the_membership(
    staff, member, django_capture_on_commit_callbacks
) -> None:
    other = OrganisationFactory(name_en="Second Home Network")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(staff, other, email="MEMBER@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="member@example.org").count() == 1
    assert Membership.objects.filter(user=member, organisation=other).exists()
    invitation = Invitation.objects.get(organisation=other)
    assert invitation.state == Invitation.State.ACCEPTED
    assert invitation.accepted_by == member
    [message] = mail.outbox
    assert "Second Home Network" in message.subject
    assert "/invitations/" not in message.body  # a notice, not a sign-up link


@pytest.mark.django_db
def test_accepting_when_an_account_exists_adds_the_membership_and_sends_to_login(member) -> None:
    other = OrganisationFactory(name_en="Second Home Network")
    # Invited before the account existed (e.g. by two organisations at once).
    invitation = InvitationFactory(email="member@example.org", organisation=other)
    client = Client()
    page = client.get(_link_path(invitation))
    assert "already has an account" in page.content.decode()
    response = client.post(_link_path(invitation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Membership.objects.filter(user=member, organisation=other).exists()
    assert User.objects.filter(email__iexact="member@example.org").count() == 1


@pytest.mark.django_db
def test_inviting_twice_or_an_existing_member_is_a_form_error(staff, member, organisation):
    response = _invite(staff, organisation, email="member@example.org")
    assert response.status_code == 200
    assert "already belongs" in response.content.decode()
    _invite(staff, organisation, email="twice@example.org")
    response = _invite(staff, organisation, email="Twice@example.org")
    assert response.status_code == 200
    assert "open invitation" in response.content.decode()
    assert Invitation.objects.filter(email="twice@example.org").count() == 1


@pytest.mark.django_db
def test_staff_see_every_state_and_who_invited_whom(staff, organisation) -> None:
    now = timezone.now()
    inviter = UserFactory(full_name="Ines Inviter")
    InvitationFactory(email="pending@example.org", organisation=organisation, invited_by=inviter)
    InvitationFactory(email="accepted@example.org", organisation=organisation, accepted_at=now)
    InvitationFactory(
        email="expired@example.org", organisation=organisation, expires_at=now - timedelta(1)
    )
    InvitationFactory(email="revoked@example.org", organisation=organisation, revoked_at=now)
    client = _staff_client(staff)
    html = client.get(reverse("members:invitation_list")).content.decode()
    for state in ("pending", "accepted", "expired", "revoked"):
        assert f"{state}@example.org" in html
    assert "Ines Inviter" in html
    for state in ("pending", "accepted", "expired", "revoked"):
        page = client.get(reverse("members:invitation_list"), {"state": state}).content.decode()
        assert f"{state}@example.org" in page
        others = {"pending", "accepted", "expired", "revoked"} - {state}
        assert not any(f"{other}@example.org" in page for other in others)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "representative", "outsider"])
def test_only_staff_may_use_the_invitation_pages(
    request: pytest.FixtureRequest, organisation, persona: str
) -> None:
    invitation = InvitationFactory(organisation=organisation)
    client = login_client(request.getfixturevalue(persona))
    assert client.get(reverse("members:invitation_list")).status_code == 403
    assert client.get(reverse("members:invite")).status_code == 403
    assert (
        client.post(reverse("members:invitation_revoke", args=[invitation.pk])).status_code == 403
    )
    assert (
        client.post(reverse("members:invitation_resend", args=[invitation.pk])).status_code == 403
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.django_db
def test_staff_without_mfa_are_sent_to_enrol(staff_without_mfa) -> None:
    response = login_client(staff_without_mfa).get(reverse("members:invitation_list"))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


@pytest.mark.django_db
def test_invite_member_service_normalises_the_address(organisation, staff) -> None:
    invitation = invite_member(
        email="  Mixed.Case@Example.org ",
        organisation=organisation,
        role="member",
        language="he",
        invited_by=staff,
    )
    assert invitation.email == "mixed.case@example.org"

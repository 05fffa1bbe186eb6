"""Staff and admins must enrol MFA before the Django admin (or any staff page) opens."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.conftest import PASSWORD, login_client, totp_code


@pytest.mark.django_db
def test_staff_without_mfa_is_sent_to_enrol_when_opening_admin(staff_without_mfa: User) -> None:
    response = login_client(staff_without_mfa).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_without_mfa_cannot_reach_an_admin_changelist(staff_without_mfa: User) -> None:
    response = login_client(staff_without_mfa).get("/admin/members/organisation/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_admin_without_mfa_is_sent_to_enrol(db: None) -> None:
    from members.permissions import Role
    from members.services import set_staff_roles
    from tests.factories import UserFactory

    admin = set_staff_roles(user=UserFactory(), roles={Role.ADMIN})
    response = login_client(admin).get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_signs_in_with_password_and_totp_then_reaches_admin(staff: User) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the admin still sends the visitor to sign in.
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})
    assert response.status_code == 302
    admin_page = client.get("/admin/")
    assert admin_page.status_code == 200
    assert "Site administration" in admin_page.content.decode()


@pytest.mark.django_db
def test_a_wrong_totp_code_does_not_sign_staff_in(staff: User) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_member_cannot_open_the_admin(member: User) -> None:
    response = login_client(member).get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "mfa" not in response["Location"]


@pytest.mark.django_db
def test_member_needs_no_mfa_for_the_hub(member: User) -> None:
    assert login_client(member).get(reverse("members:home")).status_code == 200


@pytest.mark.django_db
def test_totp_secrets_are_stored_encrypted(staff: User) -> None:
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data
    assert staff.totp_secret not in str(stored)

"""Personas and shared fixtures. Every persona has a verified email and the same password."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client

from members.models import Membership, Organisation, User
from members.permissions import Role
from members.services import set_staff_roles
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Tests make many people; the production hasher would spend most of the suite's time."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and TOTP replay guards live in the cache: start every test clean."""
    cache.clear()


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_en="Olive Branch Dialogue Centre", slug="olive-branch")


@pytest.fixture
def outsider(db: None) -> User:
    """Has an account but no active organisation and no staff role."""
    return UserFactory(email="outsider@example.org", full_name="Omar Outsider")


@pytest.fixture
def member(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="member@example.org", full_name="Maya Member"),
    ).user


@pytest.fixture
def representative(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation,
        role=Membership.Role.REPRESENTATIVE,
        user=UserFactory(email="rep@example.org", full_name="Rami Representative"),
    ).user


def _with_totp(user: User) -> User:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret
    return user


@pytest.fixture
def staff_without_mfa(db: None) -> User:
    user = UserFactory(email="staff-nomfa@example.org", full_name="Sami Staff")
    return set_staff_roles(user=user, roles={Role.STAFF})


@pytest.fixture
def staff(db: None) -> User:
    user = UserFactory(email="staff@example.org", full_name="Shira Staff")
    return _with_totp(set_staff_roles(user=user, roles={Role.STAFF}))


@pytest.fixture
def admin_user(db: None) -> User:
    user = UserFactory(email="admin@example.org", full_name="Adam Admin")
    return _with_totp(set_staff_roles(user=user, roles={Role.ADMIN}))


def totp_code(secret: str) -> str:
    """The current TOTP code for a secret, as an authenticator app would show it."""
    import time

    from allauth.mfa import app_settings

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return f"{hotp_value(secret, counter):0{app_settings.TOTP_DIGITS}d}"


def login_client(user: User) -> Client:
    """A client signed in as `user`, as if through the login page and MFA."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client

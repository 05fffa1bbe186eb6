"""Fixtures for the meetings tests: sessions in each status, and registering through the service."""

import pytest

from meetings.models import StrategicSession
from members.models import Organisation
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """These tests create many people; their passwords need not resist an attacker."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_session(db: None) -> StrategicSession:
    return SessionFactory(title="Quarterly strategic session", capacity=40)


@pytest.fixture
def draft_session(db: None) -> StrategicSession:
    return SessionFactory(title="A draft nobody should see", status=StrategicSession.Status.DRAFT)


@pytest.fixture
def palestinian_org(db: None) -> Organisation:
    return OrganisationFactory(
        name_en="Hebron Youth Forum", community=Organisation.Community.PALESTINIAN
    )


@pytest.fixture
def israeli_org(db: None) -> Organisation:
    return OrganisationFactory(name_en="Negev Dialogue", community=Organisation.Community.ISRAELI)

"""Sign-in behaviour that protects people: verification, rate limits, no account enumeration."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import StrategicSession
from members.models import User
from tests.conftest import PASSWORD, login_client


@pytest.mark.django_db
def test_member_signs_in_and_sees_the_hub_home(member: User) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Olive Branch Dialogue Centre" in home.content.decode()


@pytest.mark.django_db
def test_email_must_be_verified_before_signing_in(member: User) -> None:
    EmailAddress.objects.filter(user=member).update(verified=False)
    client = Client()
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert client.get(reverse("members:home")).status_code == 302  # still signed out
    assert len(mail.outbox) == 1  # a fresh verification link was sent instead


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited(member: User) -> None:
    client = Client()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong-guess"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    # The right password is refused too.
    assert client.get(reverse("members:home")).status_code == 302


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(member: User) -> None:
    known = Client().post(reverse("account_reset_password"), {"email": member.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
def test_person_without_an_active_organisation_is_refused_the_hub(outsider: User) -> None:
    assert login_client(outsider).get(reverse("members:home")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("time_zone", "shown"), [("Asia/Jerusalem", "10:00"), ("America/New_York", "03:00")]
)
def test_times_are_shown_in_the_persons_time_zone(member: User, time_zone: str, shown: str) -> None:
    member.time_zone = time_zone
    member.save()
    starts = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    # 07:00 UTC on a day in the future is 10:00 in Jerusalem (summer) or 09:00 (winter); pin it.
    starts = starts.replace(month=7, day=15, hour=7, minute=0, second=0)
    if starts < timezone.now():
        starts = starts.replace(year=starts.year + 1)
    StrategicSession.objects.create(
        title="Summer session",
        year=starts.year,
        quarter=3,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        format=StrategicSession.Format.ONLINE,
        status=StrategicSession.Status.OPEN,
    )
    page = login_client(member).get(reverse("members:home")).content.decode()
    assert shown in page

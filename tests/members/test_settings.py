"""The settings page: profile, contact visibility, language, time zone, notifications."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import Membership, User
from tests.conftest import login_client

VALID = {
    "full_name": "Maya Member",
    "bio": "I facilitate dialogue circles.",
    "languages_spoken": ["ar", "en"],
    "listed_in_directory": "on",
    "phone": "+972 2 555 0101",
    "messaging_handle": "signal:@maya",
    "email_visibility": "members",
    "phone_visibility": "staff",
    "messaging_visibility": "members",
    "preferred_language": "en",
    "time_zone": "Asia/Hebron",
    "digest_frequency": "monthly",
    "session_reminders": "",
}


def _png(size: tuple[int, int] = (300, 200), exif: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "teal")
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCamera"  # Make
        image.save(buffer, format="JPEG", exif=data)
        return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_settings_page_links_allauth_account_management(member) -> None:
    html = login_client(member).get(reverse("members:settings")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index", "members:data_export"):
        assert reverse(name) in html
    assert 'name="digest_frequency"' in html
    assert 'name="session_reminders"' in html


@pytest.mark.django_db
def test_saving_settings_updates_profile_visibility_and_notifications(member) -> None:
    membership = Membership.objects.get(user=member)
    data = {**VALID, f"title_{membership.pk}": "Programme lead"}
    response = login_client(member).post(reverse("members:settings"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.bio == "I facilitate dialogue circles."
    assert member.languages_spoken == ["ar", "en"]
    assert member.listed_in_directory
    assert member.email_visibility == "members"
    assert member.messaging_visibility == "members"
    assert member.time_zone == "Asia/Hebron"
    assert member.digest_frequency == User.DigestFrequency.MONTHLY
    assert member.session_reminders is False
    membership.refresh_from_db()
    assert membership.title == "Programme lead"


@pytest.mark.django_db
def test_choosing_another_language_switches_the_page(member) -> None:
    response = login_client(member).post(
        reverse("members:settings"), {**VALID, "preferred_language": "he"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/he/")
    member.refresh_from_db()
    assert member.preferred_language == "he"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus"),
        ("email_visibility", "everyone"),
        ("digest_frequency", "hourly"),
        ("phone", "call me maybe"),
        ("languages_spoken", ["xx"]),
        ("full_name", ""),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_changes(member, field, value) -> None:
    response = login_client(member).post(reverse("members:settings"), {**VALID, field: value})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    member.refresh_from_db()
    assert member.bio == ""
    assert member.time_zone == "Asia/Jerusalem"


@pytest.mark.django_db
def test_a_photo_is_stored_without_its_metadata(member) -> None:
    response = login_client(member).post(
        reverse("members:settings"), {**VALID, "photo": _png((2000, 1000), exif=True)}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.photo.name.startswith("people/photos/")
    with Image.open(member.photo.path) as stored:
        assert max(stored.size) == 800
        assert "SecretCamera" not in str(stored.getexif().get(0x010F, ""))
    # Served only through the permission-checked view.
    photo = login_client(member).get(reverse("members:person_photo", args=[member.pk]))
    assert photo.status_code == 200
    assert "private" in photo["Cache-Control"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_picture_is_refused(member) -> None:
    fake = SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = login_client(member).post(reverse("members:settings"), {**VALID, "photo": fake})
    assert response.status_code == 200
    member.refresh_from_db()
    assert not member.photo
    assert member.bio == ""


@pytest.mark.django_db
def test_a_picture_over_two_megabytes_is_refused(member, settings) -> None:
    big = SimpleUploadedFile("big.png", _png().read() + b"\0" * (2 * 1024 * 1024), "image/png")
    response = login_client(member).post(reverse("members:settings"), {**VALID, "photo": big})
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    member.refresh_from_db()
    assert not member.photo


@pytest.mark.django_db
def test_removing_the_photo(member) -> None:
    client = login_client(member)
    client.post(reverse("members:settings"), {**VALID, "photo": _png()})
    member.refresh_from_db()
    assert member.photo
    client.post(reverse("members:settings"), {**VALID, "remove_photo": "on"})
    member.refresh_from_db()
    assert not member.photo


@pytest.mark.django_db
def test_people_outside_the_network_can_still_manage_their_account(outsider) -> None:
    client = login_client(outsider)
    assert client.get(reverse("members:settings")).status_code == 200
    assert client.get(reverse("members:data_export")).status_code == 200
    assert client.get(reverse("members:delete_account")).status_code == 200

"""The ledger in the admin: browsable, filterable, read-only, failed rows can be resent."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from alliance.mail import services
from alliance.mail.models import Delivery
from members.models import User
from tests.conftest import login_client
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:mail_delivery_changelist"


@pytest.fixture
def mail_staff(staff: User) -> User:
    """Staff allowed to view the ledger and resend from it."""
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="mail", codename__in=["view_delivery", "change_delivery"]
        )
    )
    return staff


def _rows(kind: str, count: int, state: str = Delivery.State.PENDING, **fields) -> list[Delivery]:
    users = UserFactory.create_batch(count)
    services.plan_deliveries(
        kind=kind, subject_key=f"{kind}:{state}", recipient_ids=[u.pk for u in users]
    )
    rows = Delivery.objects.filter(recipient__in=users)
    extra = {"sent_at": timezone.now()} if state == Delivery.State.SENT else {}
    rows.update(state=state, **extra, **fields)
    return list(rows.order_by("pk"))


def test_staff_browse_the_ledger_with_the_error_of_a_failed_row(mail_staff: User) -> None:
    (failed,) = _rows("digest", 1, Delivery.State.FAILED, last_error="SMTPRecipientsRefused: 550")
    organisation = OrganisationFactory()
    _rows(
        "session_reminder",
        2,
        Delivery.State.SENT,
        content_type=ContentType.objects.get_for_model(organisation),
        object_id=organisation.pk,
    )

    page = login_client(mail_staff).get(reverse(CHANGELIST)).content.decode()

    assert failed.recipient.email in page
    assert "SMTPRecipientsRefused: 550" in page
    for filter_title in ("By state", "By kind", "By subject type"):
        assert filter_title in page


def test_staff_filter_by_state_and_kind_and_search_by_email(mail_staff: User) -> None:
    (failed,) = _rows("digest", 1, Delivery.State.FAILED, last_error="boom")
    (sent,) = _rows("session_reminder", 1, Delivery.State.SENT)
    client = login_client(mail_staff)

    by_state = client.get(reverse(CHANGELIST), {"state__exact": "failed"}).content.decode()
    by_kind = client.get(reverse(CHANGELIST), {"kind__exact": "session_reminder"}).content.decode()
    by_email = client.get(reverse(CHANGELIST), {"q": sent.recipient.email}).content.decode()

    assert failed.recipient.email in by_state and sent.recipient.email not in by_state
    assert sent.recipient.email in by_kind and failed.recipient.email not in by_kind
    assert sent.recipient.email in by_email and failed.recipient.email not in by_email


@pytest.mark.parametrize("size", [2, 8])
def test_the_ledger_list_costs_the_same_queries_at_any_size(
    mail_staff: User, size: int, django_assert_num_queries
) -> None:
    _rows("digest", size, Delivery.State.FAILED, last_error="boom")
    client = login_client(mail_staff)
    client.get(reverse(CHANGELIST))  # warm the session and the content types
    # Session, user, roles (one statement), MFA, two permission lookups (6); the count, the
    # rows with recipients joined, the subject types in use, and the date hierarchy: 11 at any size.
    with django_assert_num_queries(11):
        assert client.get(reverse(CHANGELIST)).status_code == 200


def test_resend_puts_failed_rows_back_and_leaves_the_others(mail_staff: User) -> None:
    failed = _rows("digest", 2, Delivery.State.FAILED, last_error="451")
    (sent,) = _rows("session_reminder", 1, Delivery.State.SENT)

    response = login_client(mail_staff).post(
        reverse(CHANGELIST),
        {"action": "resend", "_selected_action": [r.pk for r in [*failed, sent]]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 failed emails will be sent again" in response.content.decode()
    assert set(
        Delivery.objects.filter(pk__in=[r.pk for r in failed]).values_list("state", flat=True)
    ) == {Delivery.State.PENDING}
    sent.refresh_from_db()
    assert sent.state == Delivery.State.SENT


def test_a_row_opens_read_only_and_cannot_be_deleted(mail_staff: User) -> None:
    (row,) = _rows("digest", 1, Delivery.State.FAILED, last_error="boom")
    client = login_client(mail_staff)
    change_url = reverse("admin:mail_delivery_change", args=[row.pk])

    page = client.get(change_url)
    post = client.post(change_url, {"state": "sent"})
    delete = client.get(reverse("admin:mail_delivery_delete", args=[row.pk]))

    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert post.status_code == 403
    assert delete.status_code == 403
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED


def test_members_cannot_open_the_ledger_and_staff_can(member: User, staff: User) -> None:
    assert login_client(member).get(reverse(CHANGELIST)).status_code == 302
    # The Staff group carries view/change on the ledger (members/roles.py).
    assert login_client(staff).get(reverse(CHANGELIST)).status_code == 200

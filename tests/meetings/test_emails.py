"""Confirmation, waitlist, promotion and cancellation emails: via Celery, in the recipient's
language, with the session's .ics attached."""

import pytest
from django.core import mail
from icalendar import Calendar

from meetings.models import StrategicSession
from meetings.services import cancel_registration, cancel_session
from tests.meetings.factories import SessionFactory, member_of, register


def _ics_of(message: mail.EmailMultiAlternatives) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    _filename, content, mimetype = attachment
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


@pytest.mark.django_db
def test_registering_sends_a_confirmation_with_the_ics(
    member, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory(title="Spring session")
    with django_capture_on_commit_callbacks(execute=True):
        register(session, member)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "You are registered: Spring session" in message.subject
    assert session.join_url in message.body  # a confirmed seat gets the join link
    event = _ics_of(message).events[0]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert session.join_url in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_a_waitlisted_person_is_told_and_gets_no_join_link(
    organisation, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory(capacity=1)
    register(session, member_of(organisation))
    waiting = member_of(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        register(session, waiting)
    (message,) = mail.outbox
    assert "waitlist" in message.subject
    assert session.join_url not in message.body
    assert session.join_url not in message.alternatives[0][0]
    event = _ics_of(message).events[0]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert session.join_url not in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_cancelling_emails_the_person_and_the_one_promoted(
    organisation, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory(capacity=1)
    holder, waiting = member_of(organisation), member_of(organisation)
    seat = register(session, holder)
    register(session, waiting)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=seat, actor=holder)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {holder.email, waiting.email}
    assert "Registration cancelled" in by_recipient[holder.email].subject
    assert str(_ics_of(by_recipient[holder.email]).events[0]["STATUS"]) == "CANCELLED"
    promoted = by_recipient[waiting.email]
    assert "A seat is yours" in promoted.subject
    assert session.join_url in promoted.body


@pytest.mark.django_db
def test_cancelling_a_session_tells_everyone_registered(
    staff, organisation, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory(capacity=1)
    people = [member_of(organisation) for _ in range(2)]  # one seat, one waiting
    for person in people:
        register(session, person)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=session, actor=staff)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    for message in mail.outbox:
        assert "Session cancelled" in message.subject
        event = _ics_of(message).events[0]
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1


@pytest.mark.django_db
def test_emails_are_in_the_recipients_language(
    organisation, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory(format=StrategicSession.Format.IN_PERSON, join_url="")
    arabic = member_of(organisation, preferred_language="ar")
    hebrew = member_of(organisation, preferred_language="he")
    english = member_of(organisation, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (arabic, hebrew, english):
            register(session, person)
    by_recipient = {message.to[0]: message for message in mail.outbox}

    arabic_html = by_recipient[arabic.email].alternatives[0][0]
    assert 'lang="ar"' in arabic_html and 'dir="rtl"' in arabic_html
    assert "حضوري" in by_recipient[arabic.email].body  # "In person", from the catalogue
    hebrew_html = by_recipient[hebrew.email].alternatives[0][0]
    assert 'lang="he"' in hebrew_html and 'dir="rtl"' in hebrew_html
    english_message = by_recipient[english.email]
    assert 'lang="en"' in english_message.alternatives[0][0]
    assert "In person" in english_message.body


@pytest.mark.django_db
def test_email_times_are_in_the_sessions_time_zone(
    member, django_capture_on_commit_callbacks
) -> None:
    # 10:00 in Jerusalem; the member reads in London, but the email says 10:00 (Jerusalem).
    member.time_zone = "Europe/London"
    member.save()
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        register(session, member)
    assert "10:00" in mail.outbox[0].body or "10 a.m." in mail.outbox[0].body
    assert "Asia/Jerusalem" in mail.outbox[0].body


@pytest.mark.django_db
def test_emails_wait_for_the_transaction_to_commit(member) -> None:
    # Without a commit (the test's transaction is rolled back), nothing is sent.
    register(SessionFactory(), member)
    assert mail.outbox == []

"""Transactional emails about a person's registration, in the recipient's language.

Templates follow allauth's scheme: templates/meetings/email/<kind>_subject.txt,
<kind>_message.txt and <kind>_message.html. Each email carries the session's .ics.
"""

import zoneinfo
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from meetings.calendar import registration_status_for_calendar, session_ics, session_url
from meetings.models import Registration


class RegistrationEmail(StrEnum):
    CONFIRMED = "registration_confirmed"
    WAITLISTED = "registration_waitlisted"
    PROMOTED = "registration_promoted"
    CANCELLED = "registration_cancelled"
    SESSION_CANCELLED = "session_cancelled"


# The join link goes only to people who hold a confirmed seat.
_WITH_JOIN_LINK = {RegistrationEmail.CONFIRMED, RegistrationEmail.PROMOTED}


def build_registration_email(
    registration: Registration, kind: RegistrationEmail
) -> EmailMultiAlternatives:
    """The email for `kind`, rendered in the registrant's language with the .ics attached."""
    person = registration.user
    session = registration.session
    language = person.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(session.time_zone)):
        include_join_url = (
            kind in _WITH_JOIN_LINK
            and registration.status == Registration.Status.CONFIRMED
            and session.is_online
            and bool(session.join_url)
        )
        context = {
            "person": person,
            "registration": registration,
            "session": session,
            "session_url": session_url(session),
            "join_url": session.join_url if include_join_url else "",
            "registered_by_someone_else": (
                registration.registered_by_id is not None
                and registration.registered_by_id != person.pk
            ),
            "registered_by": registration.registered_by,
        }
        prefix = f"meetings/email/{kind}"
        subject = render_to_string(f"{prefix}_subject.txt", context)
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        text = render_to_string(f"{prefix}_message.txt", context)
        html = render_to_string(f"{prefix}_message.html", context)
        ics = session_ics(
            session,
            include_join_url=include_join_url,
            status=registration_status_for_calendar(registration),
        )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    )
    message.attach_alternative(html, "text/html")
    message.attach(
        f"session-{session.year}-q{session.quarter}-{session.sequence}.ics",
        ics,
        "text/calendar",
    )
    return message

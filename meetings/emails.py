"""Transactional emails about a person's registration, in the recipient's language.

Rendered by the site's one email helper (alliance.emails.render_email) from
templates/meetings/email/<kind>_subject.txt, <kind>_message.txt and <kind>_message.html.
Each email carries the session's .ics. These are sent one at a time through a Celery task;
bulk mail (reminders, digests) goes through the delivery ledger in alliance/mail instead.
"""

import zoneinfo
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from alliance.emails import render_email
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
_CANCELLATIONS = {RegistrationEmail.CANCELLED, RegistrationEmail.SESSION_CANCELLED}


def build_registration_email(
    registration: Registration, kind: RegistrationEmail
) -> EmailMultiAlternatives:
    """The email for `kind`, rendered in the registrant's language with the .ics attached."""
    person = registration.user
    session = registration.session
    language = person.preferred_language or settings.LANGUAGE_CODE
    include_join_url = (
        kind in _WITH_JOIN_LINK
        and registration.status == Registration.Status.CONFIRMED
        and session.is_online
        and bool(session.join_url)
    )
    # Times in the email are the session's own, as on its page and in the .ics.
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(session.time_zone)):
        message = render_email(
            template_prefix=f"meetings/email/{kind}",
            context={
                "person": person,
                "registration": registration,
                "session": session,
                "session_url": session_url(session),
                "join_url": session.join_url if include_join_url else "",
                "cancelled": kind in _CANCELLATIONS,
                "registered_by_someone_else": (
                    registration.registered_by_id is not None
                    and registration.registered_by_id != person.pk
                ),
                "registered_by": registration.registered_by,
            },
            to=[person.email],
            language=language,
        )
        ics = session_ics(
            session,
            include_join_url=include_join_url,
            status=registration_status_for_calendar(registration),
        )
    message.attach(
        f"session-{session.year}-q{session.quarter}-{session.sequence}.ics", ics, "text/calendar"
    )
    return message

"""iCalendar (.ics) files for sessions: a single session, and a person's subscription feed.

Every event keeps one UID for the life of the session and carries its SEQUENCE (raised on each
change), so calendar apps update their copy instead of adding a second one. Times are written
in the session's own time zone with a VTIMEZONE, so they stay right across daylight saving.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from meetings.models import Registration, StrategicSession

PRODID = "-//Alliance Hub//Strategic sessions//EN"
_STATUS = {
    StrategicSession.Status.DRAFT: "TENTATIVE",
    StrategicSession.Status.OPEN: "CONFIRMED",
    StrategicSession.Status.CLOSED: "CONFIRMED",
    StrategicSession.Status.HELD: "CONFIRMED",
    StrategicSession.Status.CANCELLED: "CANCELLED",
}


def session_uid(session: StrategicSession) -> str:
    """The session's calendar UID: stable for as long as the session exists."""
    host = urlsplit(settings.SITE_URL).hostname or "alliance-hub"
    return f"strategic-session-{session.pk}@{host}"


def session_url(session: StrategicSession) -> str:
    """The absolute address of the session's page, in the active language."""
    return settings.SITE_URL + reverse("meetings:session_detail", args=[session.pk])


def _location(session: StrategicSession) -> str:
    if not session.is_in_person:
        return _("Online")
    parts = [session.venue_name, session.address, session.city]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def session_event(
    session: StrategicSession, *, include_join_url: bool, status: str | None = None
) -> Event:
    """One VEVENT for the session. `status` overrides the session's (e.g. for a waitlist)."""
    tz = zoneinfo.ZoneInfo(session.time_zone)
    url = session_url(session)
    description = [session.agenda.strip()] if session.agenda.strip() else []
    if include_join_url and session.join_url and session.is_online:
        description.append(_("Join online: %(url)s") % {"url": session.join_url})
    description.append(url)

    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.ics_sequence)
    event.add("dtstamp", timezone.now())
    event.add("created", session.created_at)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", session.title)
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    event.add("status", status or _STATUS[session.status])
    return event


def _calendar(events: Iterable[Event], *, name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        # Ask subscribing apps to look for changes a few times a day.
        calendar.add(
            "refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", "PT6H")
    days = []
    for event in events:
        calendar.add_component(event)
        days += [event.start.date(), event.end.date()]
    if days:
        # Time zone rules for the years around the events only, to keep the file small.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(days).year - 1, 1, 1),
            last_date=datetime.date(max(days).year + 2, 1, 1),
        )
    return calendar.to_ical()


def session_ics(
    session: StrategicSession, *, include_join_url: bool = False, status: str | None = None
) -> bytes:
    """The .ics file for one session (attached to emails and offered for download)."""
    return _calendar([session_event(session, include_join_url=include_join_url, status=status)])


def registration_status_for_calendar(registration: Registration) -> str:
    """How a person's own calendar should show the session, given their registration."""
    if registration.status == Registration.Status.CANCELLED:
        return "CANCELLED"
    session_status = _STATUS[registration.session.status]
    if registration.status == Registration.Status.WAITLISTED and session_status != "CANCELLED":
        return "TENTATIVE"
    return session_status


def feed_ics(registrations: Iterable[Registration]) -> bytes:
    """A person's subscription feed: every session they hold a place (or queue) for."""
    events = [
        session_event(
            registration.session,
            include_join_url=registration.status == Registration.Status.CONFIRMED,
            status=registration_status_for_calendar(registration),
        )
        for registration in registrations
    ]
    return _calendar(events, name=_("Alliance Hub: my sessions"))

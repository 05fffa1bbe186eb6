"""Pages for sessions, registration, round tables and calendars. Views stay thin: parse,
look up with a permission function, call one service, then redirect or render."""

import csv
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.fragments import render_fragment, render_fragments
from meetings import selectors, services
from meetings.calendar import feed_ics, session_ics
from meetings.charts import balance_chart
from meetings.forms import (
    AssignParticipantForm,
    AttendanceForm,
    RegistrationForm,
    RoundTableForm,
    SessionForm,
)
from meetings.models import Registration, RoundTable, RoundTableParticipant, StrategicSession
from meetings.permissions import (
    get_registration_for_user,
    get_round_table_for_user,
    get_session_for_user,
    is_session_staff,
    may_see_join_link,
    may_see_needs,
    may_see_round_table_participants,
    may_write_notes_for_table,
    registrable_memberships,
)
from members.decorators import require_action
from members.permissions import Action, may

Status = StrategicSession.Status

# Staff actions on the status machine: URL action -> (target status, button label).
TRANSITIONS = {
    "publish": Status.OPEN,
    "close": Status.CLOSED,
    "reopen": Status.OPEN,
    "hold": Status.HELD,
    "cancel": Status.CANCELLED,
}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Members' pages -------------------------------------------------------------------------------


@require_action(Action.USE_HUB)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions, then past ones, each with the viewer's own registration status."""
    sessions = selectors.list_sessions_by_time_for(user=request.user)
    return render(
        request,
        "meetings/session_list.html",
        {
            "upcoming": _labelled(sessions.upcoming),
            "past": _labelled(sessions.past),
            "is_staff": is_session_staff(request.user),
        },
    )


def _labelled(sessions: Iterable[StrategicSession]) -> list[StrategicSession]:
    """The sessions, each with its status and format labels.

    Translated once a page, not once a row: get_FOO_display() rebuilds its choices on every
    call, which was a third of the list's rendering with sixty sessions.
    """
    statuses = {value: str(label) for value, label in Status.choices}
    formats = {value: str(label) for value, label in StrategicSession.Format.choices}
    labelled = list(sessions)
    for session in labelled:
        session.status_label = statuses.get(session.status, session.status)
        session.format_label = formats.get(session.format, session.format)
    return labelled


@require_action(Action.USE_HUB)
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: when and where, agenda, my registration, round tables, participation balance."""
    session = get_session_for_user(request.user, pk)
    staff = is_session_staff(request.user)
    registrations = selectors.get_session_registrations_for(session=session, user=request.user)
    registration = registrations.mine
    balance = selectors.get_participation_balance(session=session)
    chart = balance_chart(balance.by_community)
    round_tables = selectors.list_round_table_rows(session=session, user=request.user)
    notes = selectors.get_session_notes_for(user=request.user, session=session)
    # Sections rendered once for every reader whose data is the same (alliance.fragments), in
    # one cache round trip. Their data is what this reader may see (the notes they may read,
    # whether they sit at a table), so it is their key.
    round_tables_section, notes_section, balance_section = render_fragments(
        [
            ("meetings/includes/round_tables.html", {"round_tables": round_tables}),
            (
                "meetings/notes/_session_notes.html",
                {
                    "session_id": session.pk,
                    "tables": notes.tables,
                    "open_actions": notes.open_actions,
                },
            ),
            ("meetings/includes/balance.html", {"balance": balance, "chart": chart}),
        ]
    )
    context = {
        "session": session,
        "registration": registration,
        "managed_registrations": registrations.colleagues,
        "balance": balance,
        "round_tables_section": round_tables_section,
        "notes_section": notes_section,
        "balance_section": balance_section,
        "show_join_link": session.is_online
        and bool(session.join_url)
        and may_see_join_link(request.user, registration),
        "may_register": session.registration_window_is_open(),
        "is_staff": staff,
        "show_balance_warning": staff
        and session.status in (Status.DRAFT, Status.OPEN)
        and bool(balance.under_threshold),
        "transitions": _available_transitions(session) if staff else [],
        "waitlist_position": _waitlist_position(registration),
    }
    return render(request, "meetings/session_detail.html", context)


def _available_transitions(session: StrategicSession) -> list[str]:
    allowed = services.ALLOWED_TRANSITIONS[session.status]
    actions = []
    for action, target in TRANSITIONS.items():
        if target not in allowed:
            continue
        if action == "publish" and session.status != Status.DRAFT:
            continue
        if action == "reopen" and session.status != Status.CLOSED:
            continue
        actions.append(action)
    return actions


def _waitlist_position(registration: Registration | None) -> int | None:
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            session_id=registration.session_id,
            status=Registration.Status.WAITLISTED,
            created_at__lte=registration.created_at,
        )
        .exclude(pk__gt=registration.pk, created_at=registration.created_at)
        .count()
    )


@require_action(Action.USE_HUB)
def session_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register oneself or, for a representative, a colleague."""
    session = get_session_for_user(request.user, pk)
    if not session.registration_window_is_open():
        messages.error(request, _("Registration for this session is not open."))
        return redirect("meetings:session_detail", pk=session.pk)
    memberships = registrable_memberships(request.user)
    form = RegistrationForm(
        request.POST or None, session=session, user=request.user, memberships=memberships
    )
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["registrant"]
        try:
            registration = services.register_for_session(
                session=session,
                person=membership.user,
                organisation=membership.organisation,
                actor=request.user,
                interpretation_language=form.cleaned_data.get("interpretation_language", ""),
                accessibility_needs=form.cleaned_data.get("accessibility_needs", ""),
                dietary_needs=form.cleaned_data.get("dietary_needs", ""),
                needs_travel_assistance=form.cleaned_data.get("needs_travel_assistance", False),
                travel_details=form.cleaned_data.get("travel_details", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("Registered. A confirmation is on its way by email."))
            else:
                messages.info(
                    request,
                    _(
                        "The session is full, so you are on the waitlist."
                        " We will email you when a seat frees up."
                    ),
                )
            return redirect("meetings:session_detail", pk=session.pk)
    return render(
        request,
        "meetings/session_register.html",
        {"session": session, "form": form, "has_choices": memberships.exists()},
    )


@require_action(Action.USE_HUB)
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a seat or a waitlist place (oneself, a representative, or staff)."""
    registration = get_registration_for_user(request.user, pk)
    try:
        services.cancel_registration(registration=registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("meetings:session_detail", pk=registration.session_id)


@require_action(Action.USE_HUB)
@require_GET
def session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's .ics file; the join link is in it only for confirmed registrants."""
    session = get_session_for_user(request.user, pk)
    registration = selectors.get_my_registration(session=session, user=request.user)
    content = session_ics(
        session,
        include_join_url=may_see_join_link(request.user, registration),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    filename = f"session-{session.year}-q{session.quarter}-{session.sequence}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_action(Action.USE_HUB)
@require_GET
def round_table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round table; who sits at it is shown to its participants and staff only."""
    round_table = get_round_table_for_user(request.user, pk)
    session = round_table.session
    facilitators = list(
        round_table.facilitators.order_by("full_name", "pk").values_list("pk", "full_name")
    )
    seats = selectors.list_round_table_seats(round_table=round_table)
    my_seat = next((seat for seat in seats if seat.user_id == request.user.pk), None)
    staff = is_session_staff(request.user)
    may_see_people = may_see_round_table_participants(
        request.user,
        round_table,
        is_participant=my_seat is not None,
        facilitator_ids={person_id for person_id, _name in facilitators},
    )
    registration_status = selectors.get_my_registration_status(
        session_id=session.pk, user=request.user
    )
    is_full = round_table.capacity is not None and len(seats) >= round_table.capacity
    context = {
        "round_table": round_table,
        "session": session,
        "facilitators": [name for _person_id, name in facilitators],
        "participants": seats if may_see_people else [],
        "participant_count": len(seats),
        "may_see_people": may_see_people,
        "my_seat": my_seat,
        "may_join": my_seat is None
        and not is_full
        and registration_status == Registration.Status.CONFIRMED
        and session.status not in (Status.HELD, Status.CANCELLED),
        "is_full": is_full,
        "is_staff": staff,
        # The notes this reader may read, shared with every reader who may read the same.
        "notes_section": render_fragment(
            "meetings/notes/_round_table_notes.html",
            {"notes": selectors.list_table_notes_for(user=request.user, round_table=round_table)},
        ),
        "may_write_notes": may_write_notes_for_table(request.user, round_table),
        "assign_form": (
            AssignParticipantForm(
                registrations=selectors.list_unseated_registrations(round_table=round_table)
            )
            if staff
            else None
        ),
    }
    return render(request, "meetings/round_table_detail.html", context)


@require_action(Action.USE_HUB)
@require_POST
def round_table_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a seat at a round table."""
    round_table = get_round_table_for_user(request.user, pk)
    registration = selectors.get_my_registration(session=round_table.session, user=request.user)
    if registration is None:
        messages.error(request, _("Register for the session first."))
        return redirect("meetings:round_table_detail", pk=round_table.pk)
    try:
        services.join_round_table(
            round_table=round_table, registration=registration, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You have joined the round table."))
    return redirect("meetings:round_table_detail", pk=round_table.pk)


@require_action(Action.USE_HUB)
@require_POST
def round_table_leave(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Leave a round table, or (staff) take someone off it."""
    round_table = get_round_table_for_user(request.user, pk)
    participant = get_object_or_404(
        RoundTableParticipant.objects.select_related("registration"),
        pk=participant_pk,
        round_table=round_table,
    )
    if participant.registration.user_id != request.user.pk and not is_session_staff(request.user):
        raise Http404
    services.leave_round_table(participant=participant, actor=request.user)
    messages.success(request, _("The seat at the round table is freed."))
    return redirect("meetings:round_table_detail", pk=round_table.pk)


@require_action(Action.USE_HUB)
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    """Turn on, renew or turn off one's private calendar feed address."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(user=request.user)
            messages.success(request, _("The calendar address is turned off."))
        else:
            services.create_calendar_feed(user=request.user)
            messages.success(
                request,
                _("A new calendar address is ready. Any earlier address no longer works."),
            )
        return redirect("meetings:calendar_feed_settings")
    feed = selectors.get_active_feed(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("meetings:calendar_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "meetings/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's sessions as a calendar feed, for calendar apps that cannot sign in.

    The secret token in the address is the credential; a revoked token, or the token of
    someone who is no longer a member, answers 404.
    """
    feed = selectors.get_feed_by_token(token=token)
    if feed is None or not may(feed.user, Action.USE_HUB):
        raise Http404
    content = feed_ics(selectors.list_feed_registrations(user=feed.user))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# Staff pages ----------------------------------------------------------------------------------


@require_action(Action.SCHEDULE_SESSIONS)
def session_create(request: HttpRequest) -> HttpResponse:
    """Schedule a session, prefilled with the next quarter and the last venue (or a copy)."""
    copy_id = request.GET.get("copy") or request.POST.get("copy_from")
    copy_from = None
    if copy_id:
        copy_from = get_object_or_404(StrategicSession, pk=int(copy_id) if copy_id.isdigit() else 0)
    defaults = selectors.get_new_session_defaults(copy_from=copy_from)
    initial = {**defaults.initial, "copy_from": copy_from.pk if copy_from else None}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_session(
                session=form.save(commit=False),
                actor=request.user,
                copy_round_tables_from=copy_from,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The session is saved as a draft. Publish it to open registration.")
            )
            return redirect("meetings:session_detail", pk=session.pk)
    return render(request, "meetings/session_form.html", {"form": form, "copy_from": copy_from})


@require_action(Action.SCHEDULE_SESSIONS)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a session; calendars see the change as a new revision of the same event."""
    session = get_object_or_404(StrategicSession, pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(session=form.save(commit=False), actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is updated."))
            return redirect("meetings:session_detail", pk=session.pk)
    return render(request, "meetings/session_form.html", {"form": form, "session": session})


@require_action(Action.SCHEDULE_SESSIONS)
def session_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, close or reopen registration, mark held, or cancel: confirm, then apply."""
    session = get_object_or_404(StrategicSession, pk=pk)
    if action not in TRANSITIONS:
        raise Http404
    if request.method == "POST":
        try:
            services.transition_session(session=session, to=TRANSITIONS[action], actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The session is now “%(status)s”.") % {"status": session.get_status_display()},
            )
        return redirect("meetings:session_detail", pk=session.pk)
    return render(
        request,
        "meetings/session_transition.html",
        {
            "session": session,
            "action": action,
            "target": Status(TRANSITIONS[action]),
            "allowed": TRANSITIONS[action] in services.ALLOWED_TRANSITIONS[session.status],
            "registrant_count": session.registrations.exclude(
                status=Registration.Status.CANCELLED
            ).count(),
        },
    )


@require_action(Action.SCHEDULE_SESSIONS)
@require_GET
def session_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone registered or waiting, with their needs: staff only."""
    session = get_object_or_404(StrategicSession, pk=pk)
    return render(
        request,
        "meetings/session_registrations.html",
        {
            "session": session,
            "registrations": list(selectors.list_registrations(session=session)),
            "show_needs": may_see_needs(request.user),
        },
    )


@require_action(Action.SCHEDULE_SESSIONS)
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The on-the-day checklist: tick who is present, save once."""
    session = get_object_or_404(StrategicSession, pk=pk)
    registrations = selectors.list_attendance_checklist(session=session)
    if request.method == "POST":
        form = AttendanceForm(request.POST, registrations=registrations)
        if form.is_valid():
            try:
                services.record_attendance(
                    session=session,
                    present_ids={r.pk for r in form.cleaned_data["present"]},
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Attendance is saved."))
                return redirect("meetings:session_attendance", pk=session.pk)
    else:
        form = AttendanceForm(
            initial={"present": [r.pk for r in registrations if r.attended]},
            registrations=registrations,
        )
    rows = list(registrations)
    return render(
        request,
        "meetings/session_attendance.html",
        {
            "session": session,
            "form": form,
            "present_count": sum(1 for r in rows if r.attended),
            "confirmed_count": len(rows),
        },
    )


def _csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_response(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet apps read Arabic and Hebrew names as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@require_action(Action.SCHEDULE_SESSIONS)
@require_GET
def registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every registration with needs and attendance, as CSV for staff."""
    session = get_object_or_404(StrategicSession, pk=pk)
    zone = timezone.get_current_timezone()
    header = [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Community"),
        _("Status"),
        _("Registered at"),
        _("Registered by"),
        _("Interpretation into"),
        _("Accessibility needs"),
        _("Dietary needs"),
        _("Needs travel or permit help"),
        _("Travel or permit details"),
        _("Attended"),
    ]
    rows = [
        [
            r.user.full_name,
            r.user.email,
            r.organisation.name,
            r.organisation.get_community_display(),
            r.get_status_display(),
            r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            r.registered_by.full_name if r.registered_by else "",
            r.get_interpretation_language_display() if r.interpretation_language else "",
            r.accessibility_needs,
            r.dietary_needs,
            _yes_no(r.needs_travel_assistance),
            r.travel_details,
            _yes_no(r.attended),
        ]
        for r in selectors.list_registrations(session=session)
    ]
    filename = f"session-{session.year}-q{session.quarter}-{session.sequence}-registrations.csv"
    return _csv_response(filename, header, rows)


@require_action(Action.SCHEDULE_SESSIONS)
@require_GET
def attendance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmed registrants and whether each attended, as CSV for staff."""
    session = get_object_or_404(StrategicSession, pk=pk)
    header = [_("Name"), _("Email"), _("Organisation"), _("Community"), _("Attended")]
    rows = [
        [
            r.user.full_name,
            r.user.email,
            r.organisation.name,
            r.organisation.get_community_display(),
            _yes_no(r.attended),
        ]
        for r in selectors.list_attendance_checklist(session=session)
    ]
    filename = f"session-{session.year}-q{session.quarter}-{session.sequence}-attendance.csv"
    return _csv_response(filename, header, rows)


@require_action(Action.SCHEDULE_SESSIONS)
def round_table_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a round table to a session."""
    session = get_object_or_404(StrategicSession, pk=pk)
    return _round_table_form(request, session=session, round_table=RoundTable(session=session))


@require_action(Action.SCHEDULE_SESSIONS)
def round_table_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a round table."""
    round_table = get_object_or_404(RoundTable.objects.select_related("session"), pk=pk)
    return _round_table_form(request, session=round_table.session, round_table=round_table)


def _round_table_form(
    request: HttpRequest, *, session: StrategicSession, round_table: RoundTable
) -> HttpResponse:
    form = RoundTableForm(request.POST or None, instance=round_table)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_round_table(
                round_table=form.save(commit=False),
                facilitators=list(form.cleaned_data["facilitators"]),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round table is saved."))
            return redirect("meetings:round_table_detail", pk=saved.pk)
    return render(
        request,
        "meetings/round_table_form.html",
        {"form": form, "session": session, "round_table": round_table},
    )


@require_action(Action.SCHEDULE_SESSIONS)
@require_POST
def round_table_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff seat a registrant at a round table."""
    round_table = get_object_or_404(RoundTable, pk=pk)
    form = AssignParticipantForm(
        request.POST, registrations=selectors.list_unseated_registrations(round_table=round_table)
    )
    if form.is_valid():
        try:
            services.join_round_table(
                round_table=round_table,
                registration=form.cleaned_data["registration"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The person is seated at the round table."))
    else:
        messages.error(request, _("Choose a confirmed registrant who is not at this table yet."))
    return redirect("meetings:round_table_detail", pk=round_table.pk)

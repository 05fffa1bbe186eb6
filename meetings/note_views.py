"""Pages for round-table notes. Every note is looked up through meetings.permissions
(get_note_for_user / readable_notes_for), so a note the reader may not read is a 404."""

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings import note_selectors, notes
from meetings.models import NoteAction, RoundTableNote
from meetings.note_forms import (
    ActionItemFormSet,
    NoteForm,
    TextItemFormSet,
    action_items_from,
    action_items_initial,
    text_items_from,
    text_items_initial,
)
from meetings.permissions import (
    get_note_for_editing,
    get_note_for_user,
    get_round_table_for_user,
    get_session_for_user,
    may_review_notes,
    may_write_note,
    may_write_notes_for_table,
    note_layers_for,
    readable_notes_for,
)
from members.decorators import require_action
from members.models import Membership
from members.permissions import Action, visible_organisations_for

PAGE_SIZE = 25


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_action(Action.USE_HUB)
@require_GET
def note_search(request: HttpRequest) -> HttpResponse:
    """Every note the reader may read, or those matching the search box."""
    query = request.GET.get("q", "").strip()[:200]
    page = note_selectors.page_of_notes(
        user=request.user, query=query, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "meetings/notes/search.html",
        {
            "query": query,
            "page": page,
            "notes": _listed(page.object_list),
            "is_staff": may_review_notes(request.user),
        },
    )


_STATUS_BADGES = {
    RoundTableNote.Status.PUBLISHED: "text-bg-success",
    RoundTableNote.Status.SUBMITTED: "text-bg-info",
    RoundTableNote.Status.ARCHIVED: "text-bg-secondary",
    RoundTableNote.Status.DRAFT: "text-bg-light border",
}


def _listed(notes: Iterable[RoundTableNote]) -> list[RoundTableNote]:
    """The notes of a list page, each with its link and status badge worked out once here:
    per row, {% url %}, get_status_display and an {% include %} cost more than the row."""
    labels = {status: str(label) for status, label in RoundTableNote.Status.choices}
    # One reverse() for the page: the detail URL differs from note to note by the pk only.
    sentinel = "4294967295"
    before, after = reverse("meetings:note_detail", args=[sentinel]).split(sentinel)
    listed = list(notes)
    for note in listed:
        note.detail_url = f"{before}{note.pk}{after}"
        note.status_label = labels[note.status]
        note.status_badge = _STATUS_BADGES[note.status]
    return listed


@require_action(Action.REVIEW_NOTES)
@require_GET
def note_review(request: HttpRequest) -> HttpResponse:
    """Staff: the notes waiting for review."""
    waiting = note_selectors.list_notes_for(user=request.user).filter(
        status=RoundTableNote.Status.SUBMITTED
    )
    return render(request, "meetings/notes/review.html", {"notes": list(waiting)})


def _detail_context(request: HttpRequest, note: RoundTableNote) -> dict[str, object]:
    user = request.user
    layers = note_layers_for(user, note)
    staff = may_review_notes(user)
    return {
        "note": note,
        "round_table": note.round_table,
        "session": note.round_table.session,
        "layers": layers,
        "key_points": list(note.key_points.all()),
        "recommendations": list(note.recommendations.all()),
        "actions": list(note.actions.select_related("organisation")),
        "is_staff": staff,
        "may_edit": may_write_note(user, note),
        "may_submit": note.status == RoundTableNote.Status.DRAFT and may_write_note(user, note),
        "may_mark_done": staff or may_write_notes_for_table(user, note.round_table),
        "transitions": _staff_transitions(note) if staff else [],
    }


def _staff_transitions(note: RoundTableNote) -> list[str]:
    allowed = notes.ALLOWED_TRANSITIONS[note.status]
    names = {
        RoundTableNote.Status.PUBLISHED: "publish",
        RoundTableNote.Status.DRAFT: "return",
        RoundTableNote.Status.ARCHIVED: "archive",
    }
    return [names[target] for target in allowed if target in names]


@require_GET
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A note: the summary layer for every reader, the full record for those who may read it."""
    note = get_note_for_user(request.user, pk)
    return render(request, "meetings/notes/detail.html", _detail_context(request, note))


@require_action(Action.USE_HUB)
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The rapporteur or a facilitator (or staff) starts a draft note for a round table."""
    round_table = get_round_table_for_user(request.user, pk)
    if not may_write_notes_for_table(request.user, round_table):
        raise PermissionDenied
    note = notes.create_note(round_table=round_table, author=request.user)
    return redirect("meetings:note_edit", note.pk)


def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or edit a note with its key points, recommendations and actions."""
    note = get_note_for_editing(request.user, pk)
    may_sign = note.author_id == request.user.pk
    organisations = visible_organisations_for(request.user).order_by("name_en")
    if request.method == "POST":
        form = NoteForm(request.POST, may_sign=may_sign)
        key_points = TextItemFormSet(request.POST, prefix="kp")
        recommendations = TextItemFormSet(request.POST, prefix="rec")
        actions = ActionItemFormSet(
            request.POST, prefix="act", form_kwargs={"organisations": organisations}
        )
        forms_valid = all(
            [form.is_valid(), key_points.is_valid(), recommendations.is_valid(), actions.is_valid()]
        )
        if forms_valid:
            try:
                notes.save_note(
                    note=note,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    summary=form.cleaned_data["summary"],
                    sign_summary=form.cleaned_data.get("sign_summary", note.sign_summary),
                    key_points=text_items_from(key_points),
                    recommendations=text_items_from(recommendations),
                    actions=action_items_from(actions),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The note is saved."))
                return redirect("meetings:note_detail", note.pk)
    else:
        form = NoteForm(
            initial={"body": note.body, "summary": note.summary, "sign_summary": note.sign_summary},
            may_sign=may_sign,
        )
        key_points = TextItemFormSet(prefix="kp", initial=text_items_initial(note.key_points.all()))
        recommendations = TextItemFormSet(
            prefix="rec", initial=text_items_initial(note.recommendations.all())
        )
        actions = ActionItemFormSet(
            prefix="act",
            initial=action_items_initial(note.actions.all()),
            form_kwargs={"organisations": organisations},
        )
    return render(
        request,
        "meetings/notes/edit.html",
        {
            "note": note,
            "round_table": note.round_table,
            "session": note.round_table.session,
            "form": form,
            "key_points": key_points,
            "recommendations": recommendations,
            "actions": actions,
        },
    )


@require_POST
def note_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A writer hands the draft to staff for review."""
    note = get_note_for_editing(request.user, pk)
    try:
        notes.submit_note(note=note, user=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The note is with staff for review."))
    return redirect("meetings:note_detail", note.pk)


STAFF_ACTIONS = {
    "publish": (notes.publish_note, {}),
    "return": (notes.return_note_to_draft, {}),
    "archive": (notes.archive_note, {}),
    "staff-only": (notes.set_note_staff_only, {"staff_only": True}),
    "share": (notes.set_note_staff_only, {"staff_only": False}),
}


@require_action(Action.REVIEW_NOTES)
@require_POST
def note_review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Staff publish, return, archive a note, or make it staff-only."""
    note = get_note_for_user(request.user, pk)
    if action not in STAFF_ACTIONS:
        return redirect("meetings:note_detail", note.pk)
    service, kwargs = STAFF_ACTIONS[action]
    try:
        service(note=note, user=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The note is updated."))
    return redirect("meetings:note_detail", note.pk)


@require_action(Action.REVIEW_NOTES)
@require_GET
def note_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: every saved version of a note, who and when, with a diff of each change."""
    note = get_note_for_user(request.user, pk)
    return render(
        request,
        "meetings/notes/history.html",
        {
            "note": note,
            "round_table": note.round_table,
            "session": note.round_table.session,
            "versions": note_selectors.list_note_versions(note=note),
        },
    )


def _may_mark_done(request: HttpRequest, action: NoteAction) -> bool:
    user = request.user
    if may_review_notes(user) or may_write_notes_for_table(user, action.note.round_table):
        return True
    return (
        action.organisation_id is not None
        and Membership.objects.filter(user=user, organisation_id=action.organisation_id).exists()
    )


@require_action(Action.USE_HUB)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an agreed action done (or open again): staff, the table's writers, the organisation."""
    readable = readable_notes_for(request.user).values("pk")
    action = get_object_or_404(
        NoteAction.objects.select_related("note__round_table").defer(
            *note_selectors.NOTE_VIA_ITEM_DOCUMENTS
        ),
        pk=pk,
        note__in=readable,
    )
    if not _may_mark_done(request, action):
        raise PermissionDenied
    done = request.POST.get("done") != "0"
    notes.mark_action_done(action=action, user=request.user, done=done)
    messages.success(request, _("The action is updated."))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("meetings:note_detail", action.note_id)


@require_GET
def session_compiled(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page of a session's published summaries: no names at all."""
    session = get_session_for_user(request.user, pk)
    summaries = list(note_selectors.list_session_summaries_for(user=request.user, session=session))
    return render(
        request,
        "meetings/notes/compiled.html",
        {"session": session, "notes": summaries},
    )

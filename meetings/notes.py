"""Every state change of a round-table note goes through a function here.

Workflow: draft → submitted for review → published (the summary is shared) → archived; staff
may send a submitted note back to draft. Every save leaves a history record (who and when).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    NoteAction,
    NoteKeyPoint,
    NoteRecommendation,
    RoundTable,
    RoundTableNote,
)
from members.models import Organisation, User

if TYPE_CHECKING:
    from priorities.models import Priority, Theme

Status = RoundTableNote.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.DRAFT, Status.PUBLISHED}),
    Status.PUBLISHED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}


@dataclass(frozen=True)
class TextItem:
    """A key point or recommendation as edited: `pk` is None for a new one."""

    text: str
    pk: int | None = None


@dataclass(frozen=True)
class ActionItem:
    """An agreed action as edited: `pk` is None for a new one."""

    description: str
    organisation: Organisation | None = None
    due_on: datetime.date | None = None
    pk: int | None = None


def _save(note: RoundTableNote, user: User | None, reason: str = "") -> None:
    note.updated_at = timezone.now()
    note._history_user = user
    if reason:
        note._change_reason = reason
    note.full_clean()
    note.save()


def _locked(note: RoundTableNote) -> RoundTableNote:
    return RoundTableNote.objects.select_for_update().get(pk=note.pk)


@transaction.atomic
def create_note(*, round_table: RoundTable, author: User) -> RoundTableNote:
    """Start a draft note for a round table, written by `author`."""
    note = RoundTableNote(round_table=round_table, author=author, status=Status.DRAFT)
    _save(note, author)
    return note


def _sync_text_items(
    model: type[NoteKeyPoint] | type[NoteRecommendation],
    note: RoundTableNote,
    items: Sequence[TextItem],
    user: User,
) -> None:
    existing = {item.pk: item for item in model.objects.filter(note=note)}
    keep: set[int] = set()
    for position, item in enumerate(items):
        row = existing.get(item.pk) if item.pk is not None else None
        if item.pk is not None and row is None:
            raise ValidationError(_("An item does not belong to this note."))
        if row is None:
            row = model(note=note)
        elif row.text == item.text and row.position == position:
            keep.add(row.pk)
            continue
        row.text, row.position = item.text, position
        row._history_user = user
        row.full_clean()
        row.save()
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._history_user = user
            row.delete()


def _sync_actions(note: RoundTableNote, items: Sequence[ActionItem], user: User) -> None:
    existing = {action.pk: action for action in NoteAction.objects.filter(note=note)}
    keep: set[int] = set()
    for position, item in enumerate(items):
        row = existing.get(item.pk) if item.pk is not None else None
        if item.pk is not None and row is None:
            raise ValidationError(_("An action does not belong to this note."))
        row = row or NoteAction(note=note)
        row.description = item.description
        row.organisation = item.organisation
        row.due_on = item.due_on
        row.position = position
        row._history_user = user
        row.full_clean()
        row.save()
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._history_user = user
            row.delete()


@transaction.atomic
def save_note(
    *,
    note: RoundTableNote,
    editor: User,
    body: str,
    summary: str,
    sign_summary: bool,
    key_points: Sequence[TextItem] = (),
    recommendations: Sequence[TextItem] = (),
    actions: Sequence[ActionItem] = (),
) -> RoundTableNote:
    """Save an edit (or a staff redaction) of a note and its items; the history keeps it."""
    note = _locked(note)
    if note.status == Status.ARCHIVED:
        raise ValidationError(_("An archived note can no longer be edited."))
    # Only the author decides whether their name goes with the summary.
    if editor.pk != note.author_id:
        sign_summary = note.sign_summary
    note.body, note.summary, note.sign_summary = body, summary, sign_summary
    _sync_text_items(NoteKeyPoint, note, key_points, editor)
    _sync_text_items(NoteRecommendation, note, recommendations, editor)
    _sync_actions(note, actions, editor)
    _save(note, editor)
    return note


def _move(note: RoundTableNote, to: str, user: User) -> RoundTableNote:
    note = _locked(note)
    if to not in ALLOWED_TRANSITIONS[note.status]:
        raise ValidationError(
            _("A note that is “%(status)s” cannot become “%(target)s”.")
            % {"status": note.get_status_display(), "target": Status(to).label}
        )
    note.status = to
    return note


@transaction.atomic
def submit_note(*, note: RoundTableNote, user: User) -> RoundTableNote:
    """The writer hands the draft to staff for review."""
    note = _move(note, Status.SUBMITTED, user)
    if not note.summary.strip():
        raise ValidationError(_("Write the summary for all members before submitting."))
    _save(note, user, "submitted")
    return note


@transaction.atomic
def return_note_to_draft(*, note: RoundTableNote, user: User) -> RoundTableNote:
    """Staff send a submitted note back to its writers."""
    note = _move(note, Status.DRAFT, user)
    _save(note, user, "returned to draft")
    return note


@transaction.atomic
def publish_note(*, note: RoundTableNote, user: User) -> RoundTableNote:
    """Staff publish a reviewed note: its summary becomes readable by every member."""
    note = _move(note, Status.PUBLISHED, user)
    if not note.summary.strip():
        raise ValidationError(_("A note needs a summary before it is published."))
    note.published_by = user
    note.published_at = timezone.now()
    _save(note, user, "published")
    return note


@transaction.atomic
def archive_note(*, note: RoundTableNote, user: User) -> RoundTableNote:
    """Staff archive a published note: it stays readable but leaves current lists."""
    note = _move(note, Status.ARCHIVED, user)
    _save(note, user, "archived")
    return note


@transaction.atomic
def set_note_staff_only(*, note: RoundTableNote, user: User, staff_only: bool) -> RoundTableNote:
    """Staff restrict a note to staff (or lift the restriction)."""
    note = _locked(note)
    note.staff_only = staff_only
    _save(note, user, "staff only" if staff_only else "shared")
    return note


@transaction.atomic
def mark_action_done(*, action: NoteAction, user: User, done: bool = True) -> NoteAction:
    """Mark an agreed action done (or open again); done actions leave the next session's page."""
    action = NoteAction.objects.select_for_update().get(pk=action.pk)
    action.done_at = timezone.now() if done else None
    action.done_by = user if done else None
    action._history_user = user
    action.save(update_fields=["done_at", "done_by"])
    return action


@transaction.atomic
def create_priority_from_recommendation(
    *, recommendation: NoteRecommendation, theme: "Theme", user: User | None = None
) -> "Priority":
    """Staff turn an agreed recommendation into a proposed priority that remembers its source."""
    # Imported here: the priorities app builds on meetings, not the other way round.
    from priorities.services import create_priority

    note = recommendation.note
    if note.status not in (Status.PUBLISHED, Status.ARCHIVED, Status.SUBMITTED):
        raise ValidationError(_("Only recommendations of reviewed notes can become priorities."))
    if recommendation.priorities.exists():
        raise ValidationError(_("This recommendation is already a priority."))
    round_table = note.round_table
    text = recommendation.text.strip()
    priority = create_priority(
        theme=theme,
        title_en=text if len(text) <= 200 else text[:199] + "…",
        summary_en=text,
        source_sessions=[round_table.session],
        source_round_tables=[round_table],
    )
    priority.source_recommendations.add(recommendation)
    return priority

"""seed_demo's notes: every state, Arabic and Hebrew text, items, and no duplicates on rerun."""

import pytest

from meetings.demo import seed_meetings
from meetings.models import NoteAction, NoteKeyPoint, NoteRecommendation, RoundTableNote
from members.demo import seed_members


@pytest.mark.django_db
def test_demo_notes_cover_every_state_and_language() -> None:
    seed_members()
    seed_meetings()
    notes = RoundTableNote.objects.all()
    assert set(notes.values_list("status", flat=True)) == set(RoundTableNote.Status.values)
    assert notes.filter(staff_only=True).exists()
    texts = " ".join(n.summary + n.body for n in notes)
    assert any("\u0600" <= c <= "\u06ff" for c in texts)  # Arabic
    assert any("\u0590" <= c <= "\u05ff" for c in texts)  # Hebrew
    assert not notes.filter(status="published", published_at__isnull=True).exists()
    counts = (NoteKeyPoint.objects.count(), NoteRecommendation.objects.count())
    actions = NoteAction.objects.count()
    assert all(counts) and actions
    seed_meetings()
    assert (NoteKeyPoint.objects.count(), NoteRecommendation.objects.count()) == counts
    assert NoteAction.objects.count() == actions
    assert RoundTableNote.objects.count() == notes.count()

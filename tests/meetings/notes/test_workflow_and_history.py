"""Writing, submitting, reviewing and publishing notes; history with who and when; diffs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import note_selectors, notes
from meetings.models import RoundTableNote
from members.models import User
from tests.conftest import login_client
from tests.meetings.notes.conftest import World

S = RoundTableNote.Status


def _edit_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "summary": "We agreed to share water data.",
        "body": "A long discussion about wells.",
        "kp-TOTAL_FORMS": "1",
        "kp-INITIAL_FORMS": "0",
        "kp-0-text": "Wells are drying",
        "rec-TOTAL_FORMS": "1",
        "rec-INITIAL_FORMS": "0",
        "rec-0-text": "Create a shared water monitoring group",
        "act-TOTAL_FORMS": "1",
        "act-INITIAL_FORMS": "0",
        "act-0-description": "Send the data sheet",
        "act-0-due_on": "2031-01-15",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_rapporteur_starts_writes_and_submits_a_note(world: World) -> None:
    client = login_client(world.rapporteur)
    response = client.post(reverse("meetings:note_create", args=[world.table.pk]))
    note = RoundTableNote.objects.latest("pk")
    assert response.url == reverse("meetings:note_edit", args=[note.pk])
    assert note.status == S.DRAFT and note.author == world.rapporteur
    response = client.post(reverse("meetings:note_edit", args=[note.pk]), _edit_data())
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.summary == "We agreed to share water data."
    assert [k.text for k in note.key_points.all()] == ["Wells are drying"]
    assert [r.text for r in note.recommendations.all()] == [
        "Create a shared water monitoring group"
    ]
    assert note.actions.get().due_on.isoformat() == "2031-01-15"
    assert not note.sign_summary  # non-attribution is the default
    client.post(reverse("meetings:note_submit", args=[note.pk]))
    note.refresh_from_db()
    assert note.status == S.SUBMITTED
    # Once submitted, the writer may no longer edit it.
    assert client.get(reverse("meetings:note_edit", args=[note.pk])).status_code == 403


@pytest.mark.django_db
def test_a_member_not_writing_for_the_table_may_not_start_notes(world: World, member: User) -> None:
    response = login_client(member).post(reverse("meetings:note_create", args=[world.table.pk]))
    assert response.status_code == 403
    participant = login_client(world.participant)
    assert (
        participant.post(reverse("meetings:note_create", args=[world.table.pk])).status_code == 403
    )


@pytest.mark.django_db
def test_bad_input_gives_a_form_error_and_changes_nothing(world: World) -> None:
    note = world.notes["draft"]
    before = note.summary
    data = _edit_data(**{"act-0-description": "", "act-0-due_on": "not a date"})
    response = login_client(world.rapporteur).post(
        reverse("meetings:note_edit", args=[note.pk]), data
    )
    assert response.status_code == 200
    assert response.context["actions"].errors
    note.refresh_from_db()
    assert note.summary == before
    assert not note.key_points.exists()


@pytest.mark.django_db
def test_staff_publish_then_archive_and_every_step_is_in_the_history(
    world: World, staff: User
) -> None:
    note = world.notes["submitted"]
    client = login_client(staff)
    client.post(reverse("meetings:note_review_action", args=[note.pk, "publish"]))
    note.refresh_from_db()
    assert note.status == S.PUBLISHED
    assert note.published_by == staff and note.published_at is not None
    client.post(reverse("meetings:note_review_action", args=[note.pk, "archive"]))
    note.refresh_from_db()
    assert note.status == S.ARCHIVED
    records = list(note.history.order_by("history_date"))
    assert [r.status for r in records][-2:] == [S.PUBLISHED, S.ARCHIVED]
    assert records[-1].history_user == staff


@pytest.mark.django_db
def test_a_draft_cannot_be_published_without_review(world: World, staff: User) -> None:
    with pytest.raises(ValidationError):
        notes.publish_note(note=world.notes["draft"], user=staff)
    response = login_client(staff).post(
        reverse("meetings:note_review_action", args=[world.notes["draft"].pk, "publish"]),
        follow=True,
    )
    assert "cannot become" in response.content.decode()
    world.notes["draft"].refresh_from_db()
    assert world.notes["draft"].status == S.DRAFT


@pytest.mark.django_db
def test_staff_redact_and_the_history_shows_a_readable_diff(world: World, staff: User) -> None:
    note = world.notes["submitted"]
    notes.save_note(
        note=note,
        editor=staff,
        body=note.body,
        summary="Shared points, with the <name> redacted.",
        sign_summary=True,  # not the author: ignored
    )
    note.refresh_from_db()
    assert not note.sign_summary
    response = login_client(staff).get(reverse("meetings:note_history", args=[note.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shigeru" not in html
    assert "Shira Staff" in html  # who
    assert '<span class="diff-del">-Shared points sumwordsubmitted.</span>' in html
    assert '<span class="diff-add">+Shared points, with the &lt;name&gt; redacted.</span>' in html
    versions = note_selectors.list_note_versions(note=note)
    assert versions[0].who == "Shira Staff"


@pytest.mark.django_db
def test_staff_only_mark_hides_a_published_note_from_members(
    world: World, staff: User, member: User
) -> None:
    note = world.notes["published"]
    url = reverse("meetings:note_detail", args=[note.pk])
    assert login_client(member).get(url).status_code == 200
    login_client(staff).post(reverse("meetings:note_review_action", args=[note.pk, "staff-only"]))
    assert login_client(member).get(url).status_code == 404
    assert login_client(world.participant).get(url).status_code == 404


@pytest.mark.django_db
def test_the_authors_name_shows_to_staff_only_unless_they_sign(
    world: World, staff: User, member: User
) -> None:
    note = world.notes["published"]
    url = reverse("meetings:note_detail", args=[note.pk])
    assert "Rana Rapporteur" in login_client(staff).get(url).content.decode()
    assert "Rana Rapporteur" not in login_client(member).get(url).content.decode()
    assert "Rana Rapporteur" not in login_client(world.participant).get(url).content.decode()
    note.sign_summary = True
    note.save()
    assert "Signed by Rana Rapporteur" in login_client(member).get(url).content.decode()


@pytest.mark.django_db
def test_editing_keeps_item_identity(world: World) -> None:
    note = world.notes["draft"]
    notes.save_note(
        note=note,
        editor=world.rapporteur,
        body="",
        summary="s",
        sign_summary=False,
        recommendations=[notes.TextItem(text="First")],
    )
    first = note.recommendations.get()
    notes.save_note(
        note=note,
        editor=world.rapporteur,
        body="",
        summary="s",
        sign_summary=False,
        recommendations=[
            notes.TextItem(text="First, reworded", pk=first.pk),
            notes.TextItem(text="Second"),
        ],
    )
    assert [(r.pk == first.pk, r.text) for r in note.recommendations.all()] == [
        (True, "First, reworded"),
        (False, "Second"),
    ]
    other = world.notes["submitted"].recommendations.create(text="Elsewhere")
    with pytest.raises(ValidationError):
        notes.save_note(
            note=note,
            editor=world.rapporteur,
            body="",
            summary="s",
            sign_summary=False,
            recommendations=[notes.TextItem(text="Steal", pk=other.pk)],
        )

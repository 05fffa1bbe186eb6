"""The Django admin is the curation tool: admins curate, staff look, members stay out."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import User
from priorities.models import Endorsement, Priority, ProgressUpdate, Theme
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.priorities.factories import (
    EndorsementFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    SessionFactory,
    ThemeFactory,
)

CHANGELIST = "admin:priorities_priority_changelist"
S = Priority.Status


def _act(client, action: str, priorities: list[Priority], **extra: object):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in priorities], **extra},
        follow=True,
    )


@pytest.mark.django_db
def test_admin_sees_the_list_with_endorsement_counts(admin_user: User) -> None:
    priority = PriorityFactory(title_en="Trauma-informed programmes")
    EndorsementFactory(priority=priority, organisation=OrganisationFactory())
    EndorsementFactory(
        priority=priority, organisation=OrganisationFactory(), withdrawn_at="2025-10-01T00:00Z"
    )
    response = login_client(admin_user).get(reverse(CHANGELIST))
    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert row._endorsement_count == 1
    assert "Trauma-informed programmes" in response.content.decode()


@pytest.mark.django_db
def test_search_and_filters_work(admin_user: User) -> None:
    theme = ThemeFactory()
    wanted = PriorityFactory(theme=theme, title_en="Joint media strategy")
    PriorityFactory(title_en="Something else")
    client = login_client(admin_user)
    found = client.get(reverse(CHANGELIST), {"q": "media"}).context["cl"].result_list
    assert list(found) == [wanted]
    found = client.get(reverse(CHANGELIST), {"theme__id__exact": theme.pk}).context["cl"]
    assert list(found.result_list) == [wanted]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "admin_user"])
def test_staff_look_and_admins_curate(request: pytest.FixtureRequest, persona: str) -> None:
    user = request.getfixturevalue(persona)
    priority = PriorityFactory()
    client = login_client(user)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    change_url = reverse("admin:priorities_priority_change", args=[priority.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    action_form = client.get(reverse(CHANGELIST)).context["action_form"]
    names = (
        {name for name, _label in action_form.fields["action"].choices} if action_form else set()
    )
    if persona == "staff":
        assert "mark_agreed" not in names
        response = _act(client, "set_aside", [priority])
        priority.refresh_from_db()
        assert priority.status == S.PROPOSED
        assert response.status_code == 200
    else:
        assert {"mark_agreed", "set_aside", "mark_achieved", "merge_duplicates"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "representative", "outsider"])
def test_members_never_reach_the_curation_tool(
    request: pytest.FixtureRequest, persona: str
) -> None:
    client = login_client(request.getfixturevalue(persona))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_without_mfa_are_sent_to_enrol(staff_without_mfa: User) -> None:
    response = login_client(staff_without_mfa).get(reverse(CHANGELIST))
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_mark_agreed_asks_for_the_session_then_records_it(admin_user: User) -> None:
    proposed, achieved = PriorityFactory(), PriorityFactory(agreed=True)
    Priority.objects.filter(pk=achieved.pk).update(status=S.ACHIEVED)
    session = SessionFactory(title="Beit Jala members' meeting")
    client = login_client(admin_user)

    step_one = _act(client, "mark_agreed", [proposed, achieved])
    assert step_one.status_code == 200
    assert "Agreed at session" in step_one.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED  # nothing happens before the session is chosen

    no_session = _act(client, "mark_agreed", [proposed], apply="1", session="")
    assert "This field is required" in no_session.content.decode()

    done = _act(client, "mark_agreed", [proposed, achieved], apply="1", session=session.pk)
    proposed.refresh_from_db()
    achieved.refresh_from_db()
    assert proposed.status == S.AGREED
    assert proposed.agreed_at_session == session
    assert achieved.status == S.ACHIEVED
    html = done.content.decode()
    assert "1 priorities marked agreed" in html
    assert "cannot become" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("mark_in_progress", S.AGREED, S.IN_PROGRESS),
        ("mark_achieved", S.IN_PROGRESS, S.ACHIEVED),
        ("set_aside", S.PROPOSED, S.SET_ASIDE),
        ("reopen", S.SET_ASIDE, S.PROPOSED),
    ],
)
def test_status_actions(admin_user: User, action: str, start: str, end: str) -> None:
    priority = PriorityFactory(agreed=True)
    Priority.objects.filter(pk=priority.pk).update(status=start)
    response = _act(login_client(admin_user), action, [priority])
    assert response.status_code == 200
    priority.refresh_from_db()
    assert priority.status == end


@pytest.mark.django_db
def test_an_action_that_does_not_fit_the_status_changes_nothing(admin_user: User) -> None:
    priority = PriorityFactory()
    response = _act(login_client(admin_user), "mark_achieved", [priority])
    priority.refresh_from_db()
    assert priority.status == S.PROPOSED
    assert "cannot become" in response.content.decode()


@pytest.mark.django_db
def test_merge_through_the_admin(admin_user: User, member: User) -> None:
    survivor, duplicate = PriorityFactory(), PriorityFactory()
    EndorsementFactory(priority=duplicate, organisation=OrganisationFactory())
    ProgressUpdateFactory(priority=duplicate)
    client = login_client(admin_user)

    step_one = _act(client, "merge_duplicates", [survivor, duplicate])
    assert "Keep this priority" in step_one.content.decode()
    _act(client, "merge_duplicates", [survivor, duplicate], apply="1", survivor=survivor.pk)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert Endorsement.objects.get().priority == survivor
    assert ProgressUpdate.objects.get().priority == survivor
    response = login_client(member).get(duplicate.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


@pytest.mark.django_db
def test_merge_needs_two_priorities(admin_user: User) -> None:
    priority = PriorityFactory()
    response = _act(login_client(admin_user), "merge_duplicates", [priority])
    assert "at least two" in response.content.decode()


@pytest.mark.django_db
def test_adding_a_priority_in_the_admin(admin_user: User) -> None:
    theme = ThemeFactory()
    PriorityFactory(theme=theme, rank=4)
    champion = OrganisationFactory()
    response = login_client(admin_user).post(
        reverse("admin:priorities_priority_add"),
        {
            "theme": theme.pk,
            "title_en": "Link humanitarian aid with peacebuilding",
            "summary_en": "Relief that builds toward reconciliation.",
            "description": "",
            "champions": [champion.pk],
            "progress_updates-TOTAL_FORMS": "1",
            "progress_updates-INITIAL_FORMS": "0",
            "progress_updates-0-happened_on": "2025-10-20",
            "progress_updates-0-body": "Drafted a joint letter.",
            "progress_updates-0-organisation": "",
            "endorsements-TOTAL_FORMS": "0",
            "endorsements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    priority = Priority.objects.get(title_en__startswith="Link humanitarian")
    assert priority.slug == "link-humanitarian-aid-with-peacebuilding"
    assert priority.rank == 5
    assert priority.status == S.PROPOSED
    assert list(priority.champions.all()) == [champion]
    assert priority.progress_updates.get().author == admin_user


@pytest.mark.django_db
def test_making_a_proposed_priority_public_is_a_form_error(admin_user: User) -> None:
    priority = PriorityFactory()
    response = login_client(admin_user).post(
        reverse("admin:priorities_priority_change", args=[priority.pk]),
        {
            "theme": priority.theme_id,
            "title_en": priority.title_en,
            "summary_en": priority.summary_en,
            "is_public": "on",
            "progress_updates-TOTAL_FORMS": "0",
            "progress_updates-INITIAL_FORMS": "0",
            "endorsements-TOTAL_FORMS": "0",
            "endorsements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Only agreed" in response.content.decode()
    priority.refresh_from_db()
    assert not priority.is_public


@pytest.mark.django_db
def test_history_records_changes_and_reverts_them(admin_user: User) -> None:
    priority = PriorityFactory(title_en="Original title")
    client = login_client(admin_user)
    form = {
        "theme": priority.theme_id,
        "summary_en": priority.summary_en,
        "progress_updates-TOTAL_FORMS": "0",
        "progress_updates-INITIAL_FORMS": "0",
        "endorsements-TOTAL_FORMS": "0",
        "endorsements-INITIAL_FORMS": "0",
    }
    change_url = reverse("admin:priorities_priority_change", args=[priority.pk])
    client.post(change_url, {**form, "title_en": "Edited title"})
    priority.refresh_from_db()
    assert priority.title_en == "Edited title"

    history = client.get(reverse("admin:priorities_priority_history", args=[priority.pk]))
    assert history.status_code == 200
    original = priority.history.earliest()
    assert original.history_user is None  # made by the factory, outside a request
    assert priority.history.latest().history_user == admin_user

    revert_url = reverse(
        "admin:priorities_priority_simple_history", args=[priority.pk, original.history_id]
    )
    page = client.get(revert_url)
    assert page.status_code == 200
    assert "Original title" in page.content.decode()
    client.post(revert_url, {**form, "title_en": "Original title"})
    priority.refresh_from_db()
    assert priority.title_en == "Original title"
    assert priority.history.count() == 3


@pytest.mark.django_db
def test_drag_and_drop_reorders_within_a_theme(admin_user: User, staff: User) -> None:
    theme = ThemeFactory()
    first, second = PriorityFactory(theme=theme, rank=1), PriorityFactory(theme=theme, rank=2)
    changelist = login_client(admin_user).get(reverse(CHANGELIST), {"theme__id__exact": theme.pk})
    assert 'class="drag handle"' in changelist.content.decode()
    unfiltered = login_client(admin_user).get(reverse(CHANGELIST))
    assert 'class="drag handle"' not in unfiltered.content.decode()

    url = reverse("admin:priorities_priority_sortable_update")
    body = json.dumps({"updatedItems": [[str(second.pk), 1], [str(first.pk), 2]]})
    refused = login_client(staff).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    done = login_client(admin_user).post(url, body, content_type="application/json")
    assert done.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.rank, first.rank) == (1, 2)


@pytest.mark.django_db
def test_moving_a_priority_to_another_theme_puts_it_last_there(admin_user: User) -> None:
    old_theme, new_theme = ThemeFactory(), ThemeFactory()
    priority = PriorityFactory(theme=old_theme, rank=1)
    PriorityFactory(theme=new_theme, rank=3)
    login_client(admin_user).post(
        reverse("admin:priorities_priority_change", args=[priority.pk]),
        {
            "theme": new_theme.pk,
            "title_en": priority.title_en,
            "summary_en": priority.summary_en,
            "progress_updates-TOTAL_FORMS": "0",
            "progress_updates-INITIAL_FORMS": "0",
            "endorsements-TOTAL_FORMS": "0",
            "endorsements-INITIAL_FORMS": "0",
        },
    )
    priority.refresh_from_db()
    assert (priority.theme, priority.rank) == (new_theme, 4)


@pytest.mark.django_db
def test_themes_are_curated_in_the_admin_too(admin_user: User) -> None:
    response = login_client(admin_user).get(reverse("admin:priorities_theme_changelist"))
    assert response.status_code == 200
    assert Theme.objects.filter(is_active=True).count() >= 4  # the four 2025 themes ship as data


@pytest.mark.django_db
def test_a_theme_s_priorities_stay_on_one_page_for_drag_and_drop(admin_user: User) -> None:
    theme = ThemeFactory()
    Priority.objects.bulk_create(
        Priority(theme=theme, title_en=f"Bulk {n}", summary_en="S", slug=f"bulk-{n}", rank=n)
        for n in range(1, 62)
    )
    client = login_client(admin_user)
    whole = client.get(reverse(CHANGELIST)).context["cl"]
    assert len(whole.result_list) == 50  # the unsortable whole list pages at 50
    one_theme = client.get(reverse(CHANGELIST), {"theme__id__exact": theme.pk}).context["cl"]
    assert len(one_theme.result_list) == 61
    assert not one_theme.multi_page


@pytest.mark.django_db
def test_the_changelist_checkbox_is_django_s_own(admin_user: User) -> None:
    from django import forms

    priority = PriorityFactory(title_en="A & B")
    response = login_client(admin_user).get(reverse(CHANGELIST))
    expected = forms.CheckboxInput(
        {"class": "action-select", "aria-label": f"Select this object for an action - {priority}"},
        lambda value: False,
    ).render(ACTION_CHECKBOX_NAME, str(priority.pk))
    html = response.content.decode()
    assert expected in html
    assert f'href="{reverse("admin:priorities_priority_change", args=[priority.pk])}"' in html
    assert "move_to_" not in html

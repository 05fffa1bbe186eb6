"""The status machine: proposed → agreed → in progress → achieved, or set aside."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from priorities import services
from priorities.models import Priority
from tests.priorities.factories import PriorityFactory, SessionFactory, ThemeFactory

S = Priority.Status
MOVES = {
    S.AGREED: lambda p, session: services.agree_priority(priority=p, session=session),
    S.IN_PROGRESS: lambda p, session: services.start_priority(priority=p),
    S.ACHIEVED: lambda p, session: services.achieve_priority(priority=p),
    S.SET_ASIDE: lambda p, session: services.set_priority_aside(priority=p),
    S.PROPOSED: lambda p, session: services.reopen_priority(priority=p),
}
ALLOWED = {
    (S.PROPOSED, S.AGREED),
    (S.PROPOSED, S.SET_ASIDE),
    (S.AGREED, S.IN_PROGRESS),
    (S.AGREED, S.ACHIEVED),
    (S.AGREED, S.SET_ASIDE),
    (S.IN_PROGRESS, S.ACHIEVED),
    (S.IN_PROGRESS, S.SET_ASIDE),
    (S.SET_ASIDE, S.PROPOSED),
}


def _priority_in(status: str) -> Priority:
    session = SessionFactory()
    needs_session = status in (S.AGREED, S.IN_PROGRESS, S.ACHIEVED)
    return PriorityFactory(status=status, agreed_at_session=session if needs_session else None)


@pytest.mark.django_db
@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_matrix(current: str, target: str) -> None:
    priority = _priority_in(current)
    if (current, target) in ALLOWED:
        MOVES[target](priority, SessionFactory())
        priority.refresh_from_db()
        assert priority.status == target
    else:
        with pytest.raises(ValidationError):
            MOVES[target](priority, SessionFactory())
        priority.refresh_from_db()
        assert priority.status == current


@pytest.mark.django_db
def test_agreeing_records_the_session() -> None:
    priority = PriorityFactory()
    session = SessionFactory()
    services.agree_priority(priority=priority, session=session)
    priority.refresh_from_db()
    assert priority.agreed_at_session == session
    assert priority.is_agreed


@pytest.mark.django_db
def test_the_database_refuses_an_agreed_priority_without_its_session() -> None:
    priority = PriorityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Priority.objects.filter(pk=priority.pk).update(status=S.AGREED)


@pytest.mark.django_db
def test_setting_aside_takes_a_priority_off_the_public_page() -> None:
    priority = PriorityFactory(agreed=True, is_public=True)
    services.set_priority_aside(priority=priority)
    priority.refresh_from_db()
    assert priority.status == S.SET_ASIDE
    assert not priority.is_public


@pytest.mark.django_db
def test_only_agreed_priorities_may_be_public() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(is_public=True)


@pytest.mark.django_db
def test_proposing_again_forgets_the_old_agreement() -> None:
    priority = PriorityFactory(agreed=True)
    services.set_priority_aside(priority=priority)
    services.reopen_priority(priority=priority)
    priority.refresh_from_db()
    assert priority.status == S.PROPOSED
    assert priority.agreed_at_session is None


@pytest.mark.django_db
def test_a_merged_priority_no_longer_moves() -> None:
    survivor, duplicate = PriorityFactory(), PriorityFactory()
    services.merge_priorities(survivor=survivor, duplicates=[duplicate])
    with pytest.raises(ValidationError):
        services.agree_priority(priority=duplicate, session=SessionFactory())


@pytest.mark.django_db
def test_new_priorities_join_the_end_of_their_theme_with_a_unique_slug() -> None:
    theme = ThemeFactory()
    first = services.create_priority(theme=theme, title_en="Peace education", summary_en="x")
    second = services.create_priority(theme=theme, title_en="Peace education", summary_en="y")
    other = services.create_priority(theme=ThemeFactory(), title_en="Public", summary_en="z")
    assert (first.rank, second.rank, other.rank) == (1, 2, 1)
    assert first.slug == "peace-education"
    assert second.slug == "peace-education-2"
    assert other.slug == "priority-public"  # never shadows the public page's path


@pytest.mark.django_db
def test_a_priority_needs_an_english_title_and_summary() -> None:
    with pytest.raises(ValidationError):
        services.create_priority(theme=ThemeFactory(), title_en="", summary_en="")
    assert not Priority.objects.exists()


@pytest.mark.django_db
def test_only_an_agreed_priority_goes_on_the_public_page() -> None:
    proposed, agreed = PriorityFactory(), PriorityFactory(agreed=True)
    with pytest.raises(ValidationError):
        services.set_priority_public(priority=proposed, public=True)
    services.set_priority_public(priority=agreed, public=True)
    agreed.refresh_from_db()
    assert agreed.is_public

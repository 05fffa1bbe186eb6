"""Merging duplicates: nothing is lost, and the old address redirects to the survivor."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Organisation, User
from priorities import services
from priorities.models import Endorsement, Priority, ProgressUpdate
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.priorities.factories import (
    EndorsementFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    RoundTableFactory,
    SessionFactory,
)


@pytest.fixture
def pair(db: None) -> tuple[Priority, Priority]:
    survivor = PriorityFactory(agreed=True, title_en="Peace education in schools")
    duplicate = PriorityFactory(title_en="Teach peace in schools")
    return survivor, duplicate


@pytest.mark.django_db
def test_merge_moves_everything_to_the_survivor(pair: tuple[Priority, Priority]) -> None:
    survivor, duplicate = pair
    only_on_duplicate = OrganisationFactory()
    on_both = OrganisationFactory()
    EndorsementFactory(priority=survivor, organisation=on_both, comment="first")
    EndorsementFactory(priority=duplicate, organisation=on_both, comment="second")
    EndorsementFactory(priority=duplicate, organisation=only_on_duplicate, comment="only")
    EndorsementFactory(
        priority=duplicate, organisation=OrganisationFactory(), withdrawn_at="2025-10-01T00:00Z"
    )
    update = ProgressUpdateFactory(priority=duplicate)
    session, round_table, champion = SessionFactory(), RoundTableFactory(), OrganisationFactory()
    duplicate.source_sessions.add(session)
    duplicate.source_round_tables.add(round_table)
    duplicate.champions.add(champion)
    survivor.source_sessions.add(session)  # shared provenance is not doubled

    services.merge_priorities(survivor=survivor, duplicates=[duplicate])

    assert Endorsement.objects.count() == 4  # nothing deleted
    assert set(Endorsement.objects.values_list("priority", flat=True)) == {survivor.pk}
    active = Endorsement.objects.filter(withdrawn_at__isnull=True)
    assert sorted(active.values_list("comment", flat=True)) == ["first", "only"]
    assert Endorsement.objects.get(comment="second").withdrawn_at is not None
    update.refresh_from_db()
    assert update.priority == survivor
    assert list(survivor.source_sessions.all()) == [session]
    assert list(survivor.source_round_tables.all()) == [round_table]
    assert list(survivor.champions.all()) == [champion]
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert ProgressUpdate.objects.filter(priority=duplicate).count() == 0


@pytest.mark.django_db
def test_a_merged_priority_leaves_the_board(member: User, pair: tuple[Priority, Priority]) -> None:
    survivor, duplicate = pair
    services.merge_priorities(survivor=survivor, duplicates=[duplicate])
    response = login_client(member).get(reverse("priorities:board"))
    shown = [p.pk for column in response.context["columns"] for p in column.priorities]
    assert shown == [survivor.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["pk", "slug"])
def test_the_old_address_redirects_to_the_survivor(
    member: User, pair: tuple[Priority, Priority], by: str
) -> None:
    survivor, duplicate = pair
    services.merge_priorities(survivor=survivor, duplicates=[duplicate])
    url = (
        reverse("priorities:detail", args=[duplicate.pk])
        if by == "pk"
        else duplicate.get_absolute_url()
    )
    response = login_client(member).get(url)
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()
    assert login_client(member).get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_merging_into_a_survivor_repoints_earlier_merges(member: User) -> None:
    first, second, third = PriorityFactory(), PriorityFactory(), PriorityFactory()
    services.merge_priorities(survivor=second, duplicates=[first])
    services.merge_priorities(survivor=third, duplicates=[second])
    first.refresh_from_db()
    assert first.merged_into == third
    response = login_client(member).get(first.get_absolute_url())
    assert response["Location"] == third.get_absolute_url()


@pytest.mark.django_db
def test_a_merged_priority_cannot_survive_or_be_merged_again(
    pair: tuple[Priority, Priority],
) -> None:
    survivor, duplicate = pair
    services.merge_priorities(survivor=survivor, duplicates=[duplicate])
    with pytest.raises(ValidationError):
        services.merge_priorities(survivor=duplicate, duplicates=[PriorityFactory()])
    with pytest.raises(ValidationError):
        services.merge_priorities(survivor=PriorityFactory(), duplicates=[duplicate])
    with pytest.raises(ValidationError):
        services.merge_priorities(survivor=survivor, duplicates=[survivor])


@pytest.mark.django_db
def test_endorsing_the_old_address_goes_to_the_survivor(
    representative: User, organisation: Organisation, pair: tuple[Priority, Priority]
) -> None:
    survivor, duplicate = pair
    services.merge_priorities(survivor=survivor, duplicates=[duplicate])
    response = login_client(representative).post(
        reverse("priorities:endorse", args=[duplicate.pk]), {"organisation": organisation.pk}
    )
    assert response.status_code == 301
    assert not Endorsement.objects.exists()

"""Participation balance: aggregate counts by community and organisation, never names."""

import pytest
from django.urls import reverse

from meetings.charts import balance_chart
from meetings.models import StrategicSession
from meetings.selectors import get_participation_balance
from meetings.services import cancel_registration, record_attendance
from members.models import Organisation
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, in_days, member_of, register

C = Organisation.Community


@pytest.fixture
def mixed_session(staff, db: None) -> StrategicSession:
    """Israeli 4 (2 attended), Palestinian 1 (1 attended), regional 1; 1 cancelled, 1 waiting."""
    session = SessionFactory(starts_at=in_days(0, 8), capacity=6, balance_threshold_percent=25)
    israeli = OrganisationFactory(name_en="Negev Dialogue", community=C.ISRAELI)
    israeli_2 = OrganisationFactory(name_en="Haifa Hub", community=C.ISRAELI)
    palestinian = OrganisationFactory(name_en="Hebron Youth Forum", community=C.PALESTINIAN)
    regional = OrganisationFactory(name_en="Amman Circle", community=C.REGIONAL)
    seats = [
        register(session, member_of(israeli, full_name="Israeli Person One")),
        register(session, member_of(israeli, full_name="Israeli Person Two")),
        register(session, member_of(israeli, full_name="Israeli Person Three")),
        register(session, member_of(israeli_2, full_name="Israeli Person Four")),
        register(session, member_of(palestinian, full_name="Palestinian Person")),
    ]
    dropped = register(session, member_of(regional, full_name="Cancelled Person"))
    cancel_registration(registration=dropped, actor=staff)
    register(session, member_of(regional, full_name="Regional Person"))
    register(session, member_of(palestinian, full_name="Waiting Person"))  # session full
    record_attendance(
        session=session, present_ids={seats[0].pk, seats[3].pk, seats[4].pk}, actor=staff
    )
    return session


@pytest.mark.django_db
def test_balance_counts_by_community(mixed_session) -> None:
    balance = get_participation_balance(session=mixed_session)
    figures = {f.key: (f.registered, f.attended) for f in balance.by_community}
    assert figures == {
        C.ISRAELI: (4, 2),
        C.PALESTINIAN: (1, 1),
        C.JOINT: (0, 0),
        C.REGIONAL: (1, 0),
        C.INTERNATIONAL: (0, 0),
    }
    assert (balance.registered, balance.attended) == (6, 3)


@pytest.mark.django_db
def test_balance_counts_by_organisation(mixed_session) -> None:
    balance = get_participation_balance(session=mixed_session)
    rows = [(f.label, f.registered, f.attended) for f in balance.by_organisation]
    assert rows == [
        ("Negev Dialogue", 3, 1),
        ("Amman Circle", 1, 0),
        ("Haifa Hub", 1, 1),
        ("Hebron Youth Forum", 1, 1),
    ]


@pytest.mark.django_db
def test_a_community_under_the_threshold_is_flagged(mixed_session) -> None:
    # Palestinians hold 1 of 6 seats (17%), under the 25% threshold; Israelis 67%.
    balance = get_participation_balance(session=mixed_session)
    assert [f.key for f in balance.under_threshold] == [C.PALESTINIAN]
    mixed_session.balance_threshold_percent = 15
    assert get_participation_balance(session=mixed_session).under_threshold == []


@pytest.mark.django_db
def test_an_empty_session_warns_of_nothing(open_session) -> None:
    balance = get_participation_balance(session=open_session)
    assert balance.registered == 0
    assert balance.under_threshold == []


@pytest.mark.django_db
def test_staff_see_the_warning_while_registration_is_open(staff, member, mixed_session) -> None:
    url = reverse("meetings:session_detail", args=[mixed_session.pk])
    assert "Participation balance:" in login_client(staff).get(url).content.decode()
    assert "Participation balance:" not in login_client(member).get(url).content.decode()
    mixed_session.status = StrategicSession.Status.CLOSED
    mixed_session.save()
    assert "Participation balance:" not in login_client(staff).get(url).content.decode()


@pytest.mark.django_db
def test_members_see_figures_but_no_names(member, mixed_session) -> None:
    page = (
        login_client(member)
        .get(reverse("meetings:session_detail", args=[mixed_session.pk]))
        .content.decode()
    )
    assert "<svg" in page and "<table" in page
    assert "Negev Dialogue" in page  # organisations are counted...
    for name in ("Israeli Person One", "Palestinian Person", "Regional Person", "Waiting Person"):
        assert name not in page  # ...people are not named


@pytest.mark.django_db
def test_the_chart_is_plain_svg_without_style_attributes(member, mixed_session) -> None:
    page = (
        login_client(member)
        .get(reverse("meetings:session_detail", args=[mixed_session.pk]))
        .content.decode()
    )
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style=" not in svg
    assert 'role="img"' in svg and "<title" in svg
    assert 'fill="#1f4e79"' in svg


@pytest.mark.django_db
def test_chart_bars_scale_to_the_largest_count(mixed_session) -> None:
    chart = balance_chart(get_participation_balance(session=mixed_session).by_community)
    israeli_registered = chart.rows[0].bars[0]
    palestinian_registered = chart.rows[1].bars[0]
    assert israeli_registered.width == 380
    assert palestinian_registered.width == 95
    assert chart.rows[2].bars[0].width == 0

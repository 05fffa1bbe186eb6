"""Reads for the members app; each returns what its page needs in a fixed number of queries.

Every read of organisations or people starts from members.permissions.visible_organisations_for
or visible_people_for, so a hidden organisation never reaches a page, a search or a list by a
road the rule does not cover.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from alliance.i18n import language_codes
from members.models import ContactVisibility, Invitation, Membership, Organisation, Sector, User
from members.permissions import may_see_contact, visible_organisations_for, visible_people_for

DIRECTORY_SORTS = ("name", "-joined", "country", "relevance")
RECENTLY_JOINED_LIMIT = 5


def list_memberships_of(*, user: User) -> QuerySet[Membership]:
    """The person's memberships with their organisations."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_en")
    )


def _display_name() -> Coalesce:
    """The organisation's name in the reader's language, falling back like alliance.i18n."""
    language = (get_language() or "en").split("-")[0]
    order = [language] + [code for code in language_codes() if code != language]
    return Coalesce(*[NullIf(F(f"name_{code}"), Value("")) for code in order], Value(""))


def _search_terms(query: str) -> list[str]:
    # Words only: nothing the user types can reach tsquery syntax.
    return re.findall(r"\w+", query)[:8]


def search_organisations(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """Organisations whose names (any language), city or description match every word typed.

    PostgreSQL: full text search with the language-neutral `simple` configuration (Arabic,
    Hebrew and English side by side) and prefix matching, annotated with `search_rank`.
    SQLite: a plain case-insensitive substring match, with a constant rank.
    """
    terms = _search_terms(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector(
            "name_en", "name_ar", "name_he", "city", "description", config="simple"
        )
        search = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
        )
        return (
            queryset.alias(search_document=vector)
            .filter(search_document=search)
            .annotate(search_rank=SearchRank(vector, search))
        )
    condition = Q()
    for term in terms:
        condition &= (
            Q(name_en__icontains=term)
            | Q(name_ar__icontains=term)
            | Q(name_he__icontains=term)
            | Q(city__icontains=term)
            | Q(description__icontains=term)
        )
    return queryset.filter(condition).annotate(search_rank=Value(1.0))


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    community: str = ""
    sector: str = ""
    country: str = ""
    status: str = ""
    sort: str = "name"


def list_directory(*, user: User, filters: DirectoryFilters) -> QuerySet[Organisation]:
    """The directory as `user` may see it, searched, filtered and sorted (sectors: see
    get_sector_ids_of)."""
    queryset = visible_organisations_for(user).annotate(display_name=_display_name())
    if filters.query:
        queryset = search_organisations(queryset, filters.query)
    if filters.community:
        queryset = queryset.filter(community=filters.community)
    if filters.sector:
        queryset = queryset.filter(sectors__slug=filters.sector)
    if filters.country:
        queryset = queryset.filter(country=filters.country)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    by_name = [Lower("display_name"), "slug"]
    if filters.sort == "-joined":
        ordering = [F("joined_on").desc(nulls_last=True), *by_name]
    elif filters.sort == "country":
        ordering = ["country", "city", *by_name]
    elif filters.sort == "relevance" and "search_rank" in queryset.query.annotations:
        ordering = ["-search_rank", *by_name]
    else:
        ordering = by_name
    return queryset.order_by(*ordering)


def get_directory_country_counts(*, user: User) -> dict[str, int]:
    """How many organisations `user` may see in each country ("" for none), by country: the
    directory's country filter and, summed, its unfiltered count (1 query)."""
    return dict(
        visible_organisations_for(user)
        .order_by("country")
        .values("country")
        .annotate(organisations=Count("pk"))
        .values_list("country", "organisations")
    )


def get_sector_ids_of(*, organisations: Iterable[Organisation]) -> dict[int, set[int]]:
    """The ids of each organisation's sectors (1 query): with the list of sectors the page
    already holds, cheaper than prefetching Sector rows for every card."""
    sector_ids: dict[int, set[int]] = {organisation.pk: set() for organisation in organisations}
    links = Organisation.sectors.through.objects.filter(organisation_id__in=sector_ids)
    for organisation_id, sector_id in links.values_list("organisation_id", "sector_id"):
        sector_ids[organisation_id].add(sector_id)
    return sector_ids


def list_sectors() -> QuerySet[Sector]:
    """Every sector, for filters and forms."""
    return Sector.objects.order_by("name_en")


def get_organisation_profile(*, user: User, slug: str) -> Organisation:
    """One organisation as `user` may see it (404 otherwise), with its sectors."""
    return get_object_or_404(visible_organisations_for(user).prefetch_related("sectors"), slug=slug)


def list_organisation_people(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's people whom `user` may see: representatives first, then by name."""
    return (
        Membership.objects.filter(organisation=organisation, user__in=visible_people_for(user))
        .select_related("user")
        .annotate(
            role_order=Case(
                When(role=Membership.Role.REPRESENTATIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("role_order", Lower("user__full_name"), "user__pk")
    )


def get_person_profile(*, user: User, person_id: int) -> User:
    """One person as `user` may see them (404 otherwise); `visible_memberships` holds only the
    organisations `user` may know of."""
    visible = Membership.objects.filter(
        organisation__in=visible_organisations_for(user)
    ).select_related("organisation")
    return get_object_or_404(
        visible_people_for(user).prefetch_related(
            Prefetch("memberships", queryset=visible, to_attr="visible_memberships")
        ),
        pk=person_id,
    )


@dataclass(frozen=True)
class ContactDetail:
    kind: str
    label: str
    value: str
    visibility_label: str


_CONTACT_FIELDS = (
    ("email", "email_visibility"),
    ("phone", "phone_visibility"),
    ("messaging_handle", "messaging_visibility"),
)


def list_contact_details(*, viewer: User, person: User) -> list[ContactDetail]:
    """The contact details of `person` that `viewer` may see, each with who else sees it."""
    if person.erased_at:
        return []
    details = []
    for field, visibility_field in _CONTACT_FIELDS:
        value = getattr(person, field)
        visibility = getattr(person, visibility_field)
        if value and may_see_contact(viewer, person, visibility):
            details.append(
                ContactDetail(
                    kind=field,
                    label=str(User._meta.get_field(field).verbose_name),
                    value=value,
                    visibility_label=str(ContactVisibility(visibility).label),
                )
            )
    return details


def list_recently_joined(*, user: User) -> QuerySet[Organisation]:
    """Active organisations that joined most recently, among those `user` may see."""
    return (
        visible_organisations_for(user)
        .filter(status=Organisation.Status.ACTIVE, joined_on__isnull=False)
        .order_by("-joined_on", "slug")[:RECENTLY_JOINED_LIMIT]
    )


def invitation_state_filter(state: str) -> Q:
    """The filter for invitations in `state` now (pending, accepted, expired, revoked)."""
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        Invitation.State.PENDING: open_ & Q(expires_at__gt=now),
        Invitation.State.EXPIRED: open_ & Q(expires_at__lte=now),
        Invitation.State.ACCEPTED: Q(accepted_at__isnull=False),
        Invitation.State.REVOKED: Q(accepted_at__isnull=True, revoked_at__isnull=False),
    }[Invitation.State(state)]


def list_invitations(*, state: str = "", query: str = "") -> QuerySet[Invitation]:
    """Invitations for the staff list, newest first, with who invited whom."""
    queryset = Invitation.objects.select_related("organisation", "invited_by", "accepted_by")
    if state:
        queryset = queryset.filter(invitation_state_filter(state))
    if query:
        queryset = queryset.filter(
            Q(email__icontains=query)
            | Q(organisation__name_en__icontains=query)
            | Q(organisation__name_ar__icontains=query)
            | Q(organisation__name_he__icontains=query)
        )
    return queryset.order_by("-created_at", "-pk")

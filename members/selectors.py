"""Reads for the members app; each returns what its page needs in a fixed number of queries."""

from django.db.models import QuerySet

from members.models import Membership, User


def list_memberships_of(*, user: User) -> QuerySet[Membership]:
    """The person's memberships with their organisations."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_en")
    )

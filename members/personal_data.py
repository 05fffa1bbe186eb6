"""What the portal holds about a person: the download (JSON) and the erasure on request.

The members app exports and erases what it owns. Other apps hold more (registrations, notes,
endorsements): every row of theirs that points at the person is exported generically, and an
app whose rows need more than that plugs in from its AppConfig.ready():

    register_personal_data(section="registrations", export=export_fn, erase=erase_fn)

`export(user)` returns JSON-serialisable data; `erase(user)` removes or blanks what must not
outlive the account. Content a person wrote stays: services.request_account_deletion clears
its author links (every nullable foreign key to the user) after the erasers ran.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import serializers
from django.db.models import Model
from django.utils import timezone

from members.models import DeletionRequest, Invitation, Membership, User

EXPORT_FORMAT = "alliance-hub-personal-data/1"

Exporter = Callable[[User], object]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class _Section:
    export: Exporter | None
    erase: Eraser | None
    models: tuple[type[Model], ...]


_SECTIONS: dict[str, _Section] = {}

# Exported by the members app itself below, or not personal data of this person.
_OWN_MODELS: tuple[type[Model], ...] = (
    Membership,
    Invitation,
    EmailAddress,
    Authenticator,
    DeletionRequest,
)


def register_personal_data(
    *,
    section: str,
    export: Exporter | None = None,
    erase: Eraser | None = None,
    models: tuple[type[Model], ...] = (),
) -> None:
    """Add an app's part of the export and of the erasure. `models` are then left out of the
    generic listing of rows that point at the person."""
    _SECTIONS[section] = _Section(export=export, erase=erase, models=models)


def run_erasers(user: User) -> None:
    """Run every registered eraser for `user` (inside the deletion's transaction)."""
    for section in _SECTIONS.values():
        if section.erase is not None:
            section.erase(user)


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None


def _rows_pointing_at(user: User) -> dict[str, list[dict[str, object]]]:
    """Every row of another app's model with a foreign key to the person, serialised."""
    skip = set(_OWN_MODELS)
    for section in _SECTIONS.values():
        skip.update(section.models)
    records: dict[str, list[dict[str, object]]] = {}
    for relation in User._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        # Audit-trail rows record other people's changes too; they are not the person's data.
        if model in skip or model.__name__.startswith("Historical"):
            continue
        rows = model._base_manager.filter(**{relation.field.name: user}).order_by("pk")
        serialised = serializers.serialize("python", rows)
        if serialised:
            key = f"{model._meta.app_label}.{model._meta.model_name}.{relation.field.name}"
            records[key] = [{"id": row["pk"], **row["fields"]} for row in serialised]
    return records


def export_personal_data(*, user: User) -> dict[str, object]:
    """Everything the portal holds about `user`, as JSON-serialisable data."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    invitations = Invitation.objects.filter(accepted_by=user).select_related(
        "organisation", "invited_by"
    )
    data: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
        },
        "profile": {
            "bio": user.bio,
            "languages_spoken": user.languages_spoken,
            "phone": user.phone,
            "messaging_handle": user.messaging_handle,
            "photo": user.photo.name or None,
            "listed_in_directory": user.listed_in_directory,
            "email_visibility": user.email_visibility,
            "phone_visibility": user.phone_visibility,
            "messaging_visibility": user.messaging_visibility,
        },
        "notifications": {
            "digest_frequency": user.digest_frequency,
            "session_reminders": user.session_reminders,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # The kinds of second factor and their dates; never their secrets.
        "two_factor_authentication": [
            {
                "type": authenticator.type,
                "created_at": _iso(authenticator.created_at),
                "last_used_at": _iso(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "memberships": [
            {
                "organisation": membership.organisation.slug,
                "organisation_name": membership.organisation.name,
                "role": membership.role,
                "title": membership.title,
                "since": _iso(membership.created_at),
            }
            for membership in memberships
        ],
        "invitations_accepted": [
            {
                "organisation": invitation.organisation.slug,
                "role": invitation.role,
                "invited_by": invitation.invited_by.full_name if invitation.invited_by else None,
                "created_at": _iso(invitation.created_at),
                "accepted_at": _iso(invitation.accepted_at),
            }
            for invitation in invitations
        ],
        "invitations_sent": [
            {
                "organisation": invitation.organisation.slug,
                "role": invitation.role,
                "created_at": _iso(invitation.created_at),
                "state": invitation.state.value,
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related(
                "organisation"
            )
        ],
        "deletion_requests": [
            {"requested_at": _iso(request.requested_at)}
            for request in DeletionRequest.objects.filter(user=user)
        ],
    }
    for name, section in _SECTIONS.items():
        if section.export is not None:
            data[name] = section.export(user)
    data["other_records"] = _rows_pointing_at(user)
    return data

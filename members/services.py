"""Every state change in the members app goes through a function here."""

import io
import logging
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from alliance.emails import render_email
from members.invitations import make_invitation_token
from members.models import DeletionRequest, Invitation, Membership, Organisation, User
from members.permissions import ADMIN_GROUP, STAFF_GROUP, Role

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=14)
PHOTO_MAX_SIDE = 800


@transaction.atomic
def set_staff_roles(*, user: User, roles: set[Role]) -> User:
    """Give or take the staff and admin roles; admin-site access follows them."""
    staff_group = Group.objects.get(name=STAFF_GROUP)
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    for role, group in ((Role.STAFF, staff_group), (Role.ADMIN, admin_group)):
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.is_staff = bool(roles & {Role.STAFF, Role.ADMIN})
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_alliance_roles", None)
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language a person chose in the switcher."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# Invitations ------------------------------------------------------------------------------


def _enqueue_invitation_email(invitation: Invitation) -> None:
    from members.tasks import send_invitation_email_task

    transaction.on_commit(partial(send_invitation_email_task.delay, invitation.pk))


@transaction.atomic
def invite_member(
    *,
    email: str,
    organisation: Organisation,
    role: str,
    language: str,
    invited_by: User | None,
) -> Invitation:
    """Invite a person by email to an organisation with a role, and queue the email.

    An address that already has an account gets the membership at once (no second account);
    the invitation is then recorded as accepted, and the email tells them they were added.
    """
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if not existing.is_active:
            raise ValidationError(
                _("This address belongs to a deactivated account; ask an admin to look at it."),
                code="inactive_account",
            )
        if Membership.objects.filter(user=existing, organisation=organisation).exists():
            raise ValidationError(
                _("This person already belongs to this organisation."), code="already_member"
            )
    open_invitation = (
        Invitation.objects.annotate(email_lower=Lower("email"))
        .filter(
            email_lower=email,
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    if open_invitation is not None:
        raise ValidationError(
            _(
                "This address already has an open invitation to this organisation. "
                "Resend or revoke it from the list of invitations."
            ),
            code="open_invitation",
        )
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        language=language,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    if existing is not None:
        accept_invitation(invitation=invitation, user=existing)
    _enqueue_invitation_email(invitation)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Use an invitation once: the person joins its organisation with its role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation can no longer be used."), code="unusable")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.REPRESENTATIVE:
        membership.role = Membership.Role.REPRESENTATIVE
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user.__dict__.pop("_alliance_roles", None)
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> Invitation:
    """Make a not-yet-accepted invitation unusable; its link then leads nowhere."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation was already accepted; remove the membership instead."),
            code="accepted",
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation) -> Invitation:
    """Send a pending or expired invitation again, valid for another 14 days."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."), code="accepted")
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was revoked; invite the person again instead."), code="revoked"
        )
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    # Clearing sent_at lets the task claim the row again (see send_invitation_email).
    invitation.sent_at = None
    invitation.save(update_fields=["expires_at", "sent_at"])
    _enqueue_invitation_email(invitation)
    return invitation


def invitation_url(invitation: Invitation) -> str:
    """The absolute, signed link to accept `invitation`, in its language."""
    with translation.override(invitation.language):
        path = reverse(
            "members:accept_invitation", kwargs={"token": make_invitation_token(invitation)}
        )
    return f"{settings.SITE_URL}{path}"


def send_invitation_email(*, invitation_id: int) -> bool:
    """Send the invitation (or, for an existing account, the membership notice) once.

    The row is claimed by setting sent_at where it is still empty, so a task that runs twice
    sends once; a failed send releases the claim for the task's retry.
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, revoked_at__isnull=True
    ).update(sent_at=now)
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if invitation.accepted_by_id is not None:
        template_prefix = "members/email/membership_added"
        link = f"{settings.SITE_URL}{_localized_path('account_login', invitation.language)}"
    else:
        template_prefix = "members/email/invitation"
        link = invitation_url(invitation)
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "organisation_name": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "inviter_name": invitation.invited_by.full_name if invitation.invited_by else "",
            "link": link,
            "expires_at": invitation.expires_at,
        }
    message = render_email(
        template_prefix=template_prefix,
        context=context,
        to=[invitation.email],
        language=invitation.language,
    )
    try:
        message.send()
    except Exception:
        Invitation.objects.filter(pk=invitation_id, sent_at=now).update(sent_at=None)
        raise
    return True


def _localized_path(url_name: str, language: str) -> str:
    with translation.override(language):
        return reverse(url_name)


# Profile and settings ---------------------------------------------------------------------

SETTINGS_FIELDS = frozenset(
    {
        "full_name",
        "bio",
        "languages_spoken",
        "phone",
        "messaging_handle",
        "email_visibility",
        "phone_visibility",
        "messaging_visibility",
        "listed_in_directory",
        "preferred_language",
        "time_zone",
        "digest_frequency",
        "session_reminders",
    }
)


def _normalised_photo(upload: UploadedFile) -> ContentFile:
    """The photo re-encoded without its metadata (camera, place) and at most 800 px wide."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        buffer = io.BytesIO()
        if image.mode == "RGBA":
            image.save(buffer, format="PNG", optimize=True)
            suffix = ".png"
        else:
            image.save(buffer, format="JPEG", quality=85, optimize=True)
            suffix = ".jpg"
    return ContentFile(buffer.getvalue(), name=f"photo{suffix}")


def _delete_file_after_commit(field_file: models.fields.files.FieldFile) -> None:
    name = field_file.name
    storage = field_file.storage
    if name:
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def update_settings(
    *,
    user: User,
    changes: dict[str, object],
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    membership_titles: dict[int, str] | None = None,
) -> User:
    """Save a person's profile, contact visibility, language, time zone and notifications."""
    unknown = set(changes) - SETTINGS_FIELDS
    if unknown:
        raise ValueError(f"Not a setting: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(user, field, value)
    update_fields = list(changes)
    if photo is not None or remove_photo:
        if user.photo:
            _delete_file_after_commit(user.photo)
        if photo is not None:
            normalised = _normalised_photo(photo)
            user.photo.save(normalised.name, normalised, save=False)
        else:
            user.photo = ""
        update_fields.append("photo")
    user.save(update_fields=update_fields)
    for membership_id, title in (membership_titles or {}).items():
        Membership.objects.filter(pk=membership_id, user=user).exclude(title=title).update(
            title=title
        )
    return user


# Deletion ---------------------------------------------------------------------------------


@transaction.atomic
def request_account_deletion(*, user: User) -> DeletionRequest:
    """Honour a person's request to delete their account: deactivate it and erase their data.

    What they wrote elsewhere stays, with its author removed; the request is kept (without
    personal data) so staff see in the admin that it was made and carried out.
    """
    from members.personal_data import run_erasers

    user = User.objects.select_for_update().get(pk=user.pk)
    request = DeletionRequest.objects.create(user=user)
    run_erasers(user)
    _unattribute_content(user)
    if user.photo:
        _delete_file_after_commit(user.photo)
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(
        models.Q(accepted_by=user) | models.Q(email__iexact=user.email)
    ).update(email=f"erased-{user.pk}@erased.invalid")
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    erased_email = f"erased-{user.pk}@erased.invalid"
    User.objects.filter(pk=user.pk).update(
        email=erased_email,
        full_name="",
        photo="",
        bio="",
        languages_spoken=[],
        phone="",
        messaging_handle="",
        email_visibility="staff",
        phone_visibility="staff",
        messaging_visibility="staff",
        listed_in_directory=False,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        password=f"!{erased_email}",  # an unusable password
        erased_at=timezone.now(),
    )
    request.completed_at = timezone.now()
    request.save(update_fields=["completed_at"])
    logger.info("Erased the personal data of account %s on its owner's request.", user.pk)
    return request


def _unattribute_content(user: User) -> None:
    """Clear every nullable link from content to the person (author, invited by, ...)."""
    for relation in User._meta.related_objects:
        field = relation.field
        if not (relation.one_to_many or relation.one_to_one) or not field.null:
            continue
        if relation.related_model is DeletionRequest or not field.concrete:
            continue
        relation.related_model._base_manager.filter(**{field.name: user}).update(
            **{field.name: None}
        )

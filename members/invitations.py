"""Signed invitation links and the session key that opens sign-up for one invitation."""

from django.core import signing
from django.http import HttpRequest

from members.models import Invitation

SIGNUP_SESSION_KEY = "alliance_invitation_id"
_SALT = "members.invitation"


def make_invitation_token(invitation: Invitation) -> str:
    """A signed, URL-safe token naming the invitation."""
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=_SALT)


def read_invitation_token(token: str, *, max_age_seconds: int) -> Invitation | None:
    """The invitation a token names, or None for a forged, stale or unknown token."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age_seconds)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.filter(pk=payload.get("id")).first()
    if invitation is None or invitation.email.lower() != str(payload.get("email", "")).lower():
        return None
    return invitation


def get_signup_invitation(request: HttpRequest) -> Invitation | None:
    """The usable invitation this browser session is signing up through, if any."""
    invitation_id = request.session.get(SIGNUP_SESSION_KEY)
    if invitation_id is None:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable():
        return None
    return invitation

"""Signed one-click unsubscribe links (RFC 8058) and the preference each list maps to."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from alliance.mail.registry import MailingList
from members.models import User

_SALT = "alliance.mail.unsubscribe"


def make_unsubscribe_token(*, user: User, mailing_list: MailingList) -> str:
    """A signed, URL-safe token naming a person and a list. It does not expire: mail is old."""
    return signing.Signer(salt=_SALT).sign_object({"u": user.pk, "l": str(mailing_list)})


def read_unsubscribe_token(token: str) -> tuple[User, MailingList] | None:
    """The person and list a token names, or None for a forged token or an unknown person."""
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("l") not in MailingList.values:
        return None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        return None
    return user, MailingList(payload["l"])


def get_unsubscribe_url(*, user: User, mailing_list: MailingList) -> str:
    """The absolute link (from SITE_URL) that takes `user` off `mailing_list`."""
    token = make_unsubscribe_token(user=user, mailing_list=mailing_list)
    return f"{settings.SITE_URL}{reverse('mail:unsubscribe', args=[token])}"


def is_subscribed(*, user: User, mailing_list: MailingList) -> bool:
    """Whether a person still wants the emails of a list."""
    if mailing_list == MailingList.DIGEST:
        return user.digest_frequency != User.DigestFrequency.OFF
    return bool(user.session_reminders)

"""allauth adapters: sign-up only through an invitation."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from members.invitations import get_signup_invitation


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """There is no open sign-up: a valid invitation in the session is the only way in."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return get_signup_invitation(request) is not None

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        """The invited address is verified: the invitation link reached its inbox."""
        invitation = get_signup_invitation(request)
        if invitation is not None and invitation.email.lower() == email.lower():
            return True
        return super().is_email_verified(request, email)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """The hub home in the person's own language (an explicit ?next= still wins)."""
        language = getattr(request.user, "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            return reverse("members:home")


def _mfa_fernet() -> Fernet:
    """The key that seals TOTP secrets at rest, from MFA_ENCRYPTION_KEY (else SECRET_KEY)."""
    material = settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"alliance-hub-mfa:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class AllianceMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are stored encrypted: a copy of the database alone cannot mint codes."""

    def get_totp_issuer(self) -> str:
        return "Alliance Hub"

    def encrypt(self, text: str) -> str:
        return _mfa_fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _mfa_fernet().decrypt(encrypted_text.encode()).decode()

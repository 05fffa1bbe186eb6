"""Connects allauth's sign-up to our invitations (they should not know each other)."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import get_language

from members.invitations import SIGNUP_SESSION_KEY, get_signup_invitation
from members.models import User
from members.services import accept_invitation, set_preferred_language


@receiver(user_signed_up)
def use_invitation_on_sign_up(sender: object, request: HttpRequest, user: User, **kwargs) -> None:
    invitation = get_signup_invitation(request)
    language = (get_language() or "en").split("-")[0]
    set_preferred_language(user=user, language=language)
    if invitation is not None and invitation.email.lower() == user.email.lower():
        accept_invitation(invitation=invitation, user=user)
    request.session.pop(SIGNUP_SESSION_KEY, None)


def sync_role_groups_after_migrate(sender: object, apps: object = None, **kwargs: object) -> None:
    """Give the role groups the permissions of models that later migrations added.

    `manage.py flush` (and transactional tests) send post_migrate without `apps`: then the
    groups are rebuilt from the current models.
    """
    from django.apps import apps as global_apps

    from members.roles import sync_role_groups

    sync_role_groups(apps or global_apps)

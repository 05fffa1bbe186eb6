"""The one email helper: a message rendered from templates in its reader's language.

Templates follow allauth's scheme, so there is one across the site: `<prefix>_subject.txt`,
`<prefix>_message.txt` and, optionally, `<prefix>_message.html`. The text and HTML bodies are
wrapped in templates/email/base_message.txt and base_message.html (which sets lang and dir,
right-to-left for Arabic and Hebrew, and shows the unsubscribe link of bulk email).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe


def render_email(
    *,
    template_prefix: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    language: str,
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    unsubscribe_url: str | None = None,
) -> EmailMultiAlternatives:
    """Render `<template_prefix>_*` in `language` into a text (+ HTML) message to `to`."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        full_context = {
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
            **context,
        }
        subject = render_to_string(f"{template_prefix}_subject.txt", full_context)
        # A header must be one line, whatever the template's line breaks.
        subject = " ".join(subject.split())
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        if prefix and not subject.startswith(prefix):
            subject = f"{prefix}{subject}"
        text = render_to_string(f"{template_prefix}_message.txt", full_context).strip()
        text = render_to_string(
            "email/base_message.txt", {**full_context, "content": text, "subject": subject}
        )
        try:
            html_fragment = render_to_string(f"{template_prefix}_message.html", full_context)
        except TemplateDoesNotExist:
            html = None
        else:
            # The fragment was rendered with autoescaping on; it is markup we produced.
            html = render_to_string(
                "email/base_message.html",
                {**full_context, "content": mark_safe(html_fragment), "subject": subject},  # noqa: S308
            )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=dict(headers or {}),
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message

from django import template
from django.utils.safestring import SafeString

from alliance.markdown import render_markdown

register = template.Library()

STATUS_BADGES = {
    "proposed": "text-bg-secondary",
    "agreed": "text-bg-primary",
    "in_progress": "text-bg-warning",
    "achieved": "text-bg-success",
    "set_aside": "text-bg-light border",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge classes for a priority status."""
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Markdown to sanitised HTML."""
    return render_markdown(text or "")

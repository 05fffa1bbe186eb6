from functools import lru_cache

from django import template
from django.utils.safestring import SafeString

from alliance.markdown import render_markdown
from priorities.models import Priority

register = template.Library()

STATUS_BADGES = {
    "proposed": "text-bg-secondary",
    "agreed": "text-bg-primary",
    "in_progress": "text-bg-warning",
    "achieved": "text-bg-success",
    "set_aside": "text-bg-light border",
}


@register.filter
def status_label(status: str) -> str:
    """A priority status's label in the active language.

    Lists use this rather than get_status_display(), which rebuilds the choices on every call:
    on a board of hundreds of priorities that was a sixth of the page's time.
    """
    try:
        return str(Priority.Status(status).label)
    except ValueError:
        return status


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge classes for a priority status."""
    return STATUS_BADGES.get(status, "text-bg-secondary")


@lru_cache(maxsize=1024)
def _rendered(text: str) -> SafeString:
    # The HTML depends on the text alone; building a Markdown parser costs milliseconds.
    return render_markdown(text)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Markdown to sanitised HTML."""
    if not text or len(text) > 20_000:
        return render_markdown(text or "")
    return _rendered(text)

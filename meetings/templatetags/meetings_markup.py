"""Template filters for meetings pages."""

from django import template
from django.utils.safestring import SafeString

from alliance.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown to sanitised HTML: {{ session.agenda|markdown }}."""
    return render_markdown(text or "")

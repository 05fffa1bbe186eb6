"""Template filters for meetings pages."""

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString

from alliance.markdown import render_markdown

register = template.Library()


@lru_cache(maxsize=2048)
def _rendered(text: str) -> SafeString:
    # The HTML depends on the text alone, and building a Markdown parser costs milliseconds:
    # a session page shows dozens of summaries, the same ones request after request.
    return render_markdown(text)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown to sanitised HTML: {{ session.agenda|markdown }}."""
    if not text:
        return render_markdown("")
    # Very long texts are rendered each time rather than held in memory.
    return _rendered(text) if len(text) <= 20_000 else render_markdown(text)

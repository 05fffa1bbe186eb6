"""Template filters for meetings pages."""

import html
from functools import lru_cache

from django import template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator

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


@lru_cache(maxsize=4096)
def _excerpt(text: str, words: int) -> str:
    # Plain text of the rendered (sanitised) HTML, so no Markdown syntax shows; the template
    # escapes it again like any text.
    plain = html.unescape(strip_tags(_rendered(text)))
    return Truncator(" ".join(plain.split())).words(words, truncate=" …")


@register.filter(name="excerpt")
def excerpt_filter(text: str, words: int = 40) -> str:
    """The first `words` words of a Markdown text, as plain text: {{ note.summary|excerpt }}."""
    if not text:
        return ""
    # Only the start matters; a very long text is cut before it is rendered.
    return _excerpt(text[:4000], int(words))

"""render_markdown: Markdown to HTML that is safe to put in a page."""

from django.utils.safestring import SafeString

from alliance.markdown import render_markdown


def test_markdown_becomes_html() -> None:
    html = render_markdown("## Agenda\n\n1. Welcome\n2. **Round tables**")
    assert isinstance(html, SafeString)
    assert "<h2>Agenda</h2>" in html
    assert "<ol>" in html and "<strong>Round tables</strong>" in html


def test_scripts_and_event_handlers_are_removed() -> None:
    html = render_markdown('<script>alert(1)</script><img src="x" onerror="alert(1)">hi')
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "onerror" not in html
    assert "<img" not in html


def test_links_get_safe_rel_and_only_web_schemes() -> None:
    html = render_markdown("[site](https://example.org) [bad](javascript:alert(1))")
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert "javascript:" not in html


def test_raw_html_links_are_cleaned_too() -> None:
    html = render_markdown('<a href="https://example.org" rel="opener" target="_top">x</a>')
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "target=" not in html


def test_tables_from_markdown_are_kept() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html


def test_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""

"""Hostile Markdown in notes never executes: the rendered output is inert."""

import re

import pytest
from django.urls import reverse

from alliance.markdown import render_markdown
from members.models import User
from tests.conftest import login_client
from tests.meetings.notes.conftest import World

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<body onload="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p title="x" onmouseover="alert(1)">hover</p>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="java\tscript:alert(1)">tab</a>',
    "<<script>alert(1)//<</script>",
    '"><script>alert(1)</script>',
    '[x](javascript:alert(1) "title")',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '<http://a.example/"onmouseover="alert(1)>',
    "`<script>alert(1)</script>`",
    "**<img src=x onerror=alert(1)>**",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    '<base href="https://evil.example/">',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<img src="x" /onerror=alert(1)>',
    '<details open ontoggle="alert(1)">',
]

EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
DANGEROUS_TAG = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|img|details|body)\b",
    re.IGNORECASE,
)
DANGEROUS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I)


def assert_inert(html: str) -> None:
    assert not EVENT_HANDLER.search(html), html
    assert not DANGEROUS_TAG.search(html), html
    assert not DANGEROUS_URL.search(html), html
    assert "style=" not in html.lower(), html


@pytest.mark.parametrize("vector", VECTORS)
def test_render_markdown_makes_each_vector_inert(vector: str) -> None:
    assert_inert(str(render_markdown(vector)))
    assert_inert(str(render_markdown(f"Some text\n\n{vector}\n\n* item {vector}")))


def test_links_get_rel_noopener_noreferrer_nofollow() -> None:
    html = str(render_markdown("[site](https://example.org) and <https://example.net>"))
    assert html.count('rel="noopener noreferrer nofollow"') == 2
    assert 'href="https://example.org"' in html


@pytest.mark.django_db
def test_the_note_page_renders_hostile_notes_inert(world: World, staff: User) -> None:
    note = world.notes["published"]
    note.summary = "\n\n".join(VECTORS)
    note.body = "\n\n".join(VECTORS)
    note.save()
    note.key_points.create(text="<script>alert(1)</script>")
    note.recommendations.create(text='<img src=x onerror="alert(1)">')
    html = login_client(staff).get(reverse("meetings:note_detail", args=[note.pk])).content.decode()
    # From the summary to the end of the page's main part (the staff buttons above are forms).
    main = html.split('aria-labelledby="summary"', 1)[1].split("</main>", 1)[0]
    assert "Full record" in main
    assert_inert(main)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main  # key points are escaped text

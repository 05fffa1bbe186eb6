"""Three languages, right-to-left where the language is; one layout for every page."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import login_client


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        self.tags.append((tag, dict(attrs)))


def parse(content: bytes) -> _Page:
    page = _Page()
    page.feed(content.decode())
    return page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "stylesheet"),
    [
        ("en", "ltr", "bootstrap.min.css"),
        ("ar", "rtl", "bootstrap.rtl.min.css"),
        ("he", "rtl", "bootstrap.rtl.min.css"),
    ],
)
def test_sign_in_page_direction_follows_language(
    language: str, direction: str, stylesheet: str
) -> None:
    page = parse(Client().get(f"/{language}/accounts/login/").content)
    assert page.html_attrs == {"lang": language, "dir": direction}
    stylesheets = [
        a["href"] for tag, a in page.tags if tag == "link" and a.get("rel") == "stylesheet"
    ]
    assert any(href.endswith(stylesheet) for href in stylesheets)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "he"])
def test_hub_home_is_translated_and_rtl(member, language: str) -> None:
    response = login_client(member).get(f"/{language}/")
    page = parse(response.content)
    assert page.html_attrs["dir"] == "rtl"
    with translation.override(language):
        assert translation.gettext("My organisations") != "My organisations"
        assert translation.gettext("My organisations") in response.content.decode()


def _asset_urls(page: _Page) -> list[str]:
    urls = []
    for _tag, attrs in page.tags:
        for attribute in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(attribute):
                urls.append(attrs[attribute])
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/accounts/login/", "/ar/accounts/login/", "/en/privacy/"])
def test_public_pages_load_nothing_from_another_host(path: str) -> None:
    for url in _asset_urls(parse(Client().get(path).content)):
        assert not url.startswith(("http:", "https:", "//")), url


@pytest.mark.django_db
def test_signed_in_pages_load_nothing_from_another_host(admin_user) -> None:
    client = login_client(admin_user)
    for path in ["/en/", "/he/", "/admin/", "/en/accounts/2fa/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        for url in _asset_urls(parse(response.content)):
            assert not url.startswith(("http:", "https:", "//")), (path, url)


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_labelled_form() -> None:
    page = parse(Client().get("/en/accounts/login/").content)
    tags = [tag for tag, _attrs in page.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags
    skip = next(a for t, a in page.tags if t == "a" and "skip-link" in (a.get("class") or ""))
    assert skip["href"] == "#main"
    inputs = [a for t, a in page.tags if t == "input" and a.get("type") not in ("hidden", "submit")]
    labelled = {a.get("for") for t, a in page.tags if t == "label"}
    assert inputs and all(a.get("id") in labelled for a in inputs)


@pytest.mark.django_db
def test_switching_language_remembers_the_choice(member) -> None:
    client = login_client(member)
    response = client.post(reverse("set_language"), {"language": "he", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/he/"
    member.refresh_from_db()
    assert member.preferred_language == "he"


@pytest.mark.django_db
def test_sign_in_lands_on_the_home_page_in_the_preferred_language(member) -> None:
    member.preferred_language = "ar"
    member.save()
    response = Client().post(
        "/en/accounts/login/", {"login": member.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ar/"

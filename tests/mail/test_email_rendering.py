"""The one email helper: templates in the reader's language, wrapped in the base layout."""

import pytest
from django.core.checks import Error

from alliance.emails import render_email
from alliance.mail.checks import check_mail_timing, check_site_url_is_https

NOTICE = "mail/email/notice"


def _render(language: str, **extra: object):
    return render_email(
        template_prefix=NOTICE,
        context={
            "recipient_name": "Maya",
            "title": "Line one\nline two",
            "body": "Fish & chips <b>",
            "action_url": "https://hub.example.org/",
            "action_label": "Open",
        },
        to=["maya@example.org"],
        language=language,
        **extra,
    )


def _html(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize("language", ["ar", "he"])
def test_arabic_and_hebrew_email_is_right_to_left(language: str) -> None:
    html = _html(_render(language))
    assert f'<html lang="{language}" dir="rtl">' in html


def test_english_email_is_left_to_right() -> None:
    assert '<html lang="en" dir="ltr">' in _html(_render("en"))


def test_an_unknown_language_falls_back_to_the_default() -> None:
    assert '<html lang="en" dir="ltr">' in _html(_render("xx"))


def test_the_subject_is_one_line_with_the_site_prefix(settings) -> None:
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alliance Hub] "
    assert _render("en").subject == "[Alliance Hub] Line one line two"


def test_text_is_not_escaped_and_html_is(settings) -> None:
    message = _render("en")
    assert "Fish & chips <b>" in message.body
    assert "Fish &amp; chips &lt;b&gt;" in _html(message)


def test_the_unsubscribe_link_appears_in_both_bodies() -> None:
    message = _render("en", unsubscribe_url="https://hub.example.org/mail/unsubscribe/t/")
    assert "https://hub.example.org/mail/unsubscribe/t/" in message.body
    assert 'href="https://hub.example.org/mail/unsubscribe/t/"' in _html(message)


def test_a_message_without_an_html_template_is_text_only(tmp_path, settings) -> None:
    (tmp_path / "plain_subject.txt").write_text("Plain")
    (tmp_path / "plain_message.txt").write_text("Just text")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    message = render_email(template_prefix="plain", context={}, to=["a@example.org"], language="en")
    assert message.alternatives == []
    assert message.body.startswith("Just text")


def test_the_claim_timeout_must_outlive_a_task(settings) -> None:
    settings.CELERY_TASK_TIME_LIMIT = 300
    settings.MAIL_CLAIM_TIMEOUT = 300
    assert [p.id for p in check_mail_timing() if isinstance(p, Error)] == ["mail.E001"]


def test_retries_must_wait_well_less_than_the_visibility_timeout(settings) -> None:
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1000}
    settings.MAIL_RETRY_BACKOFF_MAX = 600
    assert [p.id for p in check_mail_timing()] == ["mail.E002"]


def test_the_shipped_timings_pass_the_checks() -> None:
    assert check_mail_timing() == []


def test_a_plain_http_site_url_is_flagged_for_deployment(settings) -> None:
    settings.SITE_URL = "http://hub.example.org"
    assert [p.id for p in check_site_url_is_https()] == ["mail.W001"]
    settings.SITE_URL = "https://hub.example.org"
    assert check_site_url_is_https() == []

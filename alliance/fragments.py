"""Page fragments rendered once and shared by everyone who would see the very same HTML.

A fragment is a template rendered from plain values only (strings, numbers, booleans, None,
dates, and lists, tuples, dicts and dataclasses of them) that the page read in the same request
through its own selectors. The template gets those values and nothing else (no request, no
user, no CSRF token), so its HTML is a function of them: the cache key is a digest of the
values, the template's source, the language and the translation catalogues. A change made any
way (a service, the admin, a bulk update, a rollback) is a new key; nothing is ever
invalidated, and what a viewer may not see never reaches the values, so it cannot reach the key
or the HTML. A per-person value (such as "endorsed by my organisation") is simply one of them.

Used by the priorities board, the session page and the round-table page (their sections were
most of their time).
When the cache is unreachable the fragment is rendered, not refused: the page is slower, not down.
"""

import dataclasses
import datetime
import hashlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# The key holds the content, so this only bounds how long an entry nobody asks for stays.
FRAGMENT_SECONDS = 60 * 60

_PLAIN = frozenset({str, int, float, bool, type(None), datetime.date, datetime.datetime})


def _check_plain(value: object) -> None:
    # A model instance or a lazy string would make the key miss what the HTML shows: its repr
    # names it but does not hold its data (or its translation).
    if type(value) in _PLAIN:
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_plain(key)
            _check_plain(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            _check_plain(getattr(value, item.name))
    else:
        raise TypeError(f"A shared fragment is rendered from plain values, not {type(value)!r}.")


def _catalogue_version() -> str:
    # A deploy with new translations must not serve fragments rendered with the old ones.
    stamps = sorted(
        f"{path}:{path.stat().st_mtime_ns}:{path.stat().st_size}"
        for locale in settings.LOCALE_PATHS
        for path in Path(locale).glob("*/LC_MESSAGES/*.mo")
    )
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16]


_CATALOGUES = _catalogue_version()


def fragment_key(template_name: str, data: Mapping[str, object]) -> str:
    """The cache key of `template_name` rendered with `data` (plain values only)."""
    _check_plain(dict(data))
    # Hashed on each use (microseconds; the loader caches the template itself), so that an
    # edited template shows at once in development too.
    source = get_template(template_name).template.source
    material = repr((template_name, source, get_language(), _CATALOGUES, sorted(data.items())))
    return "fragment:" + hashlib.sha256(material.encode()).hexdigest()


def render_fragments(fragments: Sequence[tuple[str, Mapping[str, object]]]) -> list[SafeString]:
    """Each (template, data) rendered or taken from the cache, in one cache round trip."""
    keys = [fragment_key(name, data) for name, data in fragments]
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.warning("Fragment cache unreachable; rendering without it.", exc_info=True)
        found, keys = {}, []
    rendered, missing = [], {}
    for index, (name, data) in enumerate(fragments):
        html = found.get(keys[index]) if keys else None
        if html is None:
            html = render_to_string(name, dict(data))
            if keys:
                missing[keys[index]] = html
        # Our own template's output, autoescaped when it was rendered (here or from the cache).
        rendered.append(mark_safe(html))  # noqa: S308
    if missing:
        try:
            cache.set_many(missing, FRAGMENT_SECONDS)
        except Exception:
            logger.warning("Fragment cache unreachable; not stored.", exc_info=True)
    return rendered


def render_fragment(template_name: str, data: Mapping[str, object]) -> SafeString:
    """`template_name` rendered with `data` (plain values only), or taken from the cache."""
    return render_fragments([(template_name, data)])[0]

"""Helpers for content that is stored once per UI language (name_en, name_ar, name_he)."""

from django.conf import settings
from django.utils.translation import get_language


def language_codes() -> list[str]:
    """The UI languages, in the order the settings list them."""
    return [code for code, _name in settings.LANGUAGES]


def localized(obj: object, field: str, language: str | None = None) -> str:
    """The reader's language version of `field` on `obj`, falling back to the others in order."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [language] + [code for code in language_codes() if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""

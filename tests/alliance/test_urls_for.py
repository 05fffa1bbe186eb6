"""url_maker gives the very addresses reverse() gives, from one reverse()."""

import pytest
from django.urls import reverse
from django.utils import translation

from alliance.urls_for import url_maker


@pytest.mark.parametrize("language", ["en", "ar", "he"])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("members:organisation", "olive-branch-2025"),
        ("members:organisation", "918273645x"),
        ("priorities:detail", "water-first"),
        ("admin:priorities_priority_change", 42),
        ("meetings:note_detail", 7),
    ],
)
def test_the_address_is_the_one_reverse_builds(language: str, name: str, value: object) -> None:
    with translation.override(language):
        assert url_maker(name)(value) == reverse(name, args=[value])

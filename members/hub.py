"""Where later apps add their sections to the hub home and to organisation pages.

The members app does not import the apps that build on it. An app adds a section from its
AppConfig.ready():

    register_home_context(next_session_context)      # (request) -> {"next_session": ...}
    register_organisation_context(sessions_context)  # (request, organisation) -> {...}

Each provider returns template context; the templates show a section only when its key is
set (`{% if latest_priorities %}`). The keys the templates read:

- hub home (members/home.html): `next_session`,
  `my_registration` (shown with get_status_display), `registration_url`, `latest_priorities`
  and `recent_notes` (lists of objects shown with str() and get_absolute_url);
- organisation page (members/organisation_detail.html): `sessions_taken_part` (a list of
  {"label": ..., "url": ...} links, worked out by the provider) and `endorsed_priorities`
  (a list of objects, as on the hub home). A provider there must apply the organisation
  visibility rule itself only for objects of its own; the page is already 404 for a viewer
  who may not see the organisation. A provider must run a fixed number of queries, whatever
the number of organisations: the home and directory tests pin the counts.
"""

from collections.abc import Callable, Mapping

from django.http import HttpRequest

from members.models import Organisation

HomeContextProvider = Callable[[HttpRequest], Mapping[str, object]]
OrganisationContextProvider = Callable[[HttpRequest, Organisation], Mapping[str, object]]

_HOME: list[HomeContextProvider] = []
_ORGANISATION: list[OrganisationContextProvider] = []


def register_home_context(provider: HomeContextProvider) -> None:
    """Add a provider of hub-home context (idempotent)."""
    if provider not in _HOME:
        _HOME.append(provider)


def register_organisation_context(provider: OrganisationContextProvider) -> None:
    """Add a provider of organisation-page context (idempotent)."""
    if provider not in _ORGANISATION:
        _ORGANISATION.append(provider)


def home_context(request: HttpRequest) -> dict[str, object]:
    """The context every registered provider adds to the hub home."""
    context: dict[str, object] = {}
    for provider in _HOME:
        context.update(provider(request))
    return context


def organisation_context(request: HttpRequest, organisation: Organisation) -> dict[str, object]:
    """The context every registered provider adds to an organisation's page."""
    context: dict[str, object] = {}
    for provider in _ORGANISATION:
        context.update(provider(request, organisation))
    return context

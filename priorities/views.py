from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.fragments import render_fragments
from alliance.urls_for import url_maker
from members.decorators import require_action
from members.middleware import staff_area
from members.permissions import Action, Role, may, roles_of
from priorities import selectors, services
from priorities.forms import BoardFilterForm, EndorseForm, ProgressUpdateForm
from priorities.models import Priority, Theme
from priorities.permissions import (
    endorsing_organisations_for,
    get_endorsement_to_withdraw,
    get_organisation_to_endorse_for,
    get_priority_for_user,
    may_endorse,
    may_post_progress_update,
    progress_organisations_for,
)

# A theme browsed on its own is paginated; 24 fills the board's two- and three-column grid.
BOARD_PAGE_SIZE = 24


@dataclass
class BoardColumn:
    theme: Theme
    priorities: list[Priority]
    total: int
    more_url: str = ""


def _with_urls(priorities: list[Priority]) -> list[Priority]:
    # One reverse() for the page rather than one a card: the slug converter passes slugs
    # through unchanged, so the address is the same one reverse() would build.
    url_for = url_maker("priorities:detail")
    for priority in priorities:
        priority.url = url_for(priority.slug)
    return priorities


def _chart_fragment(chart: list[selectors.ChartRow]) -> dict[str, object]:
    """What the status chart shows, as plain values (see alliance.fragments)."""
    return {
        "chart_rtl": get_language_bidi(),
        "chart_rows": [
            {
                "name": row.theme.name,
                "total": row.total,
                "segments": [
                    {
                        "label": str(s.label),
                        "count": s.count,
                        "colour": s.colour,
                        "x": s.x,
                        "width": s.width,
                    }
                    for s in row.segments
                ],
            }
            for row in chart
        ],
    }


def _columns_fragment(columns: list[BoardColumn], *, filtered: bool) -> dict[str, object]:
    """What the board's theme sections show, as plain values (see alliance.fragments)."""
    return {
        "filtered": filtered,
        "sections": [
            {
                "theme": {
                    "pk": column.theme.pk,
                    "name": column.theme.name,
                    "colour": column.theme.colour,
                },
                "total": column.total,
                "more_url": column.more_url,
                "priorities": [
                    {
                        "url": p.url,
                        "title": p.title,
                        "status": p.status,
                        "summary": p.summary,
                        "mine": bool(p.endorsed_by_mine),
                        "endorsements": p.endorsement_count,
                    }
                    for p in column.priorities
                ],
            }
            for column in columns
        ],
    }


@require_GET
@require_action(Action.USE_HUB)
def board(request: HttpRequest) -> HttpResponse:
    """The priorities board: each theme's first priorities, or one theme in pages; a chart."""
    form = BoardFilterForm(request.GET or None)
    cleaned: dict[str, object] = {}
    if form.is_bound:
        form.is_valid()  # a bad value is ignored; the valid filters still apply
        cleaned = form.cleaned_data
    status, mine = str(cleaned.get("status") or ""), bool(cleaned.get("mine"))
    themes = list(selectors.list_board_themes())
    theme = next((t for t in themes if t.pk == cleaned.get("theme")), None)
    # The filters in force, carried by the links between the overview and a theme's pages.
    filters = {k: v for k, v in (("status", status), ("mine", "on" if mine else "")) if v}
    page_obj = None
    if theme is None:
        heads = selectors.list_board_heads(
            user=request.user, themes=themes, status=status, endorsed_by_my_organisation=mine
        )
        by_theme: dict[int, list[Priority]] = {}
        for priority in _with_urls(list(heads)):
            by_theme.setdefault(priority.theme_id, []).append(priority)
        columns = []
        for each in themes:
            items = by_theme.get(each.pk, [])
            for priority in items:
                priority.theme = each  # the heads come without their theme: no join needed
            if mine:
                total = items[0].theme_total if items else 0
            else:
                total = selectors.board_theme_total(each, status=status)
            more = f"?{urlencode({**filters, 'theme': each.pk})}" if total > len(items) else ""
            columns.append(BoardColumn(theme=each, priorities=items, total=total, more_url=more))
    else:
        matching = selectors.list_board_priorities(
            user=request.user, status=status, endorsed_by_my_organisation=mine, theme=theme
        )
        page_obj = Paginator(matching, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
        items = _with_urls(list(page_obj.object_list))
        columns = [BoardColumn(theme=theme, priorities=items, total=page_obj.paginator.count)]
    chart = selectors.status_chart(themes)
    fragments = [
        ("priorities/_board_columns.html", _columns_fragment(columns, filtered=bool(filters)))
    ]
    if chart:
        fragments.append(("priorities/_status_chart.html", _chart_fragment(chart)))
    columns_html, *chart_html = render_fragments(fragments)
    return render(
        request,
        "priorities/board.html",
        {
            "form": form,
            "status": status,
            "mine": mine,
            "browsed_theme": theme,
            "columns": columns,
            "columns_html": columns_html,
            "page_obj": page_obj,
            "page_query": urlencode({**filters, "theme": theme.pk}) if theme else "",
            "all_themes_url": request.path + (f"?{urlencode(filters)}" if filters else ""),
            "chart": chart,
            "chart_html": chart_html[0] if chart_html else "",
        },
    )


def _survivor_redirect(priority: Priority) -> HttpResponse | None:
    if priority.merged_into_id is None:
        return None
    # merge_priorities keeps every chain one hop long, so the survivor is the target.
    return HttpResponseRedirect(
        Priority.objects.only("slug").get(pk=priority.merged_into_id).get_absolute_url(),
        status=301,
    )


def _detail_context(
    request: HttpRequest,
    priority: Priority,
    endorse_form: EndorseForm | None = None,
    update_form: ProgressUpdateForm | None = None,
) -> dict[str, object]:
    user = request.user
    representing = list(endorsing_organisations_for(user))
    my_endorsements = selectors.list_my_endorsements(priority=priority, user=user)
    endorsed_ids = {e.organisation_id for e in my_endorsements}
    open_organisations = [o for o in representing if o.pk not in endorsed_ids]
    can_endorse = bool(open_organisations) and may_endorse(
        user, priority, representing=representing
    )
    if can_endorse and endorse_form is None:
        endorse_form = EndorseForm(
            organisations=endorsing_organisations_for(user).exclude(pk__in=endorsed_ids)
        )
    staff = bool(roles_of(user) & {Role.STAFF, Role.ADMIN})
    champions = selectors.list_champions(priority=priority, user=user)
    can_update = may_post_progress_update(user, priority, champions=champions)
    if can_update and update_form is None:
        update_form = ProgressUpdateForm(
            organisations=progress_organisations_for(user, priority), staff=staff
        )
    community_counts = selectors.endorsements_by_community(priority)
    return {
        "priority": priority,
        "champions": [c for c in champions if c.visible_to_reader],
        "community_counts": community_counts,
        "endorsement_total": sum(n for _label, n in community_counts),
        "my_endorsements": my_endorsements,
        "representing_ids": {o.pk for o in representing},
        "endorse_form": endorse_form if can_endorse else None,
        "update_form": update_form if can_update else None,
        "timeline": selectors.list_timeline(priority=priority, user=user),
        "provenance": selectors.get_provenance(priority=priority, user=user),
        "may_curate": may(user, Action.CURATE_PRIORITIES),
    }


@require_GET
@require_action(Action.USE_HUB)
def detail(request: HttpRequest, pk: int | None = None, slug: str | None = None) -> HttpResponse:
    """A priority's page: summary, provenance, champions, endorsements, timeline."""
    priority = get_priority_for_user(request.user, pk if pk is not None else slug)
    if response := _survivor_redirect(priority):
        return response
    return render(request, "priorities/detail.html", _detail_context(request, priority))


@require_POST
@require_action(Action.ENDORSE_PRIORITIES)
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """Endorse a priority on behalf of an organisation the person represents."""
    priority = get_priority_for_user(request.user, pk)
    if response := _survivor_redirect(priority):
        return response
    organisations = endorsing_organisations_for(request.user)
    if not organisations.exists():
        raise PermissionDenied  # a member, but not a representative of an active organisation
    form = EndorseForm(request.POST, organisations=organisations)
    if form.is_valid():
        organisation = get_organisation_to_endorse_for(
            request.user, form.cleaned_data["organisation"].pk
        )
        try:
            services.endorse_priority(
                priority=priority,
                organisation=organisation,
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(organisation)s now endorses this priority.")
                % {"organisation": organisation.name},
            )
            return redirect(priority)
    context = _detail_context(request, priority, endorse_form=form)
    if context["endorse_form"] is None:
        # Nothing left to endorse (already endorsed, or the priority closed meanwhile).
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(priority)
    return render(request, "priorities/detail.html", context, status=400)


@require_POST
@require_action(Action.ENDORSE_PRIORITIES)
def withdraw(request: HttpRequest, pk: int, endorsement_id: int) -> HttpResponse:
    """Withdraw an organisation's endorsement (any of its representatives may)."""
    priority = get_priority_for_user(request.user, pk)
    endorsement = get_endorsement_to_withdraw(request.user, priority, endorsement_id)
    try:
        services.withdraw_endorsement(endorsement=endorsement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(organisation)s no longer endorses this priority.")
            % {"organisation": endorsement.organisation.name},
        )
    return redirect(priority)


@staff_area  # staff post here too, so they need MFA like anywhere they act as staff
@require_POST
@require_action(Action.USE_HUB)
def add_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a progress update to the priority's timeline (champions and staff)."""
    priority = get_priority_for_user(request.user, pk)
    if response := _survivor_redirect(priority):
        return response
    if not may_post_progress_update(request.user, priority):
        raise PermissionDenied
    staff = bool(roles_of(request.user) & {Role.STAFF, Role.ADMIN})
    form = ProgressUpdateForm(
        request.POST,
        organisations=progress_organisations_for(request.user, priority),
        staff=staff,
    )
    if form.is_valid():
        try:
            services.add_progress_update(
                priority=priority,
                author=request.user,
                body=form.cleaned_data["body"],
                happened_on=form.cleaned_data["happened_on"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The update is on the timeline."))
            return redirect(priority)
    context = _detail_context(request, priority, update_form=form)
    return render(request, "priorities/detail.html", context, status=400)


@login_not_required
@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The network's agreed priorities for governments and the public: no names, no login."""
    priorities = list(selectors.list_public_priorities())
    columns = [(theme, list(items)) for theme, items in groupby(priorities, key=lambda p: p.theme)]
    return render(request, "priorities/public.html", {"columns": columns})

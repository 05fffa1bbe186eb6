from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.decorators import require_action
from members.middleware import staff_area
from members.permissions import Action, Role, may, roles_of
from priorities import selectors, services
from priorities.forms import BoardFilterForm, EndorseForm, ProgressUpdateForm
from priorities.models import Priority
from priorities.permissions import (
    endorsing_organisations_for,
    get_endorsement_to_withdraw,
    get_organisation_to_endorse_for,
    get_priority_for_user,
    may_endorse,
    may_post_progress_update,
    progress_organisations_for,
)


@require_GET
@require_action(Action.USE_HUB)
def board(request: HttpRequest) -> HttpResponse:
    """The priorities board: by theme, filterable, with a status-by-theme chart."""
    form = BoardFilterForm(request.GET or None)
    status, mine = "", False
    if form.is_bound and form.is_valid():
        status, mine = form.cleaned_data["status"], form.cleaned_data["mine"]
    themes = list(selectors.list_active_themes())
    priorities = list(
        selectors.list_board_priorities(
            user=request.user, status=status, endorsed_by_my_organisation=mine
        )
    )
    by_theme = {pk: list(items) for pk, items in groupby(priorities, key=lambda p: p.theme_id)}
    return render(
        request,
        "priorities/board.html",
        {
            "form": form,
            "filtered": bool(status or mine),
            "columns": [(theme, by_theme.get(theme.pk, [])) for theme in themes],
            "chart": selectors.status_chart(themes),
            "chart_rtl": get_language_bidi(),
            "statuses": Priority.Status,
            "colours": selectors.STATUS_COLOURS,
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
    can_endorse = bool(open_organisations) and may_endorse(user, priority)
    if can_endorse and endorse_form is None:
        endorse_form = EndorseForm(
            organisations=endorsing_organisations_for(user).exclude(pk__in=endorsed_ids)
        )
    staff = bool(roles_of(user) & {Role.STAFF, Role.ADMIN})
    can_update = may_post_progress_update(user, priority)
    if can_update and update_form is None:
        update_form = ProgressUpdateForm(
            organisations=progress_organisations_for(user, priority), staff=staff
        )
    community_counts = selectors.endorsements_by_community(priority)
    return {
        "priority": priority,
        "champions": selectors.list_visible_champions(priority=priority, user=user),
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

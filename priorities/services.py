"""Every state change in the priorities app goes through a function here."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meetings.models import RoundTable, StrategicSession
from members.models import Organisation, User
from priorities.models import (
    AGREED_STATUSES,
    ENDORSABLE_STATUSES,
    Endorsement,
    Priority,
    ProgressUpdate,
    Theme,
)

S = Priority.Status

# The status machine: proposed → agreed → in progress → achieved, or set aside on the way.
# Agreed may go straight to achieved (some priorities are done before work is "in progress");
# a set-aside priority may be proposed again. Achieved is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.AGREED, S.SET_ASIDE}),
    S.AGREED: frozenset({S.IN_PROGRESS, S.ACHIEVED, S.SET_ASIDE}),
    S.IN_PROGRESS: frozenset({S.ACHIEVED, S.SET_ASIDE}),
    S.ACHIEVED: frozenset(),
    S.SET_ASIDE: frozenset({S.PROPOSED}),
}

# Words that are paths of the app itself, so a slug must never be one of them.
RESERVED_SLUGS = frozenset({"public", "new"})


def unique_slug_for(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug made from `title` that no other priority uses (and that is not only digits)."""
    base = slugify(title)[:100].strip("-") or "priority"
    if base.isdigit() or base in RESERVED_SLUGS:
        base = f"priority-{base}"
    taken = Priority.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in used:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _slug_is_free(slug: str) -> bool:
    return not (
        slug.isdigit() or slug in RESERVED_SLUGS or Priority.objects.filter(slug=slug).exists()
    )


def next_rank_in(theme: Theme) -> int:
    """The rank after the last priority of `theme` (ranks count from 1 within each theme)."""
    last = Priority.objects.filter(theme=theme).aggregate(last=Max("rank"))["last"]
    return (last or 0) + 1


@transaction.atomic
def create_priority(
    *,
    theme: Theme,
    title_en: str,
    summary_en: str,
    title_ar: str = "",
    title_he: str = "",
    summary_ar: str = "",
    summary_he: str = "",
    description: str = "",
    target_date: datetime.date | None = None,
    slug: str = "",
    champions: Iterable[Organisation] = (),
    source_sessions: Iterable[StrategicSession] = (),
    source_round_tables: Iterable[RoundTable] = (),
) -> Priority:
    """Propose a new priority at the end of its theme, with where it came from."""
    priority = Priority(
        theme=theme,
        title_en=title_en,
        title_ar=title_ar,
        title_he=title_he,
        summary_en=summary_en,
        summary_ar=summary_ar,
        summary_he=summary_he,
        description=description,
        target_date=target_date,
        slug=slug if slug and _slug_is_free(slug) else unique_slug_for(title_en),
        rank=next_rank_in(theme),
    )
    priority.full_clean()
    priority.save()
    priority.champions.set(champions)
    priority.source_sessions.set(source_sessions)
    priority.source_round_tables.set(source_round_tables)
    return priority


def _locked(priority: Priority) -> Priority:
    return Priority.objects.select_for_update().get(pk=priority.pk)


def _move(priority: Priority, to: str) -> None:
    if priority.merged_into_id is not None:
        raise ValidationError(_("This priority was merged into another one."))
    if to not in ALLOWED_TRANSITIONS[priority.status]:
        raise ValidationError(
            _("A priority that is %(current)s cannot become %(new)s.")
            % {"current": priority.get_status_display(), "new": S(to).label}
        )
    priority.status = to
    priority.status_changed_at = timezone.now()


@transaction.atomic
def agree_priority(*, priority: Priority, session: StrategicSession) -> Priority:
    """Record that the network agreed a proposed priority at `session`."""
    priority = _locked(priority)
    _move(priority, S.AGREED)
    priority.agreed_at_session = session
    priority.save(update_fields=["status", "status_changed_at", "agreed_at_session"])
    return priority


@transaction.atomic
def start_priority(*, priority: Priority) -> Priority:
    """Mark an agreed priority as in progress."""
    priority = _locked(priority)
    _move(priority, S.IN_PROGRESS)
    priority.save(update_fields=["status", "status_changed_at"])
    return priority


@transaction.atomic
def achieve_priority(*, priority: Priority) -> Priority:
    """Mark an agreed or in-progress priority as achieved."""
    priority = _locked(priority)
    _move(priority, S.ACHIEVED)
    priority.save(update_fields=["status", "status_changed_at"])
    return priority


@transaction.atomic
def set_priority_aside(*, priority: Priority) -> Priority:
    """Set a priority aside; it leaves the public page."""
    priority = _locked(priority)
    _move(priority, S.SET_ASIDE)
    priority.is_public = False
    priority.save(update_fields=["status", "status_changed_at", "is_public"])
    return priority


@transaction.atomic
def reopen_priority(*, priority: Priority) -> Priority:
    """Propose a set-aside priority again; a later agreement records its own session."""
    priority = _locked(priority)
    _move(priority, S.PROPOSED)
    priority.agreed_at_session = None
    priority.save(update_fields=["status", "status_changed_at", "agreed_at_session"])
    return priority


@transaction.atomic
def set_priority_public(*, priority: Priority, public: bool) -> Priority:
    """Put an agreed priority on the public page, or take it off."""
    priority = _locked(priority)
    if public and (priority.status not in AGREED_STATUSES or priority.merged_into_id):
        raise ValidationError(
            _("Only agreed, in-progress or achieved priorities can be on the public page.")
        )
    priority.is_public = public
    priority.save(update_fields=["is_public"])
    return priority


@transaction.atomic
def endorse_priority(
    *, priority: Priority, organisation: Organisation, user: User, comment: str = ""
) -> Endorsement:
    """Endorse a priority on behalf of an organisation (who may is priorities.permissions')."""
    priority = _locked(priority)
    if priority.merged_into_id is not None or priority.status not in ENDORSABLE_STATUSES:
        raise ValidationError(_("This priority is not open for endorsement."))
    if Endorsement.objects.filter(
        priority=priority, organisation=organisation, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError(_("Your organisation already endorses this priority."))
    try:
        with transaction.atomic():
            return Endorsement.objects.create(
                priority=priority, organisation=organisation, endorsed_by=user, comment=comment
            )
    except IntegrityError as error:  # a second click racing the first
        raise ValidationError(_("Your organisation already endorses this priority.")) from error


@transaction.atomic
def withdraw_endorsement(*, endorsement: Endorsement, user: User) -> Endorsement:
    """Withdraw an organisation's endorsement; the record of it is kept."""
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if endorsement.withdrawn_at is not None:
        raise ValidationError(_("This endorsement was already withdrawn."))
    endorsement.withdrawn_at = timezone.now()
    endorsement.withdrawn_by = user
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return endorsement


def add_progress_update(
    *,
    priority: Priority,
    author: User,
    body: str,
    happened_on: datetime.date | None = None,
    organisation: Organisation | None = None,
) -> ProgressUpdate:
    """Add a dated entry to a priority's timeline."""
    if priority.merged_into_id is not None:
        raise ValidationError(_("This priority was merged into another one."))
    update = ProgressUpdate(
        priority=priority,
        author=author,
        organisation=organisation,
        body=body.strip(),
        happened_on=happened_on or timezone.localdate(),
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def merge_priorities(
    *, survivor: Priority, duplicates: Iterable[Priority], user: User | None = None
) -> Priority:
    """Fold duplicates into `survivor`: endorsements, provenance, champions and updates move.

    Nothing is deleted. Where an organisation endorses both, the earlier endorsement stays
    active on the survivor and the later one moves across marked withdrawn, so its comment is
    kept. Each duplicate keeps its row with `merged_into` set, so its old URL redirects.
    """
    survivor = _locked(survivor)
    duplicate_ids = sorted({d.pk for d in duplicates} - {survivor.pk})
    if survivor.merged_into_id is not None:
        raise ValidationError(_("The surviving priority was itself merged into another one."))
    if not duplicate_ids:
        raise ValidationError(_("Choose at least one other priority to merge."))
    olds = list(Priority.objects.select_for_update().filter(pk__in=duplicate_ids))
    if any(old.merged_into_id is not None for old in olds):
        raise ValidationError(_("One of the priorities was already merged."))

    now = timezone.now()
    endorsements = Endorsement.objects.select_for_update().filter(
        priority_id__in=[survivor.pk, *duplicate_ids]
    )
    active_kept: set[int] = set()
    to_withdraw: list[int] = []
    for endorsement in endorsements.filter(withdrawn_at__isnull=True).order_by("created_at", "pk"):
        if endorsement.organisation_id in active_kept:
            to_withdraw.append(endorsement.pk)
        else:
            active_kept.add(endorsement.organisation_id)
    Endorsement.objects.filter(pk__in=to_withdraw).update(withdrawn_at=now, withdrawn_by=user)
    Endorsement.objects.filter(priority_id__in=duplicate_ids).update(priority=survivor)
    ProgressUpdate.objects.filter(priority_id__in=duplicate_ids).update(priority=survivor)

    for old in olds:
        survivor.champions.add(*old.champions.all())
        survivor.source_sessions.add(*old.source_sessions.all())
        survivor.source_round_tables.add(*old.source_round_tables.all())
        survivor.source_recommendations.add(*old.source_recommendations.all())
        old.merged_into = survivor
        old.is_public = False
        old._change_reason = f"Merged into #{survivor.pk}"
        old.save(update_fields=["merged_into", "is_public"])
    # Earlier merges into a duplicate now point straight at the survivor: one redirect hop.
    Priority.objects.filter(merged_into_id__in=duplicate_ids).update(merged_into=survivor)
    return survivor

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliance.i18n import localized


class Theme(models.Model):
    """A strategic theme agreed by the network; priorities are grouped under it."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_he = models.CharField(_("name (Hebrew)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_he = models.TextField(_("description (Hebrew)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f6f8b", help_text=_("A hex colour like #1f6f8b.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Priority(models.Model):
    """A strategic priority of the network, curated by admins and endorsed by organisations.

    Its status only moves through priorities.services (see ALLOWED_TRANSITIONS there). A merged
    duplicate is kept, with `merged_into` pointing at the survivor, so its old URL redirects.

    Provenance is a set of many-to-many links (sessions, round tables). A link to the round-table
    note recommendations a priority came from is meant to be one more many-to-many field added by
    a later migration, once meetings has that model; the merge and the page read provenance
    through priorities.selectors, so that is where it would be wired in.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        SET_ASIDE = "set_aside", _("Set aside")

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    title_he = models.CharField(_("title (Hebrew)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=1000)
    summary_ar = models.TextField(_("summary (Arabic)"), max_length=1000, blank=True)
    summary_he = models.TextField(_("summary (Hebrew)"), max_length=1000, blank=True)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_("The last part of the priority's web address; made from the English title."),
    )
    description = models.TextField(_("description (Markdown)"), blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="priorities", verbose_name=_("theme")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    rank = models.PositiveIntegerField(
        _("rank in the theme"), default=0, db_index=True, help_text=_("1 comes first.")
    )
    agreed_at_session = models.ForeignKey(
        "meetings.StrategicSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_priorities",
        verbose_name=_("agreed at session"),
    )
    champions = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="championed_priorities",
        verbose_name=_("champion organisations"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    source_sessions = models.ManyToManyField(
        "meetings.StrategicSession",
        blank=True,
        related_name="source_of_priorities",
        verbose_name=_("came from sessions"),
    )
    source_round_tables = models.ManyToManyField(
        "meetings.RoundTable",
        blank=True,
        related_name="source_of_priorities",
        verbose_name=_("came from round tables"),
    )
    source_recommendations = models.ManyToManyField(
        "meetings.NoteRecommendation",
        blank=True,
        related_name="priorities",
        verbose_name=_("came from note recommendations"),
    )
    is_public = models.BooleanField(
        _("on the public page"),
        default=False,
        help_text=_("Show this agreed priority on the public page, without login."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    history = HistoricalRecords(
        m2m_fields=[champions, source_sessions, source_round_tables],
        excluded_fields=["rank"],
    )

    class Meta:
        ordering = ["rank", "pk"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="") & ~models.Q(summary_en=""),
                name="priority_has_english_title_and_summary",
                violation_error_message=_("A priority needs an English title and summary."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "set_aside"])
                | models.Q(agreed_at_session__isnull=False),
                name="priority_agreement_records_its_session",
                violation_error_message=_(
                    "An agreed priority records the session where it was agreed."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(is_public=False)
                | (
                    models.Q(status__in=["agreed", "in_progress", "achieved"])
                    & models.Q(merged_into__isnull=True)
                ),
                name="priority_public_only_when_agreed",
                violation_error_message=_(
                    "Only agreed, in-progress or achieved priorities can be on the public page."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="priority_not_merged_into_itself",
                violation_error_message=_("A priority cannot be merged into itself."),
            ),
        ]
        indexes = [models.Index(fields=["theme", "rank"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:detail", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def is_agreed(self) -> bool:
        """Agreed at a session (whatever has happened since, short of being set aside)."""
        return self.status in AGREED_STATUSES


AGREED_STATUSES = frozenset(
    {Priority.Status.AGREED, Priority.Status.IN_PROGRESS, Priority.Status.ACHIEVED}
)
# Organisations may endorse a priority while it is still ahead of the network.
ENDORSABLE_STATUSES = frozenset(
    {Priority.Status.PROPOSED, Priority.Status.AGREED, Priority.Status.IN_PROGRESS}
)


class Endorsement(models.Model):
    """An organisation's endorsement of a priority, given by one of its representatives.

    Withdrawing keeps the row (withdrawn_at set), so an organisation may endorse again later and
    the record of who said what stays; only one endorsement per organisation is active at a time.
    """

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("priority")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="priority_endorsements",
        verbose_name=_("organisation"),
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priority_endorsements",
        verbose_name=_("endorsed by"),
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("endorsed"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="endorsement_one_active_per_organisation",
                violation_error_message=_("This organisation already endorses this priority."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.priority}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ProgressUpdate(models.Model):
    """A dated entry on a priority's timeline, by a champion organisation or by staff."""

    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        related_name="progress_updates",
        verbose_name=_("priority"),
    )
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    body = models.TextField(_("update (Markdown)"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priority_updates",
        verbose_name=_("author"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priority_updates",
        verbose_name=_("on behalf of"),
        help_text=_("The champion organisation; empty for an update by staff."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""),
                name="progress_update_has_a_body",
                violation_error_message=_("Write what happened."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority} ({self.happened_on})"

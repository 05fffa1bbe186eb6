from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import validate_time_zone


class StrategicSession(models.Model):
    """A quarterly strategic session of the network (in person, hybrid or online)."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for registration")
        CLOSED = "closed", _("Registration closed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    sequence = models.PositiveSmallIntegerField(
        _("sequence in the quarter"),
        default=1,
        help_text=_("1 for the quarter's first session, 2 if the quarter has a second."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_USER_TIME_ZONE,
        validators=[validate_time_zone],
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    join_url = models.URLField(_("online join link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("strategic session")
        verbose_name_plural = _("strategic sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "sequence"], name="session_unique_quarter_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter_label} – {self.title}"

    @property
    def quarter_label(self) -> str:
        label = f"{self.year} Q{self.quarter}"
        return label if self.sequence == 1 else f"{label} ({self.sequence})"


class RoundTable(models.Model):
    """A round table held inside a strategic session."""

    session = models.ForeignKey(
        StrategicSession,
        on_delete=models.CASCADE,
        related_name="round_tables",
        verbose_name=_("session"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description (Markdown)"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_tables_as_rapporteur",
        verbose_name=_("rapporteur"),
    )
    room = models.CharField(_("room or online breakout"), max_length=120, blank=True)

    class Meta:
        ordering = ["session", "topic"]
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")

    def __str__(self) -> str:
        return self.topic


class RoundTableNote(models.Model):
    """Notes taken at a round table. They record points, never speakers, by default."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    round_table = models.ForeignKey(
        RoundTable, on_delete=models.CASCADE, related_name="notes", verbose_name=_("round table")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_table_notes",
        verbose_name=_("author"),
    )
    body = models.TextField(_("full record (Markdown)"), blank=True)
    summary = models.TextField(_("summary for all members (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("round-table note")
        verbose_name_plural = _("round-table notes")

    def __str__(self) -> str:
        return f"{self.round_table} ({self.get_status_display()})"

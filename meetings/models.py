import datetime
import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliance.search import SearchDocument
from members.models import validate_time_zone


def default_reminder_days() -> list[int]:
    """Remind registrants a week and a day before a session."""
    return [7, 1]


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
    seats_per_organisation = models.PositiveSmallIntegerField(
        _("seats per organisation"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit per organisation."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    interpretation_languages = models.JSONField(
        _("interpretation offered into"), default=list, blank=True
    )
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    balance_threshold_percent = models.PositiveSmallIntegerField(
        _("balance warning threshold (%)"),
        default=25,
        help_text=_(
            "Staff are warned while registration is open when Israeli or Palestinian"
            " registrants fall under this share of all registrants."
        ),
    )
    # Reminders (meetings.reminders): days before the start, at the start's wall-clock time in
    # each registrant's own time zone; an empty list sends none.
    reminder_days = models.JSONField(
        _("reminders (days before)"),
        default=default_reminder_days,
        blank=True,
        help_text=_("Registrants are reminded this many days before the session starts."),
    )
    reminder_message = models.TextField(
        _("message in the reminders"),
        max_length=500,
        blank=True,
        help_text=_("A short note from staff added to every reminder."),
    )
    # Raised on every change, so calendar apps replace their copy of the event.
    ics_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

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
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="session_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(balance_threshold_percent__lte=100),
                name="session_balance_threshold_is_a_percentage",
                violation_error_message=_("The balance threshold is a percentage (0 to 100)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter_label}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:session_detail", args=[self.pk])

    @property
    def quarter_label(self) -> str:
        label = f"{self.year} Q{self.quarter}"
        return label if self.sequence == 1 else f"{label} ({self.sequence})"

    @property
    def is_in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    def registration_window_is_open(self, now: datetime.datetime | None = None) -> bool:
        """Open for registration now: the status says so and the window (if any) has begun."""
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return now < self.ends_at


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
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="round_tables_facilitated",
        verbose_name=_("facilitators"),
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    # The topic's search document, kept by the database like the notes' (RoundTableNote): a
    # note's summary is searched together with its table's topic, and building the topic's
    # vector per note at query time was about a third of the search's SQL time. A few words,
    # so reads do not bother leaving it out.
    search_topic = models.GeneratedField(
        expression=SearchDocument("topic"), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        ordering = ["session", "topic"]
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("meetings:round_table_detail", args=[self.pk])


class WithoutSearchDocumentsManager(models.Manager):
    """Reads leave the stored search documents (generated columns) out: they exist for matching
    in SQL, and reading them (a note's full-record vector is TOASTed) would only cost time."""

    def get_queryset(self) -> models.QuerySet:
        generated = [field.name for field in self.model._meta.concrete_fields if field.generated]
        return super().get_queryset().defer(*generated)


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
    # Staff-only notes are read by staff and admins alone, whatever their status.
    staff_only = models.BooleanField(_("staff only"), default=False)
    # Non-attribution is the default: the author's name goes with the summary only if they sign.
    sign_summary = models.BooleanField(_("sign the summary with my name"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Search documents kept by the database on every write (services, admin, bulk_create):
    # the summary layer and the full record are matched apart, since not every reader may
    # search the full record. Left out of reads by WithoutSearchDocumentsManager.
    search_summary = models.GeneratedField(
        expression=SearchDocument("summary"), output_field=SearchVectorField(), db_persist=True
    )
    search_record = models.GeneratedField(
        expression=SearchDocument("body"), output_field=SearchVectorField(), db_persist=True
    )
    # The search documents are derived from the texts the history already keeps.
    history = HistoricalRecords(excluded_fields=["created_at", "search_summary", "search_record"])

    objects = WithoutSearchDocumentsManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("round-table note")
        verbose_name_plural = _("round-table notes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True)
                | models.Q(status__in=["published", "archived"]),
                name="note_published_at_only_when_published",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # Every column the notes list filters and sorts on (with the table's and the
            # session's), so listing and counting readable notes is an index-only scan rather
            # than a pass over every note's texts; also the notes of a table, newest first.
            models.Index(
                fields=["round_table", "-created_at", "id", "status", "staff_only", "author"],
                name="note_list_covering_idx",
            ),
            # The hub home's "recent notes" reads the newest few: without it, every note is sorted.
            models.Index(fields=["-updated_at", "-id"], name="note_recently_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round_table} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:note_detail", args=[self.pk])


class NoteKeyPoint(models.Model):
    """A key point of a round-table note (part of the summary layer)."""

    note = models.ForeignKey(
        RoundTableNote, on_delete=models.CASCADE, related_name="key_points", verbose_name=_("note")
    )
    text = models.CharField(_("key point"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    search_document = models.GeneratedField(
        expression=SearchDocument("text"), output_field=SearchVectorField(), db_persist=True
    )
    history = HistoricalRecords(excluded_fields=["search_document"])

    objects = WithoutSearchDocumentsManager()

    class Meta:
        ordering = ["note", "position", "pk"]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")

    def __str__(self) -> str:
        return self.text


class NoteRecommendation(models.Model):
    """A recommendation agreed at the table; staff may turn it into a proposed priority."""

    note = models.ForeignKey(
        RoundTableNote,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("note"),
    )
    text = models.CharField(_("recommendation"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    search_document = models.GeneratedField(
        expression=SearchDocument("text"), output_field=SearchVectorField(), db_persist=True
    )
    history = HistoricalRecords(excluded_fields=["search_document"])

    objects = WithoutSearchDocumentsManager()

    class Meta:
        ordering = ["note", "position", "pk"]
        verbose_name = _("agreed recommendation")
        verbose_name_plural = _("agreed recommendations")

    def __str__(self) -> str:
        return self.text


class NoteAction(models.Model):
    """An action agreed at the table: what, which organisation, by when. Open until marked done."""

    note = models.ForeignKey(
        RoundTableNote, on_delete=models.CASCADE, related_name="actions", verbose_name=_("note")
    )
    description = models.CharField(_("what"), max_length=500)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="note_actions",
        verbose_name=_("which organisation"),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked done by"),
    )
    search_document = models.GeneratedField(
        expression=SearchDocument("description"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    history = HistoricalRecords(excluded_fields=["search_document"])

    objects = WithoutSearchDocumentsManager()

    class Meta:
        ordering = ["note", "position", "pk"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        indexes = [models.Index(fields=["done_at"])]

    def __str__(self) -> str:
        return self.description


class Registration(models.Model):
    """A person's place (or place in the queue) at a session, for one of their organisations."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        StrategicSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_registrations",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="session_registrations",
        verbose_name=_("organisation"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_registrations_made",
        verbose_name=_("registered by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # Needs: visible to staff only.
    interpretation_language = models.CharField(
        _("interpretation into"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    needs_travel_assistance = models.BooleanField(
        _("needs help with travel or a permit"), default=False
    )
    travel_details = models.TextField(_("travel or permit details"), blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    # The waitlist is served in this order; a promotion or a new confirmation sets it too.
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~models.Q(status="cancelled"),
                name="registration_one_active_per_person",
                violation_error_message=_("This person is already registered for the session."),
            ),
            models.CheckConstraint(
                condition=models.Q(attended=False) | models.Q(status="confirmed"),
                name="registration_attendance_needs_confirmation",
                violation_error_message=_("Only confirmed registrants can be marked present."),
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "organisation"])]

    def __str__(self) -> str:
        return f"{self.user}, {self.session} ({self.get_status_display()})"


class RoundTableParticipant(models.Model):
    """A registrant's seat at a round table, signed up themselves or assigned by staff."""

    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("round table"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="round_table_seats",
        verbose_name=_("registration"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["round_table", "created_at", "pk"]
        verbose_name = _("round-table participant")
        verbose_name_plural = _("round-table participants")
        constraints = [
            models.UniqueConstraint(
                fields=["round_table", "registration"], name="round_table_participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.user} @ {self.round_table}"


def new_feed_token() -> str:
    """A fresh, unguessable token for a calendar feed URL."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar feed URL; revoking it makes the URL answer 404 for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """One email the portal sends in bulk: one row per recipient, kind and subject or period.

    The unique constraint is what makes sending idempotent: a planner may run any number of
    times, and a row is claimed (pending -> sending) before its message goes out.
    """

    class Kind(models.TextChoices):
        SESSION_REMINDER = "session_reminder", _("Session reminder")
        SESSION_CHANGED = "session_changed", _("Session changed")
        REGISTRATION_OPENED = "registration_opened", _("Registration opened")
        REGISTRATION_CLOSING = "registration_closing", _("Registration closing soon")
        DIGEST = "digest", _("Digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    # Choices document the known kinds; a new kind is a new member of Kind plus a registered
    # message builder (alliance.mail.registry), no change to the ledger itself.
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    subject_key = models.CharField(
        _("subject"),
        max_length=200,
        help_text=_(
            'What the email is about, e.g. "session:12:offset:7d" or "digest:weekly:2026-W48".'
        ),
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("subject type"),
    )
    object_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a task was last put in the queue for this row; a tick does not queue it again
    # before the claim timeout has passed, so a long queue does not fill with duplicates.
    dispatched_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key"],
                name="delivery_unique_recipient_kind_subject",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="delivery_sending_has_claimed_at",
            ),
        ]
        indexes = [
            # The tick's scan: only the open rows, which stay few however long the ledger grows.
            models.Index(
                fields=["state", "id"],
                condition=Q(state__in=["pending", "sending"]),
                name="delivery_open_idx",
            ),
            models.Index(fields=["content_type", "object_id"], name="delivery_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} → {self.recipient_id} ({self.state})"

import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from simple_history.models import HistoricalRecords

from alliance.i18n import localized

# Uploaded pictures: raster formats Pillow can verify; never SVG (it can carry script).
IMAGE_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_PIXELS = 4000 * 4000


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA time zone name."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_image_upload(value: object) -> None:
    """Accept a new upload only if it is a PNG, JPEG or WebP picture of reasonable size."""
    if getattr(value, "_committed", True) and not hasattr(value, "content_type"):
        return  # a file already stored: it was checked when it came in
    if value.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The picture is too large: at most %(limit)s MB."),
            params={"limit": IMAGE_MAX_BYTES // (1024 * 1024)},
            code="image_too_large",
        )
    try:
        value.seek(0)
        with Image.open(value) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("Upload a PNG, JPEG or WebP picture."), code="image_unreadable"
        ) from error
    finally:
        value.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Upload a PNG, JPEG or WebP picture."), code="image_type")
    if width * height > IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The picture is too large: at most 4000 by 4000 pixels."), code="image_dimensions"
        )


IMAGE_SUFFIXES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def _random_name(folder: str, filename: str) -> str:
    # Unguessable names: a file name must not reveal whose picture it is. Only picture suffixes
    # are kept, so a file is never served as HTML or script because of the name it came with.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        suffix = ".img"
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def organisation_logo_path(instance: object, filename: str) -> str:
    return _random_name("organisations/logos", filename)


def person_photo_path(instance: object, filename: str) -> str:
    return _random_name("people/photos", filename)


class ContactVisibility(models.TextChoices):
    """Who may see one contact detail of a person."""

    STAFF = "staff", _("Staff only")
    MEMBERS = "members", _("Members of the network")


# Languages people list as spoken: the hub's three and the ones the network meets in most.
SPOKEN_LANGUAGES = [
    ("ar", _("Arabic")),
    ("he", _("Hebrew")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("am", _("Amharic")),
    ("tr", _("Turkish")),
    ("it", _("Italian")),
]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The email address is the login."""

    class DigestFrequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly (Mondays)")
        MONTHLY = "monthly", _("Monthly (on the 1st)")
        OFF = "off", _("Off")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_USER_TIME_ZONE,
        validators=[validate_time_zone],
    )
    digest_frequency = models.CharField(
        _("email digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    session_reminders = models.BooleanField(_("session reminders by email"), default=True)
    # The person's profile. It lives on the user row: every person has exactly one, the
    # project owns its user model, and erasing a person is then one row to blank.
    photo = models.ImageField(
        _("photo"),
        upload_to=person_photo_path,
        blank=True,
        validators=[validate_image_upload],
    )
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    languages_spoken = models.JSONField(_("languages spoken"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    messaging_handle = models.CharField(
        _("messaging handle"),
        max_length=100,
        blank=True,
        help_text=_("For example Signal: +972…, WhatsApp or Telegram: @name."),
    )
    email_visibility = models.CharField(
        _("who sees my email address"),
        max_length=8,
        choices=ContactVisibility.choices,
        default=ContactVisibility.STAFF,
    )
    phone_visibility = models.CharField(
        _("who sees my phone number"),
        max_length=8,
        choices=ContactVisibility.choices,
        default=ContactVisibility.STAFF,
    )
    messaging_visibility = models.CharField(
        _("who sees my messaging handle"),
        max_length=8,
        choices=ContactVisibility.choices,
        default=ContactVisibility.STAFF,
    )
    listed_in_directory = models.BooleanField(
        _("list me on my organisations' pages"),
        default=False,
        help_text=_("Members of the network then see your name, title, languages and bio."),
    )
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_("Set when the person asked for their account to be deleted."),
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Set by the staff and admin roles; lets the person open the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return gettext("Former member")
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def languages_spoken_labels(self) -> list[str]:
        """The names of the languages the person speaks, in the reader's language."""
        labels = dict(SPOKEN_LANGUAGES)
        return [str(labels[code]) for code in self.languages_spoken or [] if code in labels]


class Sector(models.Model):
    """A field of work (education, dialogue, ...). Admins can add more."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100, blank=True)
    name_he = models.CharField(_("name (Hebrew)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Organisation(models.Model):
    """A member organisation of the network."""

    class Community(models.TextChoices):
        ISRAELI = "israeli", _("Israeli")
        PALESTINIAN = "palestinian", _("Palestinian")
        JOINT = "joint", _("Joint Israeli–Palestinian")  # noqa: RUF001
        REGIONAL = "regional", _("Regional")
        INTERNATIONAL = "international", _("International")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        FORMER = "former", _("Former")

    class Visibility(models.TextChoices):
        LISTED = "listed", _("Listed to members")
        HIDDEN = "hidden", _("Hidden (staff only)")

    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_he = models.CharField(_("name (Hebrew)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    community = models.CharField(_("community"), max_length=20, choices=Community.choices)
    country = models.CharField(_("country"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="organisations", blank=True
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=organisation_logo_path,
        blank=True,
        validators=[validate_image_upload],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    founded_year = models.PositiveSmallIntegerField(_("founded in"), null=True, blank=True)
    status = models.CharField(
        _("membership status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    visibility = models.CharField(
        _("directory visibility"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.LISTED,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=[sectors], excluded_fields=["created_at"])

    class Meta:
        ordering = ["name_en", "slug"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_en="", name_ar="", name_he=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in at least one language."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visibility"]),
            # The hub home's "recently joined" reads the newest few (else every row is sorted).
            models.Index(fields=["-joined_on", "slug"], name="organisation_recently_joined"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Membership(models.Model):
    """A person's place in an organisation. Representatives act on its behalf."""

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("title in the organisation"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"  # noqa: RUF001


class Invitation(models.Model):
    """An invitation to join the hub for an organisation: the only way in."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email address"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    language = models.CharField(
        _("language of the invitation"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per person and organisation: staff resend it, not duplicate it.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email_organisation",
                violation_error_message=_(
                    "This address already has an open invitation to this organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_usable(self, now: "timezone.datetime | None" = None) -> bool:
        """Neither accepted, revoked nor expired."""
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    @property
    def state(self) -> "Invitation.State":
        """Where the invitation stands now: pending, accepted, expired or revoked."""
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


class DeletionRequest(models.Model):
    """A person asked for their account to be deleted; kept so staff can see it was honoured."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
        verbose_name=_("account (erased)"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    completed_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")

    def __str__(self) -> str:
        return gettext("Deletion request of account #%(id)s") % {"id": self.user_id}

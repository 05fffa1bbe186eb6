"""The members app in the Django admin: organisations (with import/export and history),
memberships, sectors, invitations, people and deletion requests."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from alliance.admin import PlainActionCheckboxMixin
from members.models import DeletionRequest, Invitation, Membership, Organisation, Sector, User
from members.permissions import Action, may
from members.selectors import invitation_state_filter
from members.services import resend_invitation, revoke_invitation

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


class FormulaEscapingResource(resources.ModelResource):
    """A resource whose exported text cells never start a formula."""

    def export_field(self, field: fields.Field, instance: object, **kwargs: object) -> object:
        return escape_formula(super().export_field(field, instance, **kwargs))


class OrganisationResource(FormulaEscapingResource):
    """Organisations as CSV/XLSX rows, matched on their slug; sectors by slug, comma-separated."""

    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=widgets.ManyToManyWidget(Sector, field="slug", separator=","),
    )

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name_en",
            "name_ar",
            "name_he",
            "community",
            "country",
            "city",
            "sectors",
            "description",
            "website",
            "founded_year",
            "status",
            "joined_on",
            "visibility",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "title", "created_at"]
    readonly_fields = ["created_at"]


class PersonMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "title", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(PlainActionCheckboxMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    formats = [base_formats.CSV, base_formats.XLSX]
    list_display = ["name_en", "name_ar", "name_he", "community", "country", "status", "visibility"]
    list_filter = ["community", "status", "visibility", "sectors", "country"]
    search_fields = ["name_en", "name_ar", "name_he", "slug", "city", "description"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["sectors"]
    date_hierarchy = "joined_on"
    inlines = [MembershipInline]
    history_list_display = ["status", "visibility"]
    # Rendering rows is most of the changelist's time: 50 a page halves it against Django's 100.
    list_per_page = 50
    # "N results (M total)" needs a second count over every organisation; the filtered count
    # and the pages are enough to find one.
    show_full_result_count = False
    fieldsets = [
        (_("Names"), {"fields": ["name_en", "name_ar", "name_he", "slug"]}),
        (
            _("About"),
            {
                "fields": [
                    "community",
                    "country",
                    "city",
                    "sectors",
                    "description",
                    "website",
                    "logo",
                    "founded_year",
                ]
            },
        ),
        (_("Membership"), {"fields": ["status", "joined_on", "visibility"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "title", "created_at"]
    list_filter = ["role", "organisation__community", "organisation__status"]
    search_fields = [
        "user__full_name",
        "user__email",
        "organisation__name_en",
        "organisation__name_ar",
        "organisation__name_he",
    ]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ar", "name_he", "slug"]
    search_fields = ["name_en", "name_ar", "name_he", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return Invitation.State.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Invitation.State.values:
            return queryset.filter(invitation_state_filter(self.value()))
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on the staff invitation page (it sends the email); here they are
    looked up, revoked and resent."""

    list_display = [
        "email",
        "organisation",
        "role",
        "state_display",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_by",
    ]
    list_filter = [InvitationStateFilter, "role", "language"]
    search_fields = ["email", "organisation__name_en", "organisation__name_ar"]
    list_select_related = ["organisation", "invited_by", "accepted_by"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "language",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    actions = ["revoke", "resend"]

    @admin.display(description=_("state"))
    def state_display(self, invitation: Invitation) -> str:
        return invitation.state.label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = extra_context or {}
        if may(request.user, Action.INVITE_PEOPLE):
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("To invite someone, use the"),
                    reverse("members:invite"),
                    _("invitation page"),
                ),
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._apply(request, queryset, revoke_invitation)

    @admin.action(description=_("Send the selected invitations again"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._apply(request, queryset, resend_invitation)

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[Invitation], service: Callable
    ) -> None:
        done = 0
        for invitation in queryset:
            try:
                service(invitation=invitation)
            except ValidationError as error:
                self.message_user(
                    request, f"{invitation.email}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d invitations updated.") % {"count": done})


class DeletionRequestedFilter(admin.SimpleListFilter):
    title = _("personal data")
    parameter_name = "erased"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Erased on request")), ("no", _("Kept"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(erased_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(erased_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """People. Roles are given with members.services.set_staff_roles, not edited here: a staff
    member who may change people must not be able to make themselves an admin."""

    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "erased_at"]
    list_filter = ["is_active", "is_staff", DeletionRequestedFilter, "preferred_language"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = [
        "is_staff",
        "is_superuser",
        "roles",
        "last_login",
        "date_joined",
        "erased_at",
    ]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "is_active"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "bio",
                    "languages_spoken",
                    "photo",
                    "phone",
                    "messaging_handle",
                    "listed_in_directory",
                ]
            },
        ),
        (
            _("Who sees the contact details"),
            {"fields": ["email_visibility", "phone_visibility", "messaging_visibility"]},
        ),
        (
            _("Preferences"),
            {
                "fields": [
                    "preferred_language",
                    "time_zone",
                    "digest_frequency",
                    "session_reminders",
                ]
            },
        ),
        (
            _("Access"),
            {
                "fields": [
                    "is_staff",
                    "is_superuser",
                    "roles",
                    "last_login",
                    "date_joined",
                    "erased_at",
                ]
            },
        ),
    ]
    inlines = [PersonMembershipInline]

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "—"


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """Requests to delete an account: carried out at once, listed so staff can see them."""

    list_display = ["__str__", "requested_at", "completed_at"]
    readonly_fields = ["user", "requested_at", "completed_at"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

"""The Django admin for meetings: for looking things up and fixing text.

Seats, statuses and attendance change on the staff pages, through the services that keep
capacity and the waitlist right; here those fields are read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    CalendarFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    StrategicSession,
)


class RoundTableInline(admin.TabularInline):
    model = RoundTable
    extra = 0
    fields = ["topic", "language", "room", "capacity", "rapporteur"]
    raw_id_fields = ["rapporteur"]
    show_change_link = True


@admin.register(StrategicSession)
class StrategicSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "quarter_label", "starts_at", "format", "city", "status"]
    list_filter = ["status", "format", "year"]
    search_fields = ["title", "city", "venue_name"]
    readonly_fields = ["status", "ics_sequence", "created_at", "updated_at"]
    inlines = [RoundTableInline]

    @admin.display(description=_("quarter"), ordering="year")
    def quarter_label(self, obj: StrategicSession) -> str:
        return obj.quarter_label


class RoundTableParticipantInline(admin.TabularInline):
    model = RoundTableParticipant
    extra = 0
    fields = ["registration", "assigned_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RoundTable)
class RoundTableAdmin(admin.ModelAdmin):
    list_display = ["topic", "session", "language", "room", "capacity"]
    list_filter = ["language", "session"]
    search_fields = ["topic", "description"]
    raw_id_fields = ["rapporteur", "facilitators"]
    inlines = [RoundTableParticipantInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "session", "status", "attended", "created_at"]
    list_filter = ["status", "attended", "session", "needs_travel_assistance"]
    search_fields = ["user__full_name", "user__email", "organisation__name_en"]
    list_select_related = ["user", "organisation", "session"]
    readonly_fields = [
        "session",
        "user",
        "organisation",
        "registered_by",
        "status",
        "attended",
        "created_at",
        "status_changed_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    # The token is a credential: never shown, even to staff.
    fields = ["user", "created_at", "revoked_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


from meetings import note_admin  # noqa: E402, F401 - registers the notes' admin.

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance.mail import services
from alliance.mail.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The ledger, read-only: rows change through the services, and here only by "resend"."""

    list_display = (
        "id",
        "recipient_email",
        "kind",
        "subject_key",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "error_excerpt",
    )
    # "Subject type" narrows to sessions, periods, ...; search "=session:12:offset:7d" for one.
    list_filter = (
        "state",
        "kind",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("recipient__email", "=subject_key")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    # Counting a big ledger on every page load is slow; the filters narrow it anyway.
    show_full_result_count = False
    actions = ["resend"]
    fields = (
        "recipient",
        "kind",
        "subject_key",
        "content_type",
        "object_id",
        "state",
        "attempts",
        "created_at",
        "dispatched_at",
        "claimed_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description=_("recipient"), ordering="recipient__email")
    def recipient_email(self, delivery: Delivery) -> str:
        return delivery.recipient.email

    @admin.display(description=_("last error"))
    def error_excerpt(self, delivery: Delivery) -> str:
        return Truncator(delivery.last_error).chars(80)

    @admin.action(description=_("Send the selected failed emails again"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.resend_deliveries(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed email will be sent again within a few minutes.",
                "%(count)d failed emails will be sent again within a few minutes.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        # A row opens read-only; "change" on the list is what allows the resend action.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        # Deleting a row would let the planner plan it again: a second email.
        return False

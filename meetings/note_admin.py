"""The Django admin for round-table notes: history, and "create a priority from a recommendation".

Notes are written and reviewed on the hub pages, through meetings.notes; here staff look
things up and turn agreed recommendations into proposed priorities in one action.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from meetings import notes
from meetings.models import NoteAction, NoteKeyPoint, NoteRecommendation, RoundTableNote
from priorities.models import Theme


class KeyPointInline(admin.TabularInline):
    model = NoteKeyPoint
    extra = 0
    fields = ["position", "text"]


class RecommendationInline(admin.TabularInline):
    model = NoteRecommendation
    extra = 0
    fields = ["position", "text"]
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = NoteAction
    extra = 0
    fields = ["position", "description", "organisation", "due_on", "done_at"]
    raw_id_fields = ["organisation"]


@admin.register(RoundTableNote)
class RoundTableNoteAdmin(SimpleHistoryAdmin):
    list_display = ["round_table", "status", "staff_only", "published_at", "updated_at"]
    list_filter = ["status", "staff_only", "round_table__session"]
    list_select_related = ["round_table"]
    search_fields = ["round_table__topic", "summary"]
    raw_id_fields = ["round_table", "author"]
    # The workflow moves through the hub's review pages, which keep the rules (and history).
    readonly_fields = ["status", "published_by", "published_at", "created_at", "updated_at"]
    inlines = [KeyPointInline, RecommendationInline, ActionInline]


class RecommendationToPriorityForm(forms.Form):
    """The one question the action asks: which theme the new priorities join."""

    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.filter(is_active=True).order_by("order")
    )


@admin.register(NoteRecommendation)
class NoteRecommendationAdmin(admin.ModelAdmin):
    list_display = ["text", "note", "priority_count"]
    list_filter = ["note__status", "note__round_table__session"]
    list_select_related = ["note__round_table"]
    search_fields = ["text", "note__round_table__topic"]
    raw_id_fields = ["note"]
    actions = ["create_priority"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NoteRecommendation]:
        return super().get_queryset(request).annotate(priority_total=Count("priorities"))

    @admin.display(description=_("priorities"), ordering="priority_total")
    def priority_count(self, obj: NoteRecommendation) -> int:
        return obj.priority_total

    @admin.action(
        description=_("Create a proposed priority from each recommendation…"),
        permissions=["change"],
    )
    def create_priority(
        self, request: HttpRequest, queryset: QuerySet[NoteRecommendation]
    ) -> HttpResponse | None:
        form = RecommendationToPriorityForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for recommendation in queryset.select_related("note__round_table__session"):
                try:
                    notes.create_priority_from_recommendation(
                        recommendation=recommendation,
                        theme=form.cleaned_data["theme"],
                        user=request.user,
                    )
                except ValidationError as error:
                    problem = f"{recommendation.text}: {' '.join(error.messages)}"
                    self.message_user(request, problem, messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s proposed priority created.",
                        "%(count)s proposed priorities created.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Create proposed priorities"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": "create_priority",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/meetings/noterecommendation/create_priority.html", context
        )

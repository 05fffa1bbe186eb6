"""The curation tool: admins edit, order, move through the status machine and merge priorities.

Staff see everything here read-only (members.roles gives them view permissions only); every
action needs the change permission, which only the Admins group holds.
"""

from collections.abc import Callable

from adminsortable2.admin import SortableAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from alliance.admin import PlainActionCheckboxMixin
from alliance.urls_for import url_maker
from priorities import services
from priorities.forms import AgreeAtSessionForm, MergeForm
from priorities.models import AGREED_STATUSES, Endorsement, Priority, ProgressUpdate, Theme
from priorities.selectors import active_endorsement_count

THEME_FILTER_PARAM = "theme__id__exact"
# A theme's priorities stay on one page, so that drag and drop can put any of them anywhere
# (the library's move-to-page actions are off: they reorder across themes). The whole list,
# which is not reordered, pages at PriorityAdmin.list_per_page: each row costs the page time.
THEME_PAGE_SIZE = 100


class PriorityChangeList(ChangeList):
    _change_url: Callable[[int], str] | None = None

    def get_results(self, request: HttpRequest) -> None:
        if request.GET.get(THEME_FILTER_PARAM):
            self.list_per_page = THEME_PAGE_SIZE
        super().get_results(request)

    def url_for_result(self, result: Priority) -> str:
        # One reverse() for the page instead of one a row; a priority's pk is an integer, which
        # the URL carries as it is (quote() leaves digits alone).
        if self._change_url is None:
            self._change_url = url_maker(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                current_app=self.model_admin.admin_site.name,
            )
        return self._change_url(int(result.pk))


@admin.register(Theme)
class ThemeAdmin(SortableAdminMixin, admin.ModelAdmin):
    list_display = ("order", "name_en", "name_ar", "name_he", "colour", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_en", "name_ar", "name_he")


class EndorsementInline(admin.TabularInline):
    """Endorsements are given by representatives on the hub; here they are only looked at."""

    model = Endorsement
    extra = 0
    can_delete = False
    fields = ("organisation", "endorsed_by", "comment", "created_at", "withdrawn_at")
    readonly_fields = fields
    ordering = ("withdrawn_at", "-created_at")

    def has_add_permission(self, request: HttpRequest, obj: Priority | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Priority | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Endorsement]:
        return super().get_queryset(request).select_related("organisation", "endorsed_by")


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    fields = ("happened_on", "organisation", "body", "author")
    readonly_fields = ("author",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return super().get_queryset(request).select_related("organisation", "author")


class MergedFilter(admin.SimpleListFilter):
    title = _("merged")
    parameter_name = "merged"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("no", _("Not merged")), ("yes", _("Merged into another"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Priority]) -> QuerySet[Priority]:
        if self.value() == "no":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset


def _run_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Priority],
    service: object,
    done_message: str,
    **kwargs: object,
) -> None:
    """Apply a status service to each selected priority, reporting the ones it refused."""
    done = 0
    for priority in queryset:
        try:
            service(priority=priority, **kwargs)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{priority.title_en}: {' '.join(error.messages)}", messages.ERROR
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class PriorityAdminForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ("is_public",)  # the admin adds the rest from its fieldsets

    def clean(self) -> dict:
        cleaned = super().clean()
        # The status is read-only here, so the model's own check never sees it: repeat it.
        instance = self.instance
        if cleaned.get("is_public") and (
            instance.status not in AGREED_STATUSES or instance.merged_into_id is not None
        ):
            self.add_error(
                "is_public",
                _("Only agreed, in-progress or achieved priorities can be on the public page."),
            )
        return cleaned


@admin.register(Priority)
class PriorityAdmin(PlainActionCheckboxMixin, SortableAdminMixin, SimpleHistoryAdmin):
    # Ranks count within each theme, so drag and drop is offered once the list shows one theme.
    form = PriorityAdminForm
    ordering = ("rank", "theme__order", "pk")
    list_display = (
        "rank",
        "title_en",
        "rank_in_theme",
        "theme",
        "status",
        "endorsement_count",
        "is_public",
        "merged_into",
    )
    list_display_links = ("title_en",)
    list_filter = ("theme", "status", "is_public", MergedFilter)
    list_select_related = ("theme", "merged_into")
    search_fields = ("title_en", "title_ar", "title_he", "summary_en", "slug")
    list_per_page = 50
    # The "N total" beside a filtered count is one more COUNT over every priority.
    show_full_result_count = False
    filter_horizontal = ("champions", "source_sessions", "source_round_tables")
    readonly_fields = (
        "slug",
        "status",
        "agreed_at_session",
        "status_changed_at",
        "merged_into",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("theme", "title_en", "summary_en", "description", "target_date")}),
        (_("Arabic and Hebrew"), {"fields": ("title_ar", "summary_ar", "title_he", "summary_he")}),
        (
            _("Status"),
            {
                "description": _(
                    "The status changes through the actions on the list of priorities."
                ),
                "fields": (
                    "status",
                    "agreed_at_session",
                    "status_changed_at",
                    "is_public",
                    "merged_into",
                ),
            },
        ),
        (
            _("Champions and provenance"),
            {"fields": ("champions", "source_sessions", "source_round_tables")},
        ),
        (_("Record"), {"fields": ("slug", "created_at")}),
    )
    inlines = (ProgressUpdateInline, EndorsementInline)
    history_list_display = ("status", "is_public")
    actions = (
        "mark_agreed",
        "mark_in_progress",
        "mark_achieved",
        "set_aside",
        "reopen",
        "merge_duplicates",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Priority]:
        return super().get_queryset(request).annotate(_endorsement_count=active_endorsement_count())

    @admin.display(description=_("endorsements"), ordering="_endorsement_count")
    def endorsement_count(self, obj: Priority) -> int:
        return obj._endorsement_count

    @admin.display(description=_("rank"), ordering="rank")
    def rank_in_theme(self, obj: Priority) -> int:
        return obj.rank

    # --- drag and drop within a theme ----------------------------------------------------------

    def get_changelist_instance(self, request: HttpRequest) -> object:
        changelist = super().get_changelist_instance(request)
        if not request.GET.get(THEME_FILTER_PARAM):
            self.enable_sorting = False
        return changelist

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return PriorityChangeList

    def get_actions(self, request: HttpRequest) -> dict:
        # The library's "move to page" actions reorder across themes; ranks are per theme. So
        # skip its get_actions() altogether: it counted every priority to offer them, on each
        # of the several calls a changelist makes.
        return super(SortableAdminMixin, self).get_actions(request)

    def get_max_order(self, request: HttpRequest, obj: Priority | None = None) -> int:
        if obj is None or obj.theme_id is None:
            return 0
        return Priority.objects.filter(theme_id=obj.theme_id).aggregate(
            last=Coalesce(Max("rank"), 0)
        )["last"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = extra_context or {}
        if not request.GET.get(THEME_FILTER_PARAM):
            extra_context.setdefault(
                "subtitle", gettext("Filter by a theme to reorder its priorities by drag and drop.")
            )
        return super().changelist_view(request, extra_context)

    # --- saving -------------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Priority, form: object, change: bool) -> None:
        if not change:
            obj.slug = services.unique_slug_for(obj.title_en)
        elif "theme" in form.changed_data:
            # A priority moved to another theme joins the end of that theme's list.
            obj.rank = services.next_rank_in(obj.theme)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: object, formset: object, change: bool):
        if formset.model is ProgressUpdate:
            for update in formset.save(commit=False):
                if update.author_id is None:
                    update.author = request.user
                update.save()
            for gone in formset.deleted_objects:
                gone.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    # --- actions: the status machine and merging ---------------------------------------------

    @admin.action(description=_("Mark agreed at a session…"), permissions=["change"])
    def mark_agreed(self, request: HttpRequest, queryset: QuerySet[Priority]):
        form = AgreeAtSessionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            _run_each(
                self,
                request,
                queryset,
                services.agree_priority,
                gettext("%(count)s priorities marked agreed."),
                session=form.cleaned_data["session"],
            )
            return None
        return self._intermediate(
            request, queryset, "admin/priorities/priority/agree.html", form, "mark_agreed"
        )

    @admin.action(description=_("Mark in progress"), permissions=["change"])
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[Priority]) -> None:
        _run_each(
            self,
            request,
            queryset,
            services.start_priority,
            gettext("%(count)s priorities marked in progress."),
        )

    @admin.action(description=_("Mark achieved"), permissions=["change"])
    def mark_achieved(self, request: HttpRequest, queryset: QuerySet[Priority]) -> None:
        _run_each(
            self,
            request,
            queryset,
            services.achieve_priority,
            gettext("%(count)s priorities marked achieved."),
        )

    @admin.action(description=_("Set aside"), permissions=["change"])
    def set_aside(self, request: HttpRequest, queryset: QuerySet[Priority]) -> None:
        _run_each(
            self,
            request,
            queryset,
            services.set_priority_aside,
            gettext("%(count)s priorities set aside."),
        )

    @admin.action(description=_("Propose again (set-aside priorities)"), permissions=["change"])
    def reopen(self, request: HttpRequest, queryset: QuerySet[Priority]) -> None:
        _run_each(
            self,
            request,
            queryset,
            services.reopen_priority,
            gettext("%(count)s priorities proposed again."),
        )

    @admin.action(description=_("Merge duplicates…"), permissions=["change"])
    def merge_duplicates(self, request: HttpRequest, queryset: QuerySet[Priority]):
        chosen = queryset.select_related("theme").order_by("theme__order", "rank")
        if chosen.count() < 2:
            self.message_user(
                request, gettext("Choose at least two priorities to merge."), messages.WARNING
            )
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            priorities=chosen.filter(merged_into__isnull=True),
        )
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            try:
                services.merge_priorities(
                    survivor=survivor,
                    duplicates=[p for p in chosen if p.pk != survivor.pk],
                    user=request.user,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(count)s priority merged into “%(survivor)s”.",
                    "%(count)s priorities merged into “%(survivor)s”.",
                    len(chosen) - 1,
                )
                % {"count": len(chosen) - 1, "survivor": survivor.title_en},
                messages.SUCCESS,
            )
            return None
        return self._intermediate(
            request, chosen, "admin/priorities/priority/merge.html", form, "merge_duplicates"
        )

    def _intermediate(
        self,
        request: HttpRequest,
        queryset: QuerySet[Priority],
        template: str,
        form: object,
        action: str,
    ) -> HttpResponse:
        """A confirmation page that posts back to the changelist with the same selection."""
        context = {
            **self.admin_site.each_context(request),
            "title": self.get_actions(request)[action][2],
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

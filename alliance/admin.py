"""Small pieces shared by the apps' admin classes."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext


class PlainActionCheckboxMixin:
    """The changelist row's action checkbox as Django renders it, without rendering a widget
    template for each row (on a 50-row changelist that was a third of the page's time)."""

    def action_checkbox(self, obj: Model) -> SafeString:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            # Django's own message and translation (django/contrib/admin/options.py).
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

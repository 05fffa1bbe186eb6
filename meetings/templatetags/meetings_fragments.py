"""Sections of the meetings pages shared by everyone who would see the very same HTML
(see alliance.fragments)."""

from django import template
from django.utils.safestring import SafeString

from alliance.fragments import render_fragment
from meetings.charts import BalanceChart
from meetings.selectors import ParticipationBalance

register = template.Library()


@register.simple_tag
def balance_section(balance: ParticipationBalance, chart: BalanceChart) -> SafeString:
    """The participation balance: counts only, the same for every viewer of the session."""
    return render_fragment("meetings/includes/balance.html", {"balance": balance, "chart": chart})

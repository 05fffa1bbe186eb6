from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.i18n import localized


class Theme(models.Model):
    """A strategic theme agreed by the network; priorities are grouped under it."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_he = models.CharField(_("name (Hebrew)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_he = models.TextField(_("description (Hebrew)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f6f8b", help_text=_("A hex colour like #1f6f8b.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alliance.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from alliance.mail import checks  # noqa: F401  (registers the system checks)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from members import signals

        post_migrate.connect(signals.sync_role_groups_after_migrate, sender=self)
        from members import digests

        digests.register()

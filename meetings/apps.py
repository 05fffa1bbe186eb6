from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from meetings import hub_sections
        from members import hub

        hub.register_home_context(hub_sections.next_session_home_context)
        hub.register_organisation_context(hub_sections.sessions_taken_part_context)
        from meetings import note_hub

        hub.register_home_context(note_hub.recent_notes_home_context)
        from meetings import reminders

        reminders.register()

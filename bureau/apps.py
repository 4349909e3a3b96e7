from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureauConfig(AppConfig):
    name = "bureau"
    verbose_name = _("劳动保障核心")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from bureau import audit, schedules, workdays
        from bureau.models import CalendarDay, CalendarYear

        audit.register_models()
        post_migrate.connect(schedules.ensure_schedules, sender=self, dispatch_uid="bureau-schedules")
        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                workdays.on_calendar_row_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-save"
            )
            post_delete.connect(
                workdays.on_calendar_row_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-del"
            )

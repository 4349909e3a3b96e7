from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("监察检查")

    def ready(self) -> None:
        from bureau.workdays import register_recomputer
        from inspections.services import recompute_due_dates

        register_recomputer(recompute_due_dates)

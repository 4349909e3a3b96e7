from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        from bureau.workdays import register_recomputer
        from complaints.services import recompute_deadlines

        register_recomputer(recompute_deadlines)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagecasesConfig(AppConfig):
    name = "wagecases"
    verbose_name = _("欠薪案件")

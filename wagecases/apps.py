from django.apps import AppConfig


class WagecasesConfig(AppConfig):
    name = "wagecases"

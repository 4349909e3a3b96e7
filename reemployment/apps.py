from django.apps import AppConfig


class ReemploymentConfig(AppConfig):
    name = "reemployment"

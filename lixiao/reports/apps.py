from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.reports"
    label = "reports"

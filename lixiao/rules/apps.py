from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.rules"
    label = "rules"

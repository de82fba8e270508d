from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.portal"
    label = "portal"

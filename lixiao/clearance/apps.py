from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.clearance"
    label = "clearance"

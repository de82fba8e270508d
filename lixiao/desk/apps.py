from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.desk"
    label = "desk"

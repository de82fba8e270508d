from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.directory"
    label = "directory"

from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.imports"
    label = "imports"

from django.apps import AppConfig


class Config(AppConfig):
    name = "lixiao.accounts"
    label = "accounts"

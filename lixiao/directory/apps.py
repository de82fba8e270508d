from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.directory"
    label = "directory"
    verbose_name = _("People and units")

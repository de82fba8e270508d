from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.desk"
    label = "desk"
    verbose_name = _("Counters")

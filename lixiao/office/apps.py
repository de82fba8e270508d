from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.office"
    label = "office"
    verbose_name = _("Campaign office")

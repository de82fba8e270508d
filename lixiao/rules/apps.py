from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.rules"
    label = "rules"
    verbose_name = _("Clearance rules")

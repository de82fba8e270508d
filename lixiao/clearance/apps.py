from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.clearance"
    label = "clearance"
    verbose_name = _("Clearance")

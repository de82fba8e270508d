from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

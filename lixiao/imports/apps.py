from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.imports"
    label = "imports"
    verbose_name = _("Imports")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "lixiao.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

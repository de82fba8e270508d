"""Certificate collection at the managing office: who collected, in person or by proxy, checked by which clerk.

Written only by services.py (collect_certificates), in the same transaction as the engine's task_clear.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lixiao.clearance.models import Channel, Task
from lixiao.directory.models import Department


def letter_path(instance, filename):
    """Where an authorisation letter is stored under MEDIA_ROOT: never the uploaded name, only our own."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"certificates/letters/{instance.collected_at:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Collection(models.Model):
    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PROXY = "proxy", _("by proxy")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("resident identity card")
        PASSPORT = "passport", _("passport")
        HMT_PERMIT = "hmt_permit", _("Hong Kong, Macao or Taiwan residence permit or travel permit")
        OTHER = "other", _("other identity document")

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="collection")
    office = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    method = models.CharField(_("collected"), max_length=10, choices=Method.choices)
    id_type = models.CharField(_("identity document"), max_length=12, choices=IdType.choices)
    id_last4 = models.CharField(_("last 4 characters of the ID number"), max_length=4)
    proxy_name = models.CharField(_("proxy's name"), max_length=80, blank=True)
    proxy_relation = models.CharField(_("proxy's relation to the student"), max_length=40, blank=True)
    proxy_id_no = models.CharField(_("proxy's ID number"), max_length=40, blank=True)
    letter = models.FileField(_("authorisation letter"), upload_to=letter_path, max_length=200, blank=True)
    letter_content_type = models.CharField(_("letter file type"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clerk_label = models.CharField(_("clerk"), max_length=120, blank=True)
    collected_at = models.DateTimeField(_("collected at"), db_index=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        indexes = [models.Index(fields=["office", "collected_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method="in_person") | (~models.Q(proxy_name="") & ~models.Q(letter="")),
                name="collection_proxy_has_name_and_letter",
            )
        ]
        verbose_name = _("certificate collection")
        verbose_name_plural = _("certificate collections")

    def __str__(self):
        return f"{self.task_id} {self.method} {self.collected_at:%Y-%m-%d %H:%M}"

"""Uploaded files waiting for preview and apply: upload -> preview -> apply, all or nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        ROSTER = "roster", _("roster")
        LIST = "list", _("department list")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("waiting for confirmation")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("refused")
        DISCARDED = "discarded", _("discarded")
        UNDONE = "undone", _("undone")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    campaign = models.ForeignKey("clearance.Campaign", on_delete=models.CASCADE, related_name="imports")
    item = models.ForeignKey("rules.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"))
    mode = models.CharField(_("mode"), max_length=10, default="replace")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The student categories a roster touches (its rows' categories and those of the students it would change):
    # the offices managing them see the batch (lixiao.imports.access).
    categories = models.ManyToManyField(
        "directory.Category", blank=True, related_name="+", verbose_name=_("student categories")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"

"""Department counters: stations and the scan log (every read stored, successful or not)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lixiao.directory.models import Department, Student


class Station(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="stations")
    clear_on_swipe = models.BooleanField(
        _("clear on swipe"),
        default=True,
        help_text=_("A swipe clears the student's pending items at this counter; blocked items still need the clerk."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("counter station")
        verbose_name_plural = _("counter stations")

    def __str__(self):
        return self.name


class Scan(models.Model):
    class Result(models.TextChoices):
        CLEARED = "cleared", _("cleared")
        ALREADY = "already", _("already done")
        SHOWN = "shown", _("shown")
        BLOCKED = "blocked", _("blocked, needs the clerk")
        NOTHING = "nothing", _("nothing to do here")
        UNKNOWN = "unknown", _("unknown card or number")
        AMBIGUOUS = "ambiguous", _("several matches")
        IGNORED = "ignored", _("ignored repeat")
        REFUSED = "refused", _("refused")

    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.CASCADE, related_name="scans")
    desk = models.CharField(_("desk"), max_length=40, blank=True)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raw = models.CharField(_("raw input"), max_length=200)
    normalized = models.CharField(_("normalised"), max_length=200, blank=True)
    matched_by = models.CharField(_("matched by"), max_length=20, blank=True)
    student = models.ForeignKey(Student, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["station", "created_at"]),
            models.Index(fields=["desk", "created_at"]),
        ]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self):
        return f"{self.station} {self.raw} {self.result}"

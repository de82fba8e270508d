"""Department counters: stations and the scan log (every read stored, successful or not)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lixiao.directory.models import Card, Department, Student
from lixiao.lib import cards


class Station(models.Model):
    """A counter position with its card reader. The reader profile says what the reader sends (every form
    is tried in auto mode) and what it adds around the number; see lixiao.lib.cards."""

    class ReaderMode(models.TextChoices):
        AUTO = cards.AUTO, _("automatic: try every form")
        HEX = cards.HEX, _("8H: the UID in hexadecimal")
        HEX_REVERSED = cards.HEX_REVERSED, _("8H reversed: the UID's bytes reversed, in hexadecimal")
        DEC = cards.DEC, _("10D: the UID as a 10-digit decimal")
        DEC_REVERSED = cards.DEC_REVERSED, _("10D reversed: the UID's bytes reversed, as a 10-digit decimal")
        W26 = cards.W26, _("Wiegand 26: facility,card or 8 digits")
        W34 = cards.W34, _("Wiegand 34: facility,card or 10 digits")
        FACE = cards.FACE, _("the number printed on the card")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="stations")
    clear_on_swipe = models.BooleanField(
        _("clear on swipe"),
        default=True,
        help_text=_("A swipe clears the student's pending items at this counter; blocked items still need the clerk."),
    )
    reader_mode = models.CharField(
        _("card reader sends"), max_length=16, choices=ReaderMode.choices, default=ReaderMode.AUTO
    )
    strip_prefixes = models.CharField(
        _("prefixes to strip"),
        max_length=60,
        blank=True,
        help_text=_(
            "What the reader puts before the number, separated by spaces. "
            "Sentinels ; ? %, STX/ETX and CR/LF are always stripped."
        ),
    )
    strip_suffixes = models.CharField(
        _("suffixes to strip"), max_length=60, blank=True, help_text=_("What the reader puts after the number.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("counter station")
        verbose_name_plural = _("counter stations")

    def __str__(self):
        return self.name

    def profile(self):
        return cards.Profile(
            mode=self.reader_mode,
            prefixes=tuple(self.strip_prefixes.split()),
            suffixes=tuple(self.strip_suffixes.split()),
        )


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
    raw = models.CharField(_("raw input"), max_length=200, help_text=_("As typed, control characters escaped (\\r)."))
    normalized = models.CharField(_("normalised"), max_length=200, blank=True)
    matched_by = models.CharField(_("matched by"), max_length=20, blank=True)
    student = models.ForeignKey(Student, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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

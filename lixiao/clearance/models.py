"""The engine's state: campaigns, cases, tasks, list entries, audit events. Written only by services.py."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lixiao.directory.models import Campus, Category, College, Student
from lixiao.rules.models import DepartureType, Item, default_departure_type


class WindowRule(models.TextChoices):
    NONE = "none", _("none: departments act at any time")
    WORKDAYS = "workdays", _("the first working days of each month")
    DATES = "dates", _("a list of dates")


class Campaign(models.Model):
    class Kind(models.TextChoices):
        BATCH = "batch", _("batch")
        ROLLING = "rolling", _("rolling")

    class Stage(models.TextChoices):
        ROSTER = "roster", _("roster preparation")
        DATA = "data", _("department data preparation")
        LAUNCH = "launch", _("launch")
        PROCESSING = "processing", _("processing")
        DEPARTURE = "departure", _("departure")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BATCH)
    categories = models.ManyToManyField(Category, related_name="campaigns", verbose_name=_("categories"))
    roster_from = models.DateField(_("roster preparation from"), null=True, blank=True)
    data_from = models.DateField(_("data preparation from"), null=True, blank=True)
    launch_on = models.DateField(_("launch on"), null=True, blank=True)
    processing_from = models.DateField(_("processing from"), null=True, blank=True)
    departure_on = models.DateField(_("departure on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    departure_type = models.ForeignKey(
        DepartureType,
        on_delete=models.PROTECT,
        related_name="campaigns",
        default=default_departure_type,
        verbose_name=_("departure type"),
        help_text=_("Only items of this departure type apply to the campaign's students."),
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    # Rolling campaigns: students apply one at a time; the college approves, the office reviews; departments act
    # only inside processing windows (a rule on the working-day calendar, a list of dates, or none: always open).
    college_approval = models.BooleanField(
        _("the college approves applications"), default=True, help_text=_("Rolling campaigns only.")
    )
    office_review = models.BooleanField(
        _("the managing office reviews applications"), default=True, help_text=_("Rolling campaigns only.")
    )
    window_rule = models.CharField(
        _("processing windows"), max_length=10, choices=WindowRule.choices, default=WindowRule.NONE
    )
    window_workdays = models.PositiveSmallIntegerField(
        _("working days per window"), default=3, help_text=_("For the rule: the first N working days of each month.")
    )
    window_dates = models.TextField(
        _("window dates"), blank=True, help_text=_("For a list: dates like 2026-01-05, separated by commas or lines.")
    )
    window_opens = models.TimeField(_("windows open at"), default=datetime.time(8, 30))
    window_closes = models.TimeField(_("windows close at"), default=datetime.time(17, 0))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    @property
    def rolling(self):
        return self.kind == self.Kind.ROLLING

    @property
    def windowed(self):
        return self.kind == self.Kind.ROLLING and self.window_rule != WindowRule.NONE


class ProcessingWindow(models.Model):
    """A span of time in which departments act on a rolling campaign's cases (aware datetimes, Asia/Shanghai)."""

    class Source(models.TextChoices):
        RULE = "rule", _("working-day rule")
        LIST = "list", _("list of dates")
        EXTRA = "extra", _("extra window opened by the office")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="windows")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    days = models.JSONField(_("days"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.RULE)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "opens_at"], name="window_unique_opening"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="window_not_empty"),
        ]
        verbose_name = _("processing window")
        verbose_name_plural = _("processing windows")

    def __str__(self):
        """The window in Beijing time, whatever the server's time zone."""
        beijing = ZoneInfo("Asia/Shanghai")
        return (
            f"{self.opens_at.astimezone(beijing):%Y-%m-%d %H:%M} – {self.closes_at.astimezone(beijing):%Y-%m-%d %H:%M}"
        )


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("applied, waiting for the college")
    COLLEGE_OK = "college_ok", _("approved by the college, waiting for the office's review")
    RETURNED = "returned", _("application returned")
    ACTIVE = "active", _("on the roster")
    DEFERRED = "deferred", _("graduation deferred")
    REMOVED = "removed", _("removed from the roster")


class Case(models.Model):
    """A student on a campaign's roster. Campus, category and college are the ones the tasks were built for.

    Only active cases have open tasks. A rolling campaign's case starts as an application (applied → college_ok →
    active, or returned); a batch case may later be deferred or removed (its open tasks closed as not needed).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cases")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="cases")
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    college = models.ForeignKey(College, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    status_reason = models.CharField(_("status reason"), max_length=255, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    window = models.ForeignKey(
        ProcessingWindow,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("processing window"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "student"], name="case_unique_student")]
        indexes = [models.Index(fields=["campaign", "category", "campus"]), models.Index(fields=["campaign", "status"])]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return f"{self.campaign} / {self.student}"


class TaskState(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    BLOCKED = "blocked", _("blocked")
    WAIVED = "waived", _("waived")
    NOT_NEEDED = "not_needed", _("not needed")


# States that count as "nothing left to do" for prerequisites and for the certificate.
RESOLVED_STATES = (TaskState.DONE, TaskState.WAIVED, TaskState.NOT_NEEDED)


class Channel(models.TextChoices):
    LAUNCH = "launch", _("campaign launch")
    LIST = "list", _("department list")
    ROSTER = "roster", _("roster change")
    COUNTER = "counter", _("counter")
    PORTAL = "portal", _("student online")
    APPROVAL = "approval", _("approval")
    API = "api", _("API")
    ADMIN = "admin", _("administration")
    COMMAND = "command", _("command line")


# Channels whose state a list may recompute; anything else was a person's decision and stands.
LIST_MANAGED_CHANNELS = (Channel.LAUNCH, Channel.LIST)


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="tasks")
    required = models.BooleanField(_("must-do"), default=True)
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.LAUNCH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="task_unique_item_per_case")]
        indexes = [
            models.Index(fields=["campaign", "item", "state"]),
            models.Index(fields=["campaign", "state", "required"]),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return f"{self.case.student} {self.item}: {self.state}"

    @property
    def resolved(self):
        return self.state in RESOLVED_STATES


class ListEntry(models.Model):
    """A student named on a department's black/white/scope list for an item in a campaign.

    Entries are never deleted: a released entry keeps who released it, when and why.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="list_entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="list_entries")
    student_no = models.CharField(_("student number"), max_length=32)
    student = models.ForeignKey(Student, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name on the list"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    quantity = models.IntegerField(_("count"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.CharField(_("release reason"), max_length=255, blank=True)
    import_ref = models.CharField(_("added by import"), max_length=40, blank=True, db_index=True)
    release_ref = models.CharField(_("released by import"), max_length=40, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "item", "student_no", "active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item", "student_no"],
                condition=models.Q(active=True),
                name="list_entry_one_active_per_student",
            )
        ]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self):
        return f"{self.item} {self.student_no}"


class AuditEvent(models.Model):
    """One change of clearance state: who, when, through what, before and after."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    state_before = models.CharField(_("before"), max_length=12, blank=True)
    state_after = models.CharField(_("after"), max_length=12, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=120, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "created_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.state_before}->{self.state_after}"


class Submission(models.Model):
    """What a student filled in online for a self-service item; kept, never overwritten (a resubmission is a new
    row). review: '' while waiting or when no review is needed, 'approved' or 'rejected' once reviewed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="submissions")
    data = models.JSONField(_("answers"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    review = models.CharField(_("review"), max_length=10, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")

    def __str__(self):
        return f"{self.task} {self.submitted_at:%Y-%m-%d %H:%M}"

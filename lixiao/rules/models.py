"""What: clearance items (事项), where they apply (campus x category), must-do or optional, prerequisites."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lixiao.directory.models import Campus, Category, Department


class DepartureType(models.Model):
    """Why students leave: graduation (毕业离校) by default; withdrawal (退学), transfer and others are configured
    here. A campaign runs one departure type and only that type's items apply to its students."""

    GRADUATION = "graduation"

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("departure type")
        verbose_name_plural = _("departure types")

    def __str__(self):
        return self.name


def default_departure_type():
    """Graduation, created on first use: items and campaigns are for graduation unless configured otherwise."""
    return DepartureType.objects.get_or_create(
        code=DepartureType.GRADUATION, defaults={"name": "毕业离校", "name_en": "Graduation"}
    )[0].pk


class Item(models.Model):
    class Handler(models.TextChoices):
        DEPARTMENT = "department", _("the owning department")
        COLLEGE = "college", _("the student's college")
        ADVISOR = "advisor", _("the student's advisor")
        STUDENT = "student", _("the student online")

    class Method(models.TextChoices):
        COUNTER = "counter", _("at the counter")
        BLACKLIST = "blacklist", _("blacklist: passes unless listed")
        WHITELIST = "whitelist", _("whitelist: blocked until listed")
        SCOPE = "scope", _("scope list: only listed students need it")
        SELF = "self", _("self-service online")
        APPROVAL = "approval", _("approval")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items")
    departure_type = models.ForeignKey(
        DepartureType,
        on_delete=models.PROTECT,
        related_name="items",
        default=default_departure_type,
        verbose_name=_("departure type"),
        help_text=_("The item applies in campaigns of this departure type only."),
    )
    handler = models.CharField(_("handled by"), max_length=12, choices=Handler.choices, default=Handler.DEPARTMENT)
    method = models.CharField(_("cleared by"), max_length=12, choices=Method.choices, default=Method.COUNTER)
    final = models.BooleanField(
        _("certificate collection"),
        default=False,
        help_text=_("Can only be done once every must-do item is done."),
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", verbose_name=_("prerequisites")
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    instructions = models.TextField(_("instructions for students"), blank=True)
    instructions_en = models.TextField(_("instructions in English"), blank=True)
    form_fields = models.JSONField(
        _("online form"),
        default=list,
        blank=True,
        help_text=_(
            'For self-service items: the fields the student fills in, e.g. [{"name": "address", "label": "地址", '
            '"label_en": "Address", "type": "text", "required": true}]; types: text, choice (with "choices"), '
            "phone, date."
        ),
    )
    review_required = models.BooleanField(
        _("reviewed by the department"),
        default=False,
        help_text=_("A self-service submission waits for the department's review instead of clearing at once."),
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("clearance item")
        verbose_name_plural = _("clearance items")

    def __str__(self):
        return self.name

    @property
    def list_driven(self):
        return self.method in {self.Method.BLACKLIST, self.Method.WHITELIST, self.Method.SCOPE}


class ItemScope(models.Model):
    """An item applies to students of this campus and category, as must-do or optional."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="scopes")
    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    required = models.BooleanField(_("must-do"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "campus", "category"], name="item_scope_unique")]
        verbose_name = _("item scope")
        verbose_name_plural = _("item scopes")

    def __str__(self):
        return f"{self.item} @ {self.campus}/{self.category}"


class CalendarYear(models.Model):
    """This year's official holiday notice has been entered: its days not listed as CalendarDay follow Monday-Friday.

    Needed for a year the chinese_calendar package does not know; without it no windows are generated for the year.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("official notice"), max_length=300, help_text=_("The title or address of the State Council's notice.")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A holiday or a make-up working day (调休上班) from an official notice; it wins over the package's calendar."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"), help_text=_("Ticked for a make-up working day, unticked for a holiday.")
    )
    name = models.CharField(_("name"), max_length=40, blank=True, help_text=_("e.g. 春节 or 调休上班"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.name}".strip()

"""Who: campuses, student categories, departments, colleges, staff memberships, students and their cards."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lixiao.lib.cards import READER_KINDS, normalize_uid, uid_forms


class Campus(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")

    def __str__(self):
        return self.name


class Department(models.Model):
    """A unit that handles clearance items: an office (财务处), or a stand-in for the student's own college/advisor."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        COLLEGES = "colleges", _("the student's college")
        ADVISORS = "advisors", _("the student's advisor")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="departments", verbose_name=_("campus"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OFFICE)
    place = models.CharField(_("place"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campus__sort", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="department_unique_name_per_campus")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.campus.name} {self.name}"


class Category(models.Model):
    """A student category (本科, 双证硕士, ...) with the office that manages its graduates."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    office = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="managed_categories",
        verbose_name=_("managing office"),
    )
    international = models.BooleanField(_("international"), default=False)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("student category")
        verbose_name_plural = _("student categories")

    def __str__(self):
        return self.name


class CampusCategory(models.Model):
    """Which campus x category pairs the system serves (the seed's Table 1)."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="served")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="served")
    served = models.BooleanField(_("served"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campus", "category"], name="campus_category_unique")]
        verbose_name = _("served campus and category")
        verbose_name_plural = _("served campuses and categories")

    def __str__(self):
        return f"{self.campus} / {self.category}"


class College(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    place = models.CharField(_("place"), max_length=120, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("college")
        verbose_name_plural = _("colleges")

    def __str__(self):
        return self.name


class Staff(models.Model):
    """A member of staff known by staff number (advisors come from the rosters before they ever log in)."""

    staff_no = models.CharField(_("staff number"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    college = models.ForeignKey(College, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff")

    class Meta:
        ordering = ["staff_no"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return f"{self.name} ({self.staff_no})"


class Membership(models.Model):
    """A role of a user in a department or a college. Capabilities follow from the role (accounts.access)."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        OFFICE = "office", _("office manager")
        LEADER = "leader", _("leadership (read only)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="members")
    college = models.ForeignKey(College, null=True, blank=True, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CLERK)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, college__isnull=True)
                | models.Q(department__isnull=True, college__isnull=False),
                name="membership_department_xor_college",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} {self.get_role_display()} {self.department or self.college}"


class Student(models.Model):
    student_no = models.CharField(_("student number"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=80, blank=True)
    name_latin = models.CharField(_("Latin name"), max_length=120, blank=True)
    gender = models.CharField(_("gender"), max_length=8, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="students", verbose_name=_("category")
    )
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="students", verbose_name=_("campus"))
    college = models.ForeignKey(
        College, null=True, blank=True, on_delete=models.PROTECT, related_name="students", verbose_name=_("college")
    )
    major = models.CharField(_("major"), max_length=80, blank=True)
    class_name = models.CharField(_("class"), max_length=60, blank=True)
    advisor = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="advisees", verbose_name=_("advisor")
    )
    nationality = models.CharField(_("nationality"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("email"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student"
    )

    class Meta:
        ordering = ["student_no"]
        indexes = [models.Index(fields=["name"])]
        verbose_name = _("student")
        verbose_name_plural = _("students")

    def __str__(self):
        return f"{self.display_name} ({self.student_no})"

    @property
    def display_name(self):
        if self.name and self.name_latin:
            return f"{self.name} {self.name_latin}"
        return self.name or self.name_latin


class Card(models.Model):
    """A campus card. A student may hold several (replacements).

    ``number`` is the number printed on the card face, the campus card account number of the rosters: text,
    leading zeros kept ('0666599', '000118'). ``uid`` is the chip's physical UID as the register gives it:
    upper-case hexadecimal, 4 or 7 bytes, or '' when not known. The forms a reader types for the UID are
    kept in :class:`CardForm` (see lixiao.lib.cards); call ``CardForm.objects.rebuild(cards)`` after
    setting or changing UIDs. The face number itself is matched on this table (``number`` is indexed).
    """

    number = models.CharField(_("card number"), max_length=40, unique=True)
    uid = models.CharField(
        _("UID"),
        max_length=14,
        blank=True,
        default="",
        help_text=_("The chip's physical UID in hexadecimal as the card register gives it (4 or 7 bytes)."),
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="cards")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["uid"], condition=~models.Q(uid=""), name="card_unique_uid"),
        ]
        verbose_name = _("campus card")
        verbose_name_plural = _("campus cards")

    def __str__(self):
        return self.number

    def clean(self):
        try:
            self.uid = normalize_uid(self.uid)
        except ValueError:
            raise ValidationError({"uid": _("8 or 14 hexadecimal digits (4 or 7 bytes), like 51E69621.")}) from None


class CardFormQuerySet(models.QuerySet):
    def rebuild(self, cards):
        """Make the stored forms of these cards those of their current UIDs (set-based: one delete, one insert).
        A derived index, not clearance state: no audit."""
        cards = list(cards)
        self.filter(card__in=[c.pk for c in cards]).delete()
        self.bulk_create(
            [CardForm(card_id=c.pk, kind=kind, value=value) for c in cards for kind, value in uid_forms(c.uid)],
            batch_size=2000,
        )


class CardForm(models.Model):
    """One way a reader types a card: kind (lixiao.lib.cards.KINDS) and the canonical value (hexadecimal upper
    case, decimals without leading zeros, Wiegand pairs as 'FC,CN'). Derived from Card.uid, looked up by value."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField(_("form"), max_length=16, choices=[(k, k) for k in READER_KINDS])
    value = models.CharField(_("value"), max_length=20)

    objects = CardFormQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["card", "kind"], name="card_form_unique_kind")]
        indexes = [models.Index(fields=["value", "kind"], name="card_form_lookup")]
        verbose_name = _("card form")
        verbose_name_plural = _("card forms")

    def __str__(self):
        return f"{self.kind} {self.value}"

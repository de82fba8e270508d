"""Who: campuses, student categories, departments, colleges, staff memberships, students and their cards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="students")
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="students")
    college = models.ForeignKey(College, null=True, blank=True, on_delete=models.PROTECT, related_name="students")
    major = models.CharField(_("major"), max_length=80, blank=True)
    class_name = models.CharField(_("class"), max_length=60, blank=True)
    advisor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="advisees")
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
    """A campus card. A student may hold several (replacements); the number is text, leading zeros kept."""

    number = models.CharField(_("card number"), max_length=40, unique=True)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="cards")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("campus card")
        verbose_name_plural = _("campus cards")

    def __str__(self):
        return self.number

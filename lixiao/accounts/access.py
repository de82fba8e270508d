"""Who may see and do what. Every view asks here; none filters user-scoped data itself.

Roles are data (directory.Membership, Staff.advisees, Student.user); capabilities are named:
  desk.clear      clear/block/waive tasks at a desk (a department's counter, a college, an advisor)
  lists.upload    upload black/white/scope lists for a department's items
  roster.import   import rosters into a campaign
  campaign.manage launch campaigns, extend stages, open windows, review applications, defer or remove students
  reports.view    see the overview and exports (scoped to the categories one manages)
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lixiao.clearance.models import Campaign, Case
from lixiao.directory.models import Category, College, Department, Membership, Staff, Student
from lixiao.rules.models import Item


@dataclass(frozen=True)
class DeskScope:
    """One desk a user may work at: a department's counter, a college's approvals, or an advisor's students."""

    kind: str  # "department" | "college" | "advisor"
    pk: int
    label: str

    @property
    def key(self):
        return f"{self.kind}-{self.pk}"

    def task_q(self, prefix=""):
        """Q selecting the tasks this desk handles (prefix '' for Task, 'tasks__' for Case...)."""
        p = prefix
        if self.kind == "department":
            return Q(**{f"{p}item__department_id": self.pk, f"{p}item__handler": Item.Handler.DEPARTMENT})
        if self.kind == "college":
            return Q(**{f"{p}item__handler": Item.Handler.COLLEGE, f"{p}case__college_id": self.pk})
        return Q(**{f"{p}item__handler": Item.Handler.ADVISOR, f"{p}case__student__advisor_id": self.pk})

    def student_q(self):
        """Q on Student: who this desk may look up."""
        if self.kind == "department":
            return Q(pk__isnull=False)
        if self.kind == "college":
            return Q(college_id=self.pk)
        return Q(advisor_id=self.pk)


def _memberships(user):
    if not hasattr(user, "_lixiao_memberships"):
        user._lixiao_memberships = list(Membership.objects.filter(user=user).select_related("department", "college"))
    return user._lixiao_memberships


def desk_scopes(user):
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_lixiao_desks"):
        user._lixiao_desks = _desk_scopes(user)
    return user._lixiao_desks


def _desk_scopes(user):
    scopes = []
    if user.is_superuser:
        for d in Department.objects.filter(kind=Department.Kind.OFFICE).select_related("campus"):
            scopes.append(DeskScope("department", d.pk, str(d)))
        return scopes
    for m in _memberships(user):
        if m.role != Membership.Role.CLERK and m.role != Membership.Role.OFFICE:
            continue
        if m.department_id and m.department.kind == Department.Kind.OFFICE:
            scopes.append(DeskScope("department", m.department_id, str(m.department)))
        elif m.college_id:
            scopes.append(DeskScope("college", m.college_id, m.college.name))
    staff = Staff.objects.filter(user=user, advisees__isnull=False).distinct().first()
    if staff:
        scopes.append(DeskScope("advisor", staff.pk, staff.name))
    return scopes


def desk_scope_for_user(user, key):
    for scope in desk_scopes(user):
        if scope.key == key:
            return scope
    raise Http404


def report_categories(user):
    """The categories whose campaigns this user may see in the overview, or an empty list."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_lixiao_report_categories"):
        user._lixiao_report_categories = _report_categories(user)
    return user._lixiao_report_categories


def _report_categories(user):
    if user.is_superuser:
        return list(Category.objects.all())
    roles = _memberships(user)
    if any(m.role == Membership.Role.LEADER for m in roles):
        return list(Category.objects.all())
    offices = [m.department_id for m in roles if m.role == Membership.Role.OFFICE and m.department_id]
    return list(Category.objects.filter(office_id__in=offices))


def can(user, capability):
    """The one place capabilities are checked."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = _memberships(user)
    if capability == "desk.clear":
        return bool(desk_scopes(user))
    if capability == "reports.view":
        return bool(report_categories(user))
    if capability in {"campaign.manage", "roster.import"}:
        return any(m.role == Membership.Role.OFFICE and m.department_id for m in roles)
    if capability == "lists.upload":
        return list_items_for_user(user).exists()
    return False


def list_items_for_user(user):
    """Items whose lists this user may upload."""
    qs = Item.objects.filter(method__in=[Item.Method.BLACKLIST, Item.Method.WHITELIST, Item.Method.SCOPE])
    if user.is_superuser:
        return qs
    depts = [m.department_id for m in _memberships(user) if m.department_id and m.role != Membership.Role.LEADER]
    return qs.filter(department_id__in=depts)


def student_for_user(user):
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_lixiao_student"):
        user._lixiao_student = (
            Student.objects.filter(user=user).select_related("category", "campus", "college", "advisor").first()
        )
    return user._lixiao_student


def case_for_user(user, pk):
    """A case the user may see: their own as a student, or any in categories they report on. Else 404."""
    case = get_object_or_404(Case.objects.select_related("student", "campaign", "category", "campus"), pk=pk)
    if case.student.user_id == user.pk:
        return case
    if case.category in report_categories(user):
        return case
    raise Http404


def office_categories(user):
    """The categories whose campaigns this user manages (the managing office of the category), or []."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_lixiao_office_categories"):
        user._lixiao_office_categories = _office_categories(user)
    return user._lixiao_office_categories


def _office_categories(user):
    if user.is_superuser:
        return list(Category.objects.all())
    offices = [m.department_id for m in _memberships(user) if m.role == Membership.Role.OFFICE and m.department_id]
    return list(Category.objects.filter(office_id__in=offices)) if offices else []


def managed_campaigns(user):
    """Campaigns the user manages: those with a category the user's office is in charge of."""
    categories = office_categories(user)
    if not categories:
        return Campaign.objects.none()
    return Campaign.objects.filter(categories__in=categories).distinct().order_by("-created_at")


def campaign_for_office(user, code):
    return get_object_or_404(managed_campaigns(user), code=code)


def office_case_for_user(user, pk):
    """A case the user manages (its category is their office's). Else 404."""
    case = get_object_or_404(
        Case.objects.select_related("student", "campaign", "category", "campus", "college", "window"), pk=pk
    )
    if case.category in office_categories(user):
        return case
    raise Http404


def colleges_for_user(user):
    return College.objects.filter(members__user=user).distinct()


def review_departments(user):
    """Ids of the user's departments that own self-service items reviewed online."""
    ids = [s.pk for s in desk_scopes(user) if s.kind == "department"]
    if not ids:
        return set()
    return set(
        Item.objects.filter(department_id__in=ids, handler=Item.Handler.STUDENT, review_required=True).values_list(
            "department_id", flat=True
        )
    )

"""Demo accounts: an admin, an office per managing office, a clerk per department, a college clerk, an advisor
and a few students, all with one printed password. For demos and tests only."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from lixiao.clearance.models import Case, Task, TaskState
from lixiao.directory.models import Category, College, Department, Membership, Staff, Student

DEMO_PASSWORD = "lixiao-demo"


def _user(username, password_hash, **extra):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"password": password_hash, **extra})
    return user


@transaction.atomic
def create_demo_accounts(campaign):
    """Returns [(role, username, what it shows)]."""
    pw = make_password(DEMO_PASSWORD)
    out = []
    admin = _user("admin", pw, is_staff=True, is_superuser=True)
    out.append(("admin", admin.username, "everything, /admin/"))
    for cat in Category.objects.select_related("office").order_by("sort"):
        username = f"office-{cat.office.code}"
        user = _user(username, pw)
        Membership.objects.get_or_create(user=user, department=cat.office, role=Membership.Role.OFFICE)
        if (f"office ({cat.office.name})", username) not in [(r, u) for r, u, _ in out]:
            out.append((f"office ({cat.office.name})", username, "overview of its categories, imports"))
    leader = _user("leader", pw)
    Membership.objects.get_or_create(
        user=leader, department=Department.objects.get(code="m-jwc"), role=Membership.Role.LEADER
    )
    out.append(("leadership", "leader", "read-only overview"))
    for dept in Department.objects.filter(kind=Department.Kind.OFFICE).select_related("campus"):
        username = f"clerk-{dept.code}"
        user = _user(username, pw)
        Membership.objects.get_or_create(user=user, department=dept, role=Membership.Role.CLERK)
        out.append((f"clerk {dept}", username, "counter"))
    college = College.objects.annotate(n=Count("students")).order_by("-n").first()
    if college:
        user = _user("college-clerk", pw)
        Membership.objects.get_or_create(user=user, college=college, role=Membership.Role.CLERK)
        out.append((f"college clerk ({college.name})", "college-clerk", "college review of its own students"))
    advisor = Staff.objects.annotate(n=Count("advisees")).filter(n__gt=0).order_by("-n", "staff_no").first()
    if advisor:
        user = _user(advisor.staff_no, pw, first_name=advisor.name)
        if advisor.user_id != user.pk:
            advisor.user = user
            advisor.save(update_fields=["user"])
        out.append((f"advisor {advisor.name}", advisor.staff_no, "sign-off for own students"))
    for label, student in _demo_students(campaign):
        user = _user(student.student_no, pw, first_name=student.name or student.name_latin)
        if student.user_id != user.pk:
            student.user = user
            student.save(update_fields=["user"])
        out.append((f"student: {label}", student.student_no, student.display_name))
    return out


def _demo_students(campaign):
    picks = []
    first = Student.objects.filter(cases__campaign=campaign, category__code="UG").order_by("student_no").first()
    if first:
        picks.append(("undergraduate", first))
    blocked = (
        Task.objects.filter(campaign=campaign, state=TaskState.BLOCKED, item__code="tsg-books")
        .select_related("case__student")
        .order_by("case__student__student_no")
        .first()
    )
    if blocked:
        picks.append(("blocked by the library", blocked.case.student))
    for code, label in [
        ("MS", "single-certificate master"),
        ("PHD", "PhD"),
        ("INT_MA", "international master"),
    ]:
        case = (
            Case.objects.filter(campaign=campaign, category__code=code).select_related("student").order_by("pk").first()
        )
        if case:
            picks.append((label, case.student))
    return picks

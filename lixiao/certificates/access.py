"""Who may work at a certificate office, see an authorisation letter, or download a clearance form.

"Not found" and "not yours" look the same (404). Built on accounts.access: desk scopes and report categories.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lixiao.accounts import access
from lixiao.certificates.models import Collection
from lixiao.clearance.models import Case, Task
from lixiao.directory.models import Department


def offices_for_user(user):
    """The managing offices (some category's Category.office) at whose desk this user works."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_lixiao_certificate_offices"):
        desk_ids = {s.pk for s in access.desk_scopes(user) if s.kind == "department"}
        user._lixiao_certificate_offices = (
            list(
                Department.objects.filter(pk__in=desk_ids, managed_categories__isnull=False)
                .distinct()
                .select_related("campus")
            )
            if desk_ids
            else []
        )
    return user._lixiao_certificate_offices


def office_for_user(user, office_id):
    for office in offices_for_user(user):
        if office.pk == office_id:
            return office
    raise Http404


def office_students_q(office):
    """Q on Student: the students whose certificates this office hands out."""
    return Q(category__office_id=office.pk)


def collection_task_for_user(user, office, task_id):
    """A certificate task this office hands out (the user already works at the office). Else 404."""
    tasks = Task.objects.filter(item__final=True, item__department_id=office.pk, case__category__office_id=office.pk)
    return get_object_or_404(tasks.select_related("item", "case__student", "case__campaign"), pk=task_id)


def collection_for_user(user, pk):
    """A collection record (and its letter) for the clerks of the office that recorded it. Else 404."""
    offices = [o.pk for o in offices_for_user(user)]
    return get_object_or_404(Collection.objects.filter(office_id__in=offices), pk=pk)


def form_case_for_user(user, pk):
    """A case whose clearance form the user may download: their own as a student, one in categories they report
    on, or one of the students whose certificates their office hands out. Else 404."""
    if not user.is_authenticated:
        raise Http404
    case = get_object_or_404(
        Case.objects.select_related("student", "student__advisor", "campaign", "category", "campus", "college"),
        pk=pk,
    )
    if case.student.user_id == user.pk:
        return case
    if any(c.pk == case.category_id for c in access.report_categories(user)):
        return case
    if any(o.pk == case.category.office_id for o in offices_for_user(user)):
        return case
    raise Http404

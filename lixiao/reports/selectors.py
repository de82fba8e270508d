"""The numbers management sees. Each function is a bounded number of aggregate queries, whatever the size."""

from django.db.models import Count, Exists, OuterRef, Q

from lixiao.clearance.models import RESOLVED_STATES, Case, CaseStatus, Task, TaskState
from lixiao.clearance.selectors import state_counts
from lixiao.directory.models import Campus, Category, College, Department
from lixiao.rules.models import Item


def scoped_tasks(campaign, categories):
    """The tasks of students on the roster (a deferred or removed student's tasks are not counted)."""
    return Task.objects.filter(campaign=campaign, case__category__in=categories, case__status=CaseStatus.ACTIVE)


def scoped_cases(campaign, categories):
    return Case.objects.filter(campaign=campaign, category__in=categories, status=CaseStatus.ACTIVE)


def off_roster(campaign, categories):
    """Students deferred, removed, or applying (rolling campaigns): not in the funnel, shown beside it."""
    counted = [CaseStatus.DEFERRED, CaseStatus.REMOVED, CaseStatus.APPLIED, CaseStatus.COLLEGE_OK]
    return Case.objects.filter(campaign=campaign, category__in=categories).aggregate(
        **{s: Count("id", filter=Q(status=s)) for s in counted}
    )


def funnel(campaign, categories):
    cases = scoped_cases(campaign, categories)
    open_must = Task.objects.filter(case=OuterRef("pk"), required=True, item__final=False).exclude(
        state__in=RESOLVED_STATES
    )
    open_final = Task.objects.filter(case=OuterRef("pk"), item__final=True).exclude(state=TaskState.DONE)
    roster = cases.count()
    ready = cases.filter(~Exists(open_must)).count()
    has_final = Task.objects.filter(case=OuterRef("pk"), item__final=True)
    collected = cases.filter(Exists(has_final), ~Exists(open_final)).count()
    return {"roster": roster, "ready": ready, "collected": collected, "off": off_roster(campaign, categories)}


def _rollup(counts, position):
    """{(a, b, c): {state: n}} summed to {(x,): {state: n}} on the key's ``position``."""
    out = {}
    for key, row in counts.items():
        total = out.setdefault((key[position],), dict.fromkeys(row, 0))
        for state, n in row.items():
            total[state] += n
    return out


def _rows(counts, objects, key_attr="pk"):
    rows = []
    for obj in objects:
        c = counts.get((getattr(obj, key_attr),))
        if c:
            rows.append({"obj": obj, **c})
    return rows


def overview(campaign, categories):
    tasks = scoped_tasks(campaign, categories)
    by_item = state_counts(tasks, "item_id")
    items = Item.objects.filter(pk__in=[k[0] for k in by_item]).select_related("department", "department__campus")
    # Departments are summed from their items; the three case attributes from one pass over the must-do tasks
    # (a few hundred groups at most), instead of a scan of the tasks for each.
    departments = {item.pk: item.department_id for item in items}
    by_dept = _rollup({(pk, departments[pk]): row for (pk,), row in by_item.items()}, 1)
    attrs = ("case__college_id", "case__category_id", "case__campus_id")
    by_case_attrs = state_counts(tasks.filter(required=True), *attrs)
    by_college, by_category, by_campus = (_rollup(by_case_attrs, i) for i in range(3))
    return {
        "funnel": funnel(campaign, categories),
        "items": _rows(by_item, items),
        "departments": _rows(
            by_dept, Department.objects.select_related("campus").filter(pk__in=[k[0] for k in by_dept])
        ),
        "colleges": _rows(by_college, College.objects.filter(pk__in=[k[0] for k in by_college])),
        "categories": _rows(by_category, Category.objects.filter(pk__in=[k[0] for k in by_category])),
        "campuses": _rows(by_campus, Campus.objects.filter(pk__in=[k[0] for k in by_campus])),
    }

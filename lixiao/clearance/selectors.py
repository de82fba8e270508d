"""Reads of clearance state shared by the doors (counter, portal, reports)."""

from django.db.models import Count, Q

from lixiao.clearance.models import RESOLVED_STATES, Campaign, Case, CaseStatus, Task, TaskState


def current_campaign(code=None):
    """The campaign a page works on: the one named, else the most recently launched batch campaign, else the most
    recently launched, else the newest. (A rolling campaign is launched with its first admitted student: it does
    not take the counters' default; desks serve its students anyway.)"""
    qs = Campaign.objects.all()
    if code:
        return qs.filter(code=code).first()
    launched = qs.filter(launched_at__isnull=False).order_by("-launched_at")
    return launched.filter(kind=Campaign.Kind.BATCH).first() or launched.first() or qs.first()


def serving_case(student, campaign, cases=None):
    """The case a desk serves when the student comes: theirs in the desk's campaign if on its roster, else their
    newest other case on a roster (a rolling PhD case, a withdrawal), else theirs here (deferred or removed: shown
    closed), else None. ``cases``: a queryset of Case to pick from (for its select_related)."""
    cases = (cases if cases is not None else Case.objects).filter(student=student)
    return (
        cases.filter(campaign=campaign, status=CaseStatus.ACTIVE).first()
        or cases.filter(status=CaseStatus.ACTIVE).exclude(campaign=campaign).order_by("-campaign__created_at").first()
        or cases.filter(campaign=campaign).first()
    )


def case_tasks(case):
    """A case's tasks with what a page shows of their items and departments, in catalogue order."""
    return list(
        Task.objects.filter(case=case)
        .select_related("item", "item__department", "item__department__campus", "updated_by")
        .order_by("item__final", "item__sort", "item__code")
    )


def case_progress(tasks):
    """What is left: open must-do tasks (certificate item aside), whether the certificates can be collected."""
    open_required = [t for t in tasks if t.required and not t.item.final and t.state not in RESOLVED_STATES]
    final = [t for t in tasks if t.item.final]
    return {
        "open_required": open_required,
        "open_optional": [t for t in tasks if not t.required and t.state not in RESOLVED_STATES],
        "can_collect": not open_required and any(t.state != TaskState.DONE for t in final),
        "collected": bool(final) and all(t.state == TaskState.DONE for t in final),
        "has_final": bool(final),  # a withdrawal, say, has no certificates to collect
        "done_count": sum(1 for t in tasks if t.state in (TaskState.DONE, TaskState.WAIVED)),
        "total": sum(1 for t in tasks if t.state != TaskState.NOT_NEEDED),
        "not_needed": [t for t in tasks if t.state == TaskState.NOT_NEEDED],
    }


STATE_KEYS = [s.value for s in TaskState]


def state_counts(qs, *group_by):
    """Task counts per state, grouped: {group tuple: {state: n}} in one query."""
    rows = qs.values(*group_by).annotate(
        **{f"n_{s}": Count("id", filter=Q(state=s)) for s in STATE_KEYS}, n_total=Count("id")
    )
    out = {}
    for r in rows:
        key = tuple(r[g] for g in group_by)
        out[key] = {s: r[f"n_{s}"] for s in STATE_KEYS} | {"total": r["n_total"]}
    return out


def case_for_student(campaign, student):
    return Case.objects.filter(campaign=campaign, student=student).first()

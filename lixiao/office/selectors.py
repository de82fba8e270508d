"""What the office's pages show: a campaign's cases by status, its windows, applications waiting for review, a
case's tasks and history. A bounded number of queries whatever the number of students."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lixiao.clearance.audit import ACTION_LABELS
from lixiao.clearance.models import AuditEvent, Case, CaseStatus, ProcessingWindow, TaskState
from lixiao.clearance.stages import BEIJING
from lixiao.rules.models import Item

CASES_SHOWN = 50


def status_counts(campaign):
    rows = Case.objects.filter(campaign=campaign).values("status").annotate(n=Count("id"))
    counts = {r["status"]: r["n"] for r in rows}
    return [(s, label, counts.get(s, 0)) for s, label in CaseStatus.choices]


def windows(campaign, now):
    """The campaign's windows with how many admitted cases each holds and whether it is open, past or to come."""
    rows = []
    for w in ProcessingWindow.objects.filter(campaign=campaign).annotate(n=Count("cases")).order_by("opens_at"):
        w.state = "open" if w.opens_at <= now < w.closes_at else ("past" if w.closes_at <= now else "future")
        w.opens_local, w.closes_local = w.opens_at.astimezone(BEIJING), w.closes_at.astimezone(BEIJING)
        rows.append(w)
    return rows


def applications(campaign, categories):
    """Applications of ``categories`` (the office's) the college approved, waiting for the office's review, oldest
    first; and the number still with the colleges."""
    qs = Case.objects.filter(campaign=campaign, status=CaseStatus.COLLEGE_OK, category__in=categories)
    waiting = list(
        qs.select_related("student", "category", "college").order_by("status_changed_at", "pk")[:CASES_SHOWN]
    )
    with_colleges = Case.objects.filter(campaign=campaign, status=CaseStatus.APPLIED, category__in=categories).count()
    return waiting, with_colleges


def find_cases(campaign, q, categories):
    """Cases of the campaign in ``categories`` whose student number or name contains q (the first few)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(
        Case.objects.filter(campaign=campaign, category__in=categories)
        .filter(Q(student__student_no__icontains=q) | Q(student__name__icontains=q))
        .select_related("student", "category", "college")
        .order_by("student__student_no")[:CASES_SHOWN]
    )


def task_counts(case):
    rows = case.tasks.values("state").annotate(n=Count("id"))
    counts = {r["state"]: r["n"] for r in rows}
    return [(s, label, counts.get(s, 0)) for s, label in TaskState.choices]


CAUSES = {"category": _("category changed"), "campus": _("campus changed")}


def history(case):
    """The case's audit events, newest first, each with a plain 'why' for task rebuilds."""
    events = list(
        AuditEvent.objects.filter(case=case).select_related("task__item").order_by("-created_at", "-id")[:500]
    )
    task_states, case_states = dict(TaskState.choices), dict(CaseStatus.choices)
    for e in events:
        cause = (e.detail or {}).get("cause")
        e.label = ACTION_LABELS.get(e.action, e.action)
        names = task_states if e.task_id else case_states
        e.before_label = names.get(e.state_before, e.state_before)
        e.after_label = names.get(e.state_after, e.state_after)
        e.why = ""
        if cause in ("category", "campus"):  # a deferral's or removal's reason already says what happened
            e.why = f"{CAUSES[cause]}: {e.detail.get('from', '')} → {e.detail.get('to', '')}"
        e.local_time = e.created_at.astimezone(BEIJING)
    return events


def blacklists_without_list(campaign):
    """Blacklist items of the campaign's categories with no list entry in this campaign: their tasks are done at
    admission ("passes unless listed"), so the office should see that the departments have not sent a list."""
    items = (
        Item.objects.filter(
            method=Item.Method.BLACKLIST,
            departure_type_id=campaign.departure_type_id,
            scopes__category__campaigns=campaign,
        )
        .exclude(list_entries__campaign=campaign)
        .select_related("department")
        .distinct()
        .order_by("department__sort", "sort")
    )
    return list(items)

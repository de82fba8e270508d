"""What waits for a decision at a desk: approval items of a college's or an advisor's own students, online
submissions waiting for a department's review, and applications to rolling campaigns waiting for a college."""

from django.db.models import Q

from lixiao.clearance.models import Campaign, Case, CaseStatus, Submission, Task, TaskState
from lixiao.rules.models import Item

SHOWN = 200


def in_desk_campaigns(campaign, prefix=""):
    """Q on Task (prefix "task__" on Submission): the campaign the page works on, and the rolling campaigns' students
    on the roster (a PhD applicant admitted, a withdrawal) whatever the page's campaign."""
    p = prefix
    return Q(**{f"{p}campaign": campaign}) | Q(
        **{f"{p}campaign__kind": Campaign.Kind.ROLLING, f"{p}case__status": CaseStatus.ACTIVE}
    )


def waiting_approvals(scope, campaign):
    """Approval tasks at a college or advisor desk still open (pending or blocked), by student number."""
    if scope.kind == "department":
        return Task.objects.none()
    return (
        Task.objects.filter(
            scope.task_q(),
            in_desk_campaigns(campaign),
            item__method=Item.Method.APPROVAL,
            state__in=[TaskState.PENDING, TaskState.BLOCKED],
        )
        .select_related("item", "case__student", "case__college", "campaign")
        .order_by("-campaign__kind", "case__student__student_no")[:SHOWN]  # rolling students first: few, waiting
    )


def waiting_submissions(scope, campaign):
    """Online submissions for this department's self-service items that wait for its review."""
    if scope.kind != "department":
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            in_desk_campaigns(campaign, "task__"),
            review="",
            task__item__department_id=scope.pk,
            task__item__handler=Item.Handler.STUDENT,
            task__state=TaskState.PENDING,
        )
        .select_related("task__item", "task__case__student", "task__case__college", "task__campaign")
        .order_by("submitted_at")[:SHOWN]
    )


def waiting_applications(scope):
    """Applications of a college's own students to rolling campaigns waiting for the college, oldest first. Only
    a college decides on applications: other desks get none."""
    if scope.kind != "college":
        return Case.objects.none()
    return (
        Case.objects.filter(college_id=scope.pk, status=CaseStatus.APPLIED, campaign__kind=Campaign.Kind.ROLLING)
        .select_related("student", "campaign", "category")
        .order_by("status_changed_at", "pk")[:SHOWN]
    )

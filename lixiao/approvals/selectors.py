"""What waits for a decision at a desk: approval items of a college's or an advisor's own students, and online
submissions waiting for a department's review."""

from lixiao.clearance.models import Submission, Task, TaskState
from lixiao.rules.models import Item

SHOWN = 200


def waiting_approvals(scope, campaign):
    """Approval tasks at a college or advisor desk still open (pending or blocked), by student number."""
    if scope.kind == "department":
        return Task.objects.none()
    return (
        Task.objects.filter(
            scope.task_q(),
            campaign=campaign,
            item__method=Item.Method.APPROVAL,
            state__in=[TaskState.PENDING, TaskState.BLOCKED],
        )
        .select_related("item", "case__student", "case__college")
        .order_by("case__student__student_no")[:SHOWN]
    )


def waiting_submissions(scope, campaign):
    """Online submissions for this department's self-service items that wait for its review."""
    if scope.kind != "department":
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            review="",
            task__campaign=campaign,
            task__item__department_id=scope.pk,
            task__item__handler=Item.Handler.STUDENT,
            task__state=TaskState.PENDING,
        )
        .select_related("task__item", "task__case__student", "task__case__college")
        .order_by("submitted_at")[:SHOWN]
    )

"""Self-service items: the student submits a configured form online; when the item needs review the department
approves (the task is done) or rejects with a reason (the task is blocked until the student submits again).
Each function is one transaction with the task row locked and its audit event, like the rest of the engine."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance.audit import label_for
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import AuditEvent, Channel, Submission, TaskState
from lixiao.clearance.services import _check_may_act, _locked_task, task_block, task_clear
from lixiao.rules.formspec import clean_answers
from lixiao.rules.models import Item


def latest_submission(task):
    return task.submissions.first()


@transaction.atomic
def task_submit(*, task, actor, data, channel=Channel.PORTAL, actor_label=""):
    """The student's answers for a self-service item. Without review the task is done at once; with review it
    waits (pending) for the department. Refused when done, not needed, or when answers are missing or wrong."""
    task = _locked_task(task)
    if task.item.handler != Item.Handler.STUDENT:
        raise ClearanceError(code="not_self_service", message=_("This item is not done online by the student."))
    if task.state in {TaskState.DONE, TaskState.WAIVED, TaskState.NOT_NEEDED}:
        raise ClearanceError(code="already_done", message=_("Already done: nothing to submit."))
    _check_may_act(task, channel)  # the stage allows it and the case is on the roster
    answers, errors = clean_answers(task.item, data)
    if errors:
        raise ClearanceError(code="form_invalid", message=_("Some answers are missing or wrong."), details=errors)
    now = timezone.now()
    pending = task.submissions.filter(review="").first()
    if pending is not None and pending.data == answers:
        return pending, False  # a double submit
    submission = Submission.objects.create(task=task, data=answers, submitted_by=actor, submitted_at=now)
    if not task.item.review_required:
        task_clear(task=task, actor=actor, channel=channel, note=_("submitted online"), actor_label=actor_label)
        return submission, True
    before = task.state
    if task.state == TaskState.BLOCKED:  # resubmitted after a rejection: waiting for review again
        task.state, task.reason, task.amount = TaskState.PENDING, "", None
        task.channel, task.updated_by, task.updated_at = channel, actor, now
        task.save(update_fields=["state", "reason", "amount", "channel", "updated_by", "updated_at"])
    AuditEvent.objects.create(
        campaign_id=task.campaign_id,
        case_id=task.case_id,
        task_id=task.pk,
        action="submit",
        state_before=before,
        state_after=task.state,
        channel=channel,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail={"submission": submission.pk},
        created_at=now,
    )
    return submission, True


@transaction.atomic
def submission_review(*, submission, actor, approve, reason="", channel=Channel.APPROVAL):
    """The department's decision on a submission waiting for review."""
    submission = Submission.objects.select_for_update().select_related("task").get(pk=submission.pk)
    if submission.review:
        return submission, False
    if approve:
        task_clear(task=submission.task, actor=actor, channel=channel, note=_("submission approved"))
    else:
        task_block(task=submission.task, actor=actor, channel=channel, reason=reason)
    submission.review = "approved" if approve else "rejected"
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    return submission, True

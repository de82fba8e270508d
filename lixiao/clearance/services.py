"""The clearance engine: every change of clearance state goes through a function here.

Each function takes keyword arguments, the acting user (or None for the system, with an actor label),
runs in one transaction, locks what it changes, and writes an AuditEvent per changed task in the same
transaction. Refusals raise ClearanceError with a stable code.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lixiao.clearance import stages
from lixiao.clearance.audit import label_for
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.lists import ListResult, ListRow, apply_list, list_target, undo_list_apply
from lixiao.clearance.models import (
    RESOLVED_STATES,
    AuditEvent,
    Campaign,
    Case,
    CaseStatus,
    Channel,
    ListEntry,
    Task,
    TaskState,
)
from lixiao.directory.models import Campus, Category, Student
from lixiao.lib.money import parse_amount
from lixiao.lib.text import plain_text
from lixiao.rules.models import Item, ItemScope

# The engine's one front door: list functions live in lists.py and are offered here too.
__all__ = [
    "UNDOABLE_ACTIONS",
    "ClearanceError",
    "ListResult",
    "ListRow",
    "TaskChange",
    "apply_list",
    "enroll_students",
    "launch_campaign",
    "list_target",
    "task_block",
    "task_clear",
    "task_undo",
    "task_waive",
    "undo_list_apply",
]


# --- roster and launch ------------------------------------------------------------------------------------


@dataclass
class EnrollResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    tasks_created: int = 0
    tasks_closed: int = 0
    tasks_reopened: int = 0


@transaction.atomic
def enroll_students(*, campaign, students, actor, actor_label=""):
    """Put students on a campaign's roster (one case each). Existing cases keep their tasks.

    In a launched campaign, new students get their tasks at once, and a student whose campus or category changed
    has their tasks rebuilt (rebuild_tasks): work done stays done where the item still applies.
    """
    if campaign.kind == Campaign.Kind.ROLLING:
        raise ClearanceError(
            code="rolling_roster",
            message=_("Students join %(campaign)s by applying, not by a roster.") % {"campaign": campaign.name},
        )
    stages.check_stage(campaign, "roster")
    result = EnrollResult()
    student_ids = [s.pk for s in students]
    existing = {
        c.student_id: c
        for c in Case.objects.filter(campaign=campaign, student_id__in=student_ids).only(
            "id", "student_id", "campus_id", "category_id", "college_id"
        )
    }
    new_cases, changed, moved_from = [], [], {}
    for s in students:
        case = existing.get(s.pk)
        if case is None:
            new_cases.append(
                Case(
                    campaign=campaign,
                    student_id=s.pk,
                    campus_id=s.campus_id,
                    category_id=s.category_id,
                    college_id=s.college_id,
                )
            )
        elif (case.campus_id, case.category_id, case.college_id) != (
            s.campus_id,
            s.category_id,
            s.college_id,
        ):
            moved_from[case.pk] = (case.campus_id, case.category_id)
            case.campus_id, case.category_id, case.college_id = s.campus_id, s.category_id, s.college_id
            changed.append(case)
        else:
            result.unchanged += 1
    Case.objects.bulk_create(new_cases, batch_size=2000)
    Case.objects.bulk_update(changed, ["campus", "category", "college"], batch_size=2000)
    result.added, result.updated = len(new_cases), len(changed)
    # Lists may come before the roster: link their entries to the students now known.
    ListEntry.objects.filter(campaign=campaign, student__isnull=True).update(
        student_id=Subquery(Student.objects.filter(student_no=OuterRef("student_no")).values("pk")[:1])
    )
    launched = Campaign.objects.filter(pk=campaign.pk, launched_at__isnull=False).exists()
    moved = [c for c in changed if (c.campus_id, c.category_id) != moved_from.get(c.pk)]
    why = move_details({c.pk: (moved_from[c.pk], (c.campus_id, c.category_id)) for c in moved})
    now, label = timezone.now(), label_for(actor, actor_label)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                campaign_id=campaign.pk,
                case_id=c.pk,
                action="move",
                channel=Channel.ROSTER,
                actor=actor,
                actor_label=label,
                detail=why[c.pk],
                created_at=now,
            )
            for c in moved
        ],
        batch_size=2000,
    )
    if moved and launched:
        result.tasks_closed, result.tasks_reopened = rebuild_tasks(
            campaign=campaign, cases=moved, actor=actor, actor_label=actor_label, why=why
        )
    if (new_cases or moved) and launched:  # late additions and moved students get their new tasks at once
        result.tasks_created = launch_campaign(campaign=campaign, actor=actor, actor_label=actor_label).tasks_created
    return result


NO_LONGER_APPLIES = gettext_noop("No longer applies: the student's campus or category changed.")


def move_details(moves):
    """{case id: (before, after)} with (campus id, category id) pairs -> {case id: what an audit event says of the
    change: the cause (category or campus) and the names before and after}."""
    campus_ids = {x[0] for pair in moves.values() for x in pair}
    category_ids = {x[1] for pair in moves.values() for x in pair}
    campuses = dict(Campus.objects.filter(pk__in=campus_ids).values_list("pk", "name")) if moves else {}
    categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name")) if moves else {}
    details = {}
    for pk, (before, after) in moves.items():
        detail = {"campus_id": after[0], "category_id": after[1]}
        if before[1] != after[1]:
            detail |= {"cause": "category", "from": categories[before[1]], "to": categories[after[1]]}
        else:
            detail |= {"cause": "campus", "from": campuses[before[0]], "to": campuses[after[0]]}
        details[pk] = detail
    return details


def _amount_text(amount):
    return None if amount is None else str(amount)


def rebuild_tasks(*, campaign, cases, actor, actor_label="", why=None, close_reason=None):
    """Bring the tasks of ``cases`` in line with their campus, category and status (audited, never deleted).

    For an active case: tasks whose item no longer applies are closed as not needed; tasks closed that way whose
    item applies again are reopened with the state a launch would give them; must-do/optional follows the new
    scope; work done stays done. Missing tasks are added by launch_campaign.
    For a case no longer active (deferred, removed): its open tasks are closed as not needed with
    ``close_reason``; done and waived work stays as it is.
    ``why``: {case id: detail} recorded on each event (the cause and what changed). Returns (closed, reopened).
    """
    why = why or {}
    scopes = {}
    scoped = ItemScope.objects.filter(category__campaigns=campaign, item__departure_type_id=campaign.departure_type_id)
    for sc in scoped.values("campus_id", "category_id", "item_id", "required"):
        scopes.setdefault((sc["campus_id"], sc["category_id"]), {})[sc["item_id"]] = sc["required"]
    by_case = {c.pk: c for c in cases}
    tasks = list(
        Task.objects.select_for_update(of=("self",)).filter(case_id__in=by_case).select_related("item", "case__student")
    )
    entries = {
        (e.item_id, e.student_no): e
        for e in ListEntry.objects.filter(
            campaign=campaign, active=True, student_no__in={t.case.student.student_no for t in tasks}
        )
    }
    # What a task closed by an earlier rebuild was before (a person's block comes back as it was on a restore).
    was = {}
    closed_before = [t.pk for t in tasks if t.state == TaskState.NOT_NEEDED and t.channel == Channel.ROSTER]
    for task_id, detail in (
        AuditEvent.objects.filter(task_id__in=closed_before, action="rebuild", state_after=TaskState.NOT_NEEDED)
        .order_by("task_id", "-created_at", "-id")
        .values_list("task_id", "detail")
    ):
        was.setdefault(task_id, (detail or {}).get("was"))
    now, label = timezone.now(), label_for(actor, actor_label)
    closed = reopened = 0
    changed, events = [], []
    for task in tasks:
        case = by_case[task.case_id]
        before, before_fields = task.state, {"state": task.state, "reason": task.reason, "amount": task.amount}
        if case.status != CaseStatus.ACTIVE:
            if task.state not in (TaskState.PENDING, TaskState.BLOCKED):
                continue
            task.state, task.reason, task.amount = TaskState.NOT_NEEDED, close_reason or case.status_reason, None
            task.channel = Channel.ROSTER
            closed += 1
        elif task.item_id not in (applicable := scopes.get((case.campus_id, case.category_id), {})):
            if task.state == TaskState.NOT_NEEDED:
                continue
            task.state, task.reason, task.amount = TaskState.NOT_NEEDED, _(NO_LONGER_APPLIES), None
            # marks it as closed by a rebuild: lists leave it alone, a move back reopens it
            task.channel = Channel.ROSTER
            closed += 1
        else:
            required_changed = task.required != applicable[task.item_id]
            task.required = applicable[task.item_id]
            if task.state == TaskState.NOT_NEEDED and task.channel == Channel.ROSTER:
                entry = entries.get((task.item_id, task.case.student.student_no))
                if task.item.list_driven:
                    task.state, task.reason, task.amount = list_target(task.item, entry)
                    task.channel = Channel.LIST
                elif (prior := was.get(task.pk)) and prior["state"] == TaskState.BLOCKED:
                    amount = prior["amount"]
                    task.state, task.reason = TaskState.BLOCKED, prior["reason"]
                    task.amount = Decimal(amount) if amount is not None else None
                    task.channel = Channel.ROSTER
                else:
                    task.state, task.reason, task.amount = TaskState.PENDING, "", None
                    task.channel = Channel.ROSTER
                reopened += 1
            elif not required_changed:
                continue
        task.updated_by, task.updated_at = actor, now
        changed.append(task)
        events.append(
            AuditEvent(
                campaign_id=task.campaign_id,
                case_id=task.case_id,
                task_id=task.pk,
                action="rebuild",
                state_before=before,
                state_after=task.state,
                reason=task.reason,
                amount=task.amount,
                channel=Channel.ROSTER,
                actor=actor,
                actor_label=label,
                created_at=now,
                detail=(why.get(case.pk) or {"campus_id": case.campus_id, "category_id": case.category_id})
                | {"required": task.required}
                | (
                    {"was": before_fields | {"amount": _amount_text(before_fields["amount"])}}
                    if task.state == TaskState.NOT_NEEDED
                    else {}
                ),
            )
        )
    Task.objects.bulk_update(
        changed, ["state", "reason", "amount", "required", "channel", "updated_by", "updated_at"], batch_size=2000
    )
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return closed, reopened


@dataclass
class LaunchResult:
    cases: int = 0
    tasks_created: int = 0
    unserved_cases: int = 0
    by_state: dict = field(default_factory=dict)


def _initial_state_sql():
    """SQL CASE giving a new task's state from the item's method and whether the student is listed."""
    m = Item.Method
    s = TaskState
    return f"""
        CASE
          WHEN i.method = '{m.BLACKLIST}' AND le.id IS NOT NULL THEN '{s.BLOCKED}'
          WHEN i.method = '{m.BLACKLIST}' THEN '{s.DONE}'
          WHEN i.method = '{m.WHITELIST}' AND le.id IS NOT NULL THEN '{s.DONE}'
          WHEN i.method = '{m.SCOPE}' AND le.id IS NULL THEN '{s.NOT_NEEDED}'
          ELSE '{s.PENDING}'
        END"""


def planned_tasks_sql(campaign, *, only_missing):
    """SELECT of the tasks a launch gives the campaign's cases (columns case_id, campaign_id, item_id, college_id,
    category_id, required, state, reason, amount), with the params; only_missing leaves out tasks that exist.
    Shared by the launch and its dry run, so the prediction is the launch's own rule."""
    qn = connection.ops.quote_name
    t_task, t_case, t_scope, t_item, t_entry, t_student = (
        qn(m._meta.db_table) for m in (Task, Case, ItemScope, Item, ListEntry, Student)
    )
    t_cats = qn(Campaign.categories.through._meta.db_table)
    missing = f"LEFT JOIN {t_task} t ON t.case_id = c.id AND t.item_id = sc.item_id" if only_missing else ""
    sql = f"""
        SELECT c.id AS case_id, c.campaign_id, sc.item_id, c.college_id, c.category_id, sc.required,
               {_initial_state_sql()} AS state,
               CASE WHEN le.id IS NOT NULL AND i.method = %s THEN le.reason ELSE '' END AS reason,
               CASE WHEN le.id IS NOT NULL AND i.method = %s THEN le.amount ELSE NULL END AS amount
        FROM {t_case} c
        JOIN {t_cats} cc ON cc.campaign_id = c.campaign_id AND cc.category_id = c.category_id
        JOIN {t_scope} sc ON sc.campus_id = c.campus_id AND sc.category_id = c.category_id
        JOIN {t_item} i ON i.id = sc.item_id AND i.departure_type_id = %s
        JOIN {t_student} st ON st.id = c.student_id
        LEFT JOIN {t_entry} le ON le.campaign_id = c.campaign_id AND le.item_id = sc.item_id
             AND le.student_no = st.student_no AND le.active = %s
        {missing}
        WHERE c.campaign_id = %s AND c.status = %s {"AND t.id IS NULL" if only_missing else ""}
    """
    params = [Item.Method.BLACKLIST, Item.Method.BLACKLIST, campaign.departure_type_id, True, campaign.pk]
    return sql, [*params, CaseStatus.ACTIVE]


def launch_campaign(*, campaign, actor, actor_label=""):
    """Create every missing task of every case, set-based, and audit each one created.

    A task's first state follows from its item: blacklist items are done unless the student is listed (then
    blocked with the list's reason and amount), whitelist items are pending until listed, scope items are
    not needed unless listed, everything else is pending. Launching again creates nothing that exists.
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        now = timezone.now()
        before_max = Task.objects.aggregate(m=Max("id"))["m"] or 0
        qn = connection.ops.quote_name
        t_task, t_case, t_student, t_entry = (qn(m._meta.db_table) for m in (Task, Case, Student, ListEntry))
        db_now = connection.ops.adapt_datetimefield_value(now)
        planned, planned_params = planned_tasks_sql(campaign, only_missing=True)
        # The rows are computed (MATERIALIZED) before any is inserted: otherwise PostgreSQL's anti-join may rescan
        # the task table as it grows under the insert, which is quadratic.
        sql = f"""
            WITH new_tasks AS MATERIALIZED ({planned})
            INSERT INTO {t_task} (case_id, campaign_id, item_id, required, state, reason, amount, channel,
                                  updated_by_id, updated_at)
            SELECT case_id, campaign_id, item_id, required, state, reason, amount, %s, %s, %s
            FROM new_tasks ORDER BY case_id, item_id
        """
        params = [*planned_params, Channel.LAUNCH, actor.pk if actor else None, db_now]
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Rosters and lists were usually just loaded: give the planner fresh statistics for the joins.
                cur.execute(f"ANALYZE {t_case}, {t_student}, {t_entry}, {t_task}")
            cur.execute(sql, params)
            label = label_for(actor, actor_label)
            cur.execute(
                f"""
                INSERT INTO {qn(AuditEvent._meta.db_table)} (campaign_id, case_id, task_id, action, state_before,
                    state_after, reason, amount, channel, actor_id, actor_label, detail, created_at)
                SELECT t.campaign_id, t.case_id, t.id, %s, '', t.state, t.reason, t.amount, %s, %s, %s, %s, %s
                FROM {t_task} t WHERE t.campaign_id = %s AND t.id > %s
                """,
                [
                    "create",
                    Channel.LAUNCH,
                    actor.pk if actor else None,
                    label,
                    "{}",
                    db_now,
                    campaign.pk,
                    before_max,
                ],
            )
        created = Task.objects.filter(campaign=campaign, id__gt=before_max).count()
        if campaign.launched_at is None:
            campaign.launched_at = now
            campaign.save(update_fields=["launched_at"])
    result = LaunchResult(tasks_created=created)
    result.cases = Case.objects.filter(campaign=campaign).count()
    active = Case.objects.filter(campaign=campaign, status=CaseStatus.ACTIVE)
    result.unserved_cases = active.exclude(tasks__isnull=False).distinct().count()
    return result


# --- one task at a time -----------------------------------------------------------------------------------


@dataclass
class TaskChange:
    task: Task
    changed: bool
    before: str
    message: str = ""


def _locked_task(task):
    return Task.objects.select_for_update(of=("self",)).select_related("item", "case", "campaign").get(pk=task.pk)


# The doors whose actions the campaign's stage (and a rolling campaign's windows) gate, and the stage action.
GATED_CHANNELS = {
    Channel.COUNTER: "desk",
    Channel.API: "desk",
    Channel.APPROVAL: "desk",
    Channel.PORTAL: "portal",
}


def _check_may_act(task, channel):
    """Refuse a change on an inactive case, outside the campaign's stage, or outside a rolling campaign's window.
    The administration and the command line are not gated (they correct mistakes)."""
    if task.case.status != CaseStatus.ACTIVE:
        raise ClearanceError(
            code="case_inactive",
            message=_("This student's case is %(status)s: nothing more is done on it.")
            % {"status": task.case.get_status_display()},
        )
    action = GATED_CHANNELS.get(channel)
    if action is None:
        return
    if action == "desk" and task.item.final:
        action = "certificates"
    stages.check_stage(task.campaign, action)
    if action != "portal":  # counters, desks, colleges, advisors, reviews, the API: inside windows only
        stages.check_window(task.campaign)


def _open_prerequisites(task):
    prereq_ids = list(task.item.prerequisites.values_list("id", flat=True))
    if not prereq_ids:
        return []
    return list(
        Task.objects.filter(case_id=task.case_id, item_id__in=prereq_ids)
        .exclude(state__in=RESOLVED_STATES)
        .select_related("item")
    )


def open_required_tasks(case_id, *, exclude_final=True):
    qs = Task.objects.filter(case_id=case_id, required=True).exclude(state__in=RESOLVED_STATES)
    if exclude_final:
        qs = qs.exclude(item__final=True)
    return qs


def _check_can_complete(task):
    open_prereqs = _open_prerequisites(task)
    if open_prereqs:
        names = "、".join(
            f"{t.item.name}（{t.get_state_display()}{'：' + t.reason if t.reason else ''}）" for t in open_prereqs
        )
        raise ClearanceError(
            code="prerequisite_open",
            message=_("%(item)s can only be done after: %(names)s.") % {"item": task.item.name, "names": names},
        )
    if task.item.final:
        still_open = list(open_required_tasks(task.case_id).select_related("item")[:20])
        if still_open:
            names = "、".join(t.item.name for t in still_open)
            raise ClearanceError(
                code="must_do_open",
                message=_("Certificates cannot be collected yet: these must-do items are still open: %(names)s.")
                % {"names": names},
            )


def _set(task, *, state, reason, amount, actor, channel, now):
    task.state = state
    task.reason = reason
    task.amount = amount
    task.channel = channel
    task.updated_by = actor
    task.updated_at = now
    task.save(update_fields=["state", "reason", "amount", "channel", "updated_by", "updated_at"])


REASON_MAX = 255


def _checked_reason(reason, missing_message):
    reason = plain_text(reason)
    if not reason:
        raise ClearanceError(code="reason_required", message=missing_message)
    if len(reason) > REASON_MAX:
        raise ClearanceError(
            code="reason_too_long",
            message=_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX},
        )
    return reason


@transaction.atomic
def task_clear(*, task, actor, channel, note="", actor_label=""):
    """Mark a task done. Clearing a done task changes nothing and says so (double swipes are normal)."""
    task = _locked_task(task)
    before = task.state
    if task.state == TaskState.DONE:
        return TaskChange(task=task, changed=False, before=before, message=_("Already done."))
    if task.state == TaskState.NOT_NEEDED:
        return TaskChange(task=task, changed=False, before=before, message=_("Not needed for this student."))
    _check_may_act(task, channel)
    _check_can_complete(task)
    now = timezone.now()
    _set(task, state=TaskState.DONE, reason="", amount=None, actor=actor, channel=channel, now=now)
    note = plain_text(note)[:REASON_MAX]
    AuditEvent.objects.create(**_event_kwargs(task, "clear", before, actor, channel, actor_label, note, None, now))
    return TaskChange(task=task, changed=True, before=before, message=_("Done."))


@transaction.atomic
def task_block(*, task, actor, channel, reason, amount=None, actor_label=""):
    """Block a task: the student still owes something here (reason required, amount optional)."""
    reason = _checked_reason(reason, _("Give a reason for blocking."))
    try:
        amount = parse_amount(amount)
    except ValueError:
        raise ClearanceError(
            code="bad_amount",
            message=_("“%(amount)s” is not an amount: give a number of yuan from 0 up to ten billion, like 35.80.")
            % {"amount": str(amount)[:40]},
        ) from None
    task = _locked_task(task)
    before = task.state
    if task.state == TaskState.BLOCKED and task.reason == reason and task.amount == amount:
        return TaskChange(task=task, changed=False, before=before, message=_("Already blocked for this reason."))
    _check_may_act(task, channel)
    now = timezone.now()
    _set(task, state=TaskState.BLOCKED, reason=reason, amount=amount, actor=actor, channel=channel, now=now)
    AuditEvent.objects.create(**_event_kwargs(task, "block", before, actor, channel, actor_label, reason, amount, now))
    return TaskChange(task=task, changed=True, before=before, message=_("Blocked."))


@transaction.atomic
def task_waive(*, task, actor, channel, reason, actor_label=""):
    """Waive a task (it no longer has to be done), with a reason."""
    reason = _checked_reason(reason, _("Give a reason for waiving."))
    task = _locked_task(task)
    before = task.state
    if task.state == TaskState.WAIVED:
        return TaskChange(task=task, changed=False, before=before, message=_("Already waived."))
    _check_may_act(task, channel)
    if task.item.final:
        raise ClearanceError(code="final_not_waivable", message=_("Certificate collection cannot be waived."))
    now = timezone.now()
    _set(task, state=TaskState.WAIVED, reason=reason, amount=None, actor=actor, channel=channel, now=now)
    AuditEvent.objects.create(**_event_kwargs(task, "waive", before, actor, channel, actor_label, reason, None, now))
    return TaskChange(task=task, changed=True, before=before, message=_("Waived."))


def _event_kwargs(task, action, before, actor, channel, actor_label, reason, amount, now, detail=None):
    return {
        "campaign_id": task.campaign_id,
        "case_id": task.case_id,
        "task_id": task.pk,
        "action": action,
        "state_before": before,
        "state_after": task.state,
        "reason": reason or "",
        "amount": amount,
        "channel": channel,
        "actor": actor,
        "actor_label": label_for(actor, actor_label),
        "created_at": now,
        "detail": detail or {},
    }


# --- department lists -------------------------------------------------------------------------------------


UNDO_WINDOW_HOURS = 24
UNDOABLE_ACTIONS = ("clear", "block", "waive")


@transaction.atomic
def task_undo(*, event, actor, channel, reason, actor_label=""):
    """Undo a recent action on a task (a clear, block or waive), with a reason. Nothing is deleted: the task
    goes back to the state before the action and a new audit event says who undid what and why. Refused when
    the task changed since, when the action is older than a day, or when later work depends on it."""
    reason = _checked_reason(reason, _("Give a reason for undoing."))
    if event.action not in UNDOABLE_ACTIONS or event.task_id is None:
        raise ClearanceError(code="not_undoable", message=_("Only a clear, a block or a waive can be undone."))
    task = _locked_task(event.task)
    _check_may_act(task, channel)
    latest = AuditEvent.objects.filter(task=task).order_by("-created_at", "-id").first()
    if latest.pk != event.pk or task.state != event.state_after:
        raise ClearanceError(code="changed_since", message=_("The task changed since: nothing was undone."))
    if event.created_at < timezone.now() - timedelta(hours=UNDO_WINDOW_HOURS):
        raise ClearanceError(
            code="too_old",
            message=_("Only actions of the last %(hours)s hours can be undone.") % {"hours": UNDO_WINDOW_HOURS},
        )
    if task.state in RESOLVED_STATES:
        later = Q(item__prerequisites=task.item)
        if task.required and not task.item.final:
            later |= Q(item__final=True)  # certificates collected after it
        dependents = Task.objects.filter(later, case_id=task.case_id, state=TaskState.DONE)
        blocking = list(dependents.select_related("item").distinct()[:5])
        if blocking:
            raise ClearanceError(
                code="dependents_done",
                message=_("Undo these first, they were done after it: %(names)s.")
                % {"names": "、".join(t.item.name for t in blocking)},
            )
    previous = AuditEvent.objects.filter(task=task).exclude(pk=event.pk).order_by("-created_at", "-id").first()
    restore_reason = previous.reason if previous and previous.state_after == event.state_before else ""
    restore_amount = previous.amount if previous and previous.state_after == event.state_before else None
    now = timezone.now()
    _set(
        task,
        state=event.state_before,
        reason=restore_reason,
        amount=restore_amount,
        actor=actor,
        channel=channel,
        now=now,
    )
    AuditEvent.objects.create(
        **_event_kwargs(
            task,
            "undo",
            event.state_after,
            actor,
            channel,
            actor_label,
            reason,
            restore_amount,
            now,
            detail={"undoes": event.pk},
        )
    )
    return TaskChange(task=task, changed=True, before=event.state_after, message=_("Undone."))

"""Department lists (black, white, scope): applying a list recomputes the tasks it drives, set-based; an applied
list can be undone as a whole. Entries are never deleted: a released entry keeps who released it, when and why."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance.audit import label_for
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import (
    LIST_MANAGED_CHANNELS,
    AuditEvent,
    Campaign,
    Case,
    CaseStatus,
    Channel,
    ListEntry,
    Task,
    TaskState,
)
from lixiao.clearance.stages import check_stage
from lixiao.directory.models import Student
from lixiao.lib.text import plain_text
from lixiao.rules.models import Item


@dataclass
class ListRow:
    student_no: str
    name: str = ""
    reason: str = ""
    amount: Decimal | None = None
    quantity: int | None = None


@dataclass
class ListResult:
    entries_added: int = 0
    entries_released: int = 0
    entries_unchanged: int = 0
    not_on_roster: list = field(default_factory=list)
    tasks_changed: dict = field(default_factory=dict)  # "before->after" -> count
    kept_manual: int = 0


def list_target(item, entry):
    """The state a list gives a task, as (state, reason, amount)."""
    m = Item.Method
    if item.method == m.BLACKLIST:
        if entry is not None:
            return TaskState.BLOCKED, entry.reason, entry.amount
        return TaskState.DONE, "", None
    if item.method == m.WHITELIST:
        return (TaskState.DONE, "", None) if entry is not None else (TaskState.PENDING, "", None)
    if item.method == m.SCOPE:
        return (TaskState.PENDING, "", None) if entry is not None else (TaskState.NOT_NEEDED, "", None)
    raise ClearanceError(code="not_list_item", message=_("%(item)s is not cleared by a list.") % {"item": item.name})


@transaction.atomic
def apply_list(*, campaign, item, rows, actor, mode="replace", source="", ref="", actor_label=""):
    """Make a department's list the truth for an item, set-based, and recompute the tasks it drives.

    mode "replace": entries not in rows are released; "append": rows are added, nothing released.
    Tasks last decided by a person (counter, API, approval...) are kept as they are and counted.
    ref names this application (e.g. "import:12") so that it can be undone as a whole (undo_list_apply).
    """
    if not item.list_driven:
        list_target(item, None)
    if mode not in {"replace", "append"}:
        raise ClearanceError(code="bad_mode", message=_("Unknown list mode %(mode)s.") % {"mode": mode})
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)  # one list change per campaign at a time
    check_stage(locked, "lists")
    now = timezone.now()
    result = ListResult()
    rows_by_no = {}
    for row in rows:
        rows_by_no[row.student_no] = row  # a repeated number: the last row wins (the importer reports repeats)
    students = dict(Student.objects.filter(student_no__in=rows_by_no).values_list("student_no", "id"))
    on_roster = set(
        Case.objects.filter(campaign=campaign, student__student_no__in=rows_by_no).values_list(
            "student__student_no", flat=True
        )
    )
    result.not_on_roster = sorted(set(rows_by_no) - on_roster)

    active = {
        e.student_no: e for e in ListEntry.objects.select_for_update().filter(campaign=campaign, item=item, active=True)
    }
    released, new_entries = [], []
    for no, entry in active.items():
        row = rows_by_no.get(no)
        if row is None:
            if mode == "replace":
                released.append(entry)
            continue
        if (entry.reason, entry.amount, entry.quantity) == (row.reason, row.amount, row.quantity):
            result.entries_unchanged += 1
        else:  # changed details: release the old entry, add the new one (history kept)
            released.append(entry)
    released_nos = {e.student_no for e in released}
    for no, row in rows_by_no.items():
        if no in active and no not in released_nos:
            continue
        new_entries.append(
            ListEntry(
                campaign=campaign,
                item=item,
                student_no=no,
                student_id=students.get(no),
                name=row.name,
                reason=row.reason,
                amount=row.amount,
                quantity=row.quantity,
                source=source,
                active=True,
                added_at=now,
                added_by=actor,
                import_ref=ref,
            )
        )
    for e in released:
        e.active, e.released_at, e.released_by, e.release_ref = False, now, actor, ref
        e.release_reason = _("not on the new list") if e.student_no not in rows_by_no else _("replaced by a new row")
    ListEntry.objects.bulk_update(
        released, ["active", "released_at", "released_by", "release_reason", "release_ref"], batch_size=2000
    )
    ListEntry.objects.bulk_create(new_entries, batch_size=2000)
    result.entries_added = len(new_entries)
    result.entries_released = len([e for e in released if e.student_no not in rows_by_no])

    _recompute_tasks(
        campaign=campaign,
        item=item,
        actor=actor,
        label=label_for(actor, actor_label),
        source=source,
        now=now,
        result=result,
    )
    return result


def _recompute_tasks(*, campaign, item, actor, label, source, now, result):
    """Bring the item's list-driven tasks in line with its active entries; audit each change."""
    entry_by_no = {e.student_no: e for e in ListEntry.objects.filter(campaign=campaign, item=item, active=True)}
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, item=item, case__status=CaseStatus.ACTIVE)  # deferred/removed cases stay closed
        .select_related("case__student")
        .only("id", "state", "reason", "amount", "channel", "case_id", "campaign_id", "case__student__student_no")
    )
    changed, events = [], []
    for task in tasks:
        entry = entry_by_no.get(task.case.student.student_no)
        state, reason, amount = list_target(item, entry)
        if (task.state, task.reason, task.amount) == (state, reason, amount):
            continue
        if task.channel not in LIST_MANAGED_CHANNELS:
            result.kept_manual += 1
            continue
        before = task.state
        task.state, task.reason, task.amount = state, reason, amount
        task.channel, task.updated_by, task.updated_at = Channel.LIST, actor, now
        changed.append(task)
        key = f"{before}->{state}"
        result.tasks_changed[key] = result.tasks_changed.get(key, 0) + 1
        events.append(
            AuditEvent(
                campaign_id=task.campaign_id,
                case_id=task.case_id,
                task_id=task.pk,
                action="list",
                state_before=before,
                state_after=state,
                reason=reason,
                amount=amount,
                channel=Channel.LIST,
                actor=actor,
                actor_label=label,
                detail={"source": source} if source else {},
                created_at=now,
            )
        )
    Task.objects.bulk_update(
        changed, ["state", "reason", "amount", "channel", "updated_by", "updated_at"], batch_size=2000
    )
    AuditEvent.objects.bulk_create(events, batch_size=2000)


@transaction.atomic
def undo_list_apply(*, campaign, item, ref, actor, reason, actor_label=""):
    """Undo one list application as a whole: the entries it added are released, the entries it released are
    restored (as new entries: history is never rewritten), and the tasks are recomputed. Returns a ListResult."""
    reason = plain_text(reason)
    if not reason:
        raise ClearanceError(code="reason_required", message=_("Give a reason for undoing the import."))
    if not ref:
        raise ClearanceError(code="nothing_to_undo", message=_("This import cannot be undone."))
    check_stage(Campaign.objects.select_for_update().get(pk=campaign.pk), "lists")
    now, undo_ref = timezone.now(), f"undo:{ref}"[:40]
    if (
        ListEntry.objects.filter(campaign=campaign, item=item, import_ref=undo_ref).exists()
        or ListEntry.objects.filter(campaign=campaign, item=item, release_ref=undo_ref).exists()
    ):
        raise ClearanceError(code="already_undone", message=_("This import was undone already."))
    result = ListResult()
    added = list(
        ListEntry.objects.select_for_update().filter(campaign=campaign, item=item, import_ref=ref, active=True)
    )
    for e in added:
        e.active, e.released_at, e.released_by, e.release_ref = False, now, actor, undo_ref
        e.release_reason = _("import undone: %(reason)s") % {"reason": reason}
    ListEntry.objects.bulk_update(
        added, ["active", "released_at", "released_by", "release_reason", "release_ref"], batch_size=2000
    )
    still_active = set(
        ListEntry.objects.filter(campaign=campaign, item=item, active=True).values_list("student_no", flat=True)
    )
    restored = [
        ListEntry(
            campaign=campaign,
            item=item,
            student_no=e.student_no,
            student_id=e.student_id,
            name=e.name,
            reason=e.reason,
            amount=e.amount,
            quantity=e.quantity,
            source=e.source,
            active=True,
            added_at=now,
            added_by=actor,
            import_ref=undo_ref,
        )
        for e in ListEntry.objects.filter(campaign=campaign, item=item, release_ref=ref).order_by("-released_at")
        if e.student_no not in still_active
    ]
    seen = set()
    restored = [e for e in restored if not (e.student_no in seen or seen.add(e.student_no))]
    ListEntry.objects.bulk_create(restored, batch_size=2000)
    result.entries_released, result.entries_added = len(added), len(restored)
    _recompute_tasks(
        campaign=campaign,
        item=item,
        actor=actor,
        label=label_for(actor, actor_label),
        source=f"{undo_ref} ({reason})",
        now=now,
        result=result,
    )
    return result

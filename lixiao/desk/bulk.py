"""Clearing a pasted list of student numbers at a desk, with a report per row. Each clear goes through the engine."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lixiao.clearance import services as engine
from lixiao.clearance.models import Channel, Task, TaskState
from lixiao.directory.models import Student
from lixiao.lib.ids import normalize_student_no

MAX_ROWS = 2000


@dataclass
class RowReport:
    line: int
    value: str
    outcome: str  # cleared | blocked | already | unknown | nothing | refused | invalid | skipped
    message: str
    student: Student | None = None


def clear_pasted(*, scope, campaign, clerk, text):
    """One report per non-empty line; a number repeated in the paste is reported once as cleared, then as already."""
    lines = [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]
    if len(lines) > MAX_ROWS:
        first, last = lines[MAX_ROWS][0], lines[-1][0]
        lines = lines[:MAX_ROWS]
    else:
        first = last = None
    numbers = {}
    reports = []
    for n, raw in lines:
        value = raw.split(",")[0].split("\t")[0].strip()
        try:
            numbers[n] = normalize_student_no(value)
        except ValueError:
            reports.append(RowReport(n, raw, "invalid", _("Not a student number.")))
    students = {
        s.student_no: s for s in Student.objects.filter(scope.student_q(), student_no__in=set(numbers.values()))
    }
    tasks = {}
    for task in Task.objects.filter(
        scope.task_q(), campaign=campaign, case__student__student_no__in=list(students)
    ).select_related("item", "case__student"):
        tasks.setdefault(task.case.student.student_no, []).append(task)
    for n, no in numbers.items():
        student = students.get(no)
        if student is None:
            reports.append(RowReport(n, no, "unknown", _("No such student for this desk.")))
            continue
        own = tasks.get(no, [])
        if not own:
            reports.append(RowReport(n, no, "nothing", _("Nothing to do at this desk."), student))
            continue
        cleared, refused, blocked = [], [], []
        for task in own:
            if task.state == TaskState.BLOCKED:  # owes something: the clerk checks the reason at the counter
                blocked.append(f"{task.item.name}（{task.reason}）" if task.reason else task.item.name)
                continue
            if task.state != TaskState.PENDING or task.item.final:
                continue
            try:
                change = engine.task_clear(task=task, actor=clerk, channel=Channel.COUNTER, note=_("pasted list"))
                if change.changed:
                    cleared.append(task.item.name)
            except engine.ClearanceError as exc:
                refused.append(exc.message)
        if blocked:
            note = _("Not cleared, still blocked: %(items)s. Check the reason at the counter.") % {
                "items": "、".join(blocked)
            }
            reports.append(RowReport(n, no, "blocked", " ".join(["、".join(cleared), note]).strip(), student))
        elif cleared:
            reports.append(RowReport(n, no, "cleared", "、".join(cleared), student))
        elif refused:
            reports.append(RowReport(n, no, "refused", " ".join(refused), student))
        else:
            reports.append(RowReport(n, no, "already", _("Already done: nothing changed."), student))
    if first is not None:
        reports.append(
            RowReport(
                first,
                "",
                "skipped",
                _("Lines %(first)s to %(last)s were not read: paste at most %(max)s lines at a time.")
                % {"first": first, "last": last, "max": MAX_ROWS},
            )
        )
    return sorted(reports, key=lambda r: r.line)

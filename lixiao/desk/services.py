"""The counter: turn what a reader or a clerk typed into a student and, at a clear-on-swipe station, into
cleared tasks through the engine. Every read is logged as a Scan, whatever came of it."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance import services as engine
from lixiao.clearance.models import Channel, Task, TaskState
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Card, Student
from lixiao.lib.ids import normalize_card_no

MAX_NAME_MATCHES = 20
MAX_INPUT = 64  # longer than any card or student number: two reads run together, or something pasted


@dataclass
class ScanOutcome:
    result: str
    message: str
    student: Student | None = None
    candidates: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # engine.TaskChange
    refusals: list = field(default_factory=list)  # (task, message)
    scan: Scan | None = None
    more_candidates: bool = False
    form: dict = field(default_factory=dict)  # what the clerk typed in a refused block/waive form, to show again


def find_students(*, scope, text):
    """Match typed text to students this desk may see: card number, student number, then name.

    Returns (students, matched_by)."""
    value = normalize_card_no(text)
    if not value:
        return [], ""
    cards = Card.objects.filter(number=value, active=True, student__in=Student.objects.filter(scope.student_q()))
    students = [
        c.student
        for c in cards.select_related("student", "student__college", "student__category", "student__campus")[:5]
    ]
    if students:
        return students, "card"
    people = Student.objects.filter(scope.student_q()).select_related("college", "category", "campus")
    by_no = list(people.filter(student_no__iexact=value)[:2])
    if by_no:
        return by_no, "student_no"
    by_name = list(people.filter(Q(name=text.strip()) | Q(name_latin__iexact=text.strip()))[: MAX_NAME_MATCHES + 1])
    if not by_name and (len(text.strip()) >= 2 or not text.strip().isascii()):  # one Chinese character is a surname
        by_name = list(
            people.filter(Q(name__contains=text.strip()) | Q(name_latin__icontains=text.strip()))[
                : MAX_NAME_MATCHES + 1
            ]
        )
    return by_name, "name" if by_name else ""


def desk_tasks(*, scope, campaign, student):
    return list(
        Task.objects.filter(scope.task_q(), campaign=campaign, case__student=student)
        .select_related("item", "case")
        .order_by("item__sort")
    )


def handle_scan(*, scope, station, clerk, raw, campaign):
    """One read at a desk. An empty read is ignored without a record; a repeat of the same read at the same
    station within the debounce window is recorded as ignored and does nothing. Reads at one station are taken
    one at a time (the station row is locked), so two requests from one double swipe cannot both act."""
    raw = raw or ""
    value = normalize_card_no(raw)
    if not value:
        return ScanOutcome(result="empty", message="")
    with transaction.atomic():
        if station is not None:
            Station.objects.select_for_update().filter(pk=station.pk).first()
        return _handle_scan(scope=scope, station=station, clerk=clerk, raw=raw, value=value, campaign=campaign)


def _handle_scan(*, scope, station, clerk, raw, value, campaign):
    now = timezone.now()
    window = timedelta(milliseconds=settings.LIXIAO_SWIPE_DEBOUNCE_MS)
    log = Scan(station=station, desk=scope.key, clerk=clerk, raw=raw[:200], normalized=value[:200], created_at=now)
    recent = Scan.objects.filter(desk=scope.key, station=station, normalized=value[:200], created_at__gte=now - window)
    if recent.exclude(result=Scan.Result.IGNORED).exists():
        log.result = Scan.Result.IGNORED
        log.save()
        return ScanOutcome(result=log.result, message=_("Same read again within a moment: ignored."), scan=log)
    if len(value) > MAX_INPUT:
        log.result = Scan.Result.REFUSED
        log.save()
        return ScanOutcome(
            result=log.result,
            message=_("That is too long for a card or student number (two reads run together?). Swipe again."),
            scan=log,
        )

    students, matched_by = find_students(scope=scope, text=raw)
    log.matched_by = matched_by
    if not students:
        log.result = Scan.Result.UNKNOWN
        log.save()
        return ScanOutcome(
            result=log.result,
            message=_("No student matches “%(value)s”. Check the card or type the student number or name.")
            % {"value": value},
            scan=log,
        )
    if len(students) > 1:
        log.result = Scan.Result.AMBIGUOUS
        log.save()
        more = len(students) > MAX_NAME_MATCHES
        if more:
            message = _("More than %(n)s students match: type more of the name, or the student number.") % {
                "n": MAX_NAME_MATCHES
            }
        else:
            message = _("%(n)s students match. Pick one.") % {"n": len(students)}
        return ScanOutcome(
            result=log.result, message=message, candidates=students[:MAX_NAME_MATCHES], more_candidates=more, scan=log
        )
    student = students[0]
    log.student = student
    outcome = act_on_student(
        scope=scope,
        station=station,
        clerk=clerk,
        campaign=campaign,
        student=student,
        # Only a card read clears at once: a typed number or name is someone being looked up.
        clear=bool(station and station.clear_on_swipe and matched_by == "card"),
    )
    log.result = outcome.result
    log.save()
    outcome.scan = log
    return outcome


def act_on_student(*, scope, station, clerk, campaign, student, clear):
    """Show a student's tasks at this desk and, when asked, clear the pending ones through the engine."""
    tasks = desk_tasks(scope=scope, campaign=campaign, student=student)
    outcome = ScanOutcome(result=Scan.Result.SHOWN, message="", student=student)
    if not tasks:
        outcome.result = Scan.Result.NOTHING
        outcome.message = _("%(name)s has nothing to do at this desk.") % {"name": student.display_name}
        return outcome
    if clear:
        for task in tasks:
            if task.state != TaskState.PENDING:
                continue
            try:
                outcome.changes.append(engine.task_clear(task=task, actor=clerk, channel=Channel.COUNTER))
            except engine.ClearanceError as exc:
                outcome.refusals.append((task, exc.message))
    tasks = [next((c.task for c in outcome.changes if c.task.pk == t.pk), t) for t in tasks]
    open_blocked = [t for t in tasks if t.state == TaskState.BLOCKED]
    if any(c.changed for c in outcome.changes):
        outcome.result = Scan.Result.CLEARED
        outcome.message = _("Cleared: %(items)s.") % {
            "items": "、".join(c.task.item.name for c in outcome.changes if c.changed)
        }
    elif open_blocked:
        outcome.result = Scan.Result.BLOCKED
        outcome.message = _("Blocked here: check the reason before clearing.")
    elif outcome.refusals:
        outcome.result = Scan.Result.REFUSED
        outcome.message = _("Not cleared:")
    elif all(t.state in {TaskState.DONE, TaskState.WAIVED, TaskState.NOT_NEEDED} for t in tasks):
        outcome.result = Scan.Result.ALREADY
        outcome.message = _("Already done: nothing changed.")
    else:
        outcome.message = _("Shown: clear or block each item below.")
    return outcome

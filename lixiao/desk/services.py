"""The counter: turn what a reader or a clerk typed into a student and, at a clear-on-swipe station, into
cleared tasks through the engine. Every read is logged as a Scan, whatever came of it.

What a reader types is read with the station's reader profile (lixiao.lib.cards): every form the profile
allows is looked up in one query over the card register (directory.CardForm, Card.number) together with the
student number; typed text that is no card is then looked up by name.
"""

import operator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance import services as engine
from lixiao.clearance.models import Channel, Task, TaskState
from lixiao.clearance.selectors import serving_case
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Card, CardForm, Student
from lixiao.lib import cards

MAX_NAME_MATCHES = 20
PICK_WITHIN = timedelta(minutes=10)  # a pick clears like the ambiguous swipe it answers, if it comes this soon


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


@dataclass
class Lookup:
    """Who a reading matched. ``matched_by``: a card form (lixiao.lib.cards.KINDS), 'student_no' or 'name'
    (several kinds joined by ',' when several students matched differently); ``card_id``: the card read,
    when exactly one student matched through a card."""

    students: list
    matched_by: str = ""
    card_id: int | None = None

    @property
    def by_card(self):
        return bool(self.matched_by) and all(kind in cards.KINDS for kind in self.matched_by.split(","))


def lookup(*, scope, reading):
    """Match a reading to the students this desk may see: one query over every card form the reading may be,
    the face number and the student number; then, if nothing matched and the text is no card, names."""
    if not reading.text or reading.problem in {cards.RUN_TOGETHER, cards.TOO_LONG}:
        return Lookup(students=[])
    people = Student.objects.filter(scope.student_q()).select_related("college", "category", "campus")
    reader = [(kind, value) for kind, value in reading.candidates if kind != cards.FACE]
    face = next((value for kind, value in reading.candidates if kind == cards.FACE), None)
    # Which students: a union of the ids each index finds (so the query stays an index lookup however many
    # students and cards there are); how: the best matching form and the face card, per student found.
    ids = Student.objects.filter(student_no=reading.text).values("pk")
    annotations = {}
    if reader:
        forms = CardForm.objects.filter(
            reduce(operator.or_, (Q(kind=kind, value=value) for kind, value in reader)), card__active=True
        )
        rank = Case(
            *[When(kind=kind, then=Value(i)) for i, (kind, _v) in enumerate(reader)], output_field=IntegerField()
        )
        best = forms.filter(card__student=OuterRef("pk")).annotate(rank=rank).order_by("rank", "card_id")
        ids = ids.union(forms.values("card__student_id"), all=True)
        annotations["form_kind"] = Subquery(best.values("kind")[:1])
        annotations["form_card"] = Subquery(best.values("card_id")[:1])
    if face:
        faces = Card.objects.filter(number=face, active=True)
        ids = ids.union(faces.values("student_id"), all=True)
        annotations["face_card"] = Subquery(faces.filter(student=OuterRef("pk")).values("pk")[:1])
    students = list(people.filter(pk__in=ids).annotate(**annotations)[: MAX_NAME_MATCHES + 1])
    if students:
        kinds, card_ids = [], []
        for s in students:
            if getattr(s, "form_kind", None):
                kinds.append(s.form_kind)
                card_ids.append(s.form_card)
            elif getattr(s, "face_card", None):
                kinds.append(cards.FACE)
                card_ids.append(s.face_card)
            else:
                kinds.append("student_no")
                card_ids.append(None)
        matched_by = ",".join(dict.fromkeys(kinds))
        return Lookup(students=students, matched_by=matched_by, card_id=card_ids[0] if len(students) == 1 else None)
    if reading.card_shaped or reading.problem or not reading.typed:
        return Lookup(students=[])
    text = reading.typed
    by_name = list(people.filter(Q(name=text) | Q(name_latin__iexact=text))[: MAX_NAME_MATCHES + 1])
    if not by_name and (len(text) >= 2 or not text.isascii()):  # one Chinese character is a surname
        by_name = list(people.filter(Q(name__contains=text) | Q(name_latin__icontains=text))[: MAX_NAME_MATCHES + 1])
    return Lookup(students=by_name, matched_by="name" if by_name else "")


def find_students(*, scope, text, profile=cards.DEFAULT_PROFILE):
    """Match typed text to students this desk may see: a card in any form, the student number, then a name.

    Returns (students, matched_by)."""
    found = lookup(scope=scope, reading=cards.read(text, profile))
    return found.students, found.matched_by


def desk_tasks(*, scope, campaign, student):
    """The student's tasks at this desk, in the case the desk serves (clearance.selectors.serving_case): the clerk
    serves whoever comes, whatever the campaign the counter is set to."""
    case = serving_case(student, campaign)
    if case is None:
        return []
    return list(
        Task.objects.filter(scope.task_q(), case=case).select_related("item", "case", "campaign").order_by("item__sort")
    )


def malformed_message(code, value):
    """What the clerk is told about a read refused by lixiao.lib.cards (nothing was done)."""
    if code == cards.RUN_TOGETHER:
        return _("Two reads came in as one (“%(value)s”): nothing was done. Swipe again.") % {"value": value}
    if code == cards.DOUBLED:
        return _("The same number came twice in one read: nothing was done. Swipe again.")
    if code == cards.NO_FORM:
        return _(
            "“%(value)s” is no card number this reader can send, nor a student number: nothing was done. "
            "Swipe again, or type the student number."
        ) % {"value": value}
    return _("That is too long for a card or student number (two reads run together?). Swipe again.")


def handle_scan(*, scope, station, clerk, raw, campaign, now=None):
    """One read at a desk. An empty read is ignored without a record. A repeat at the same station within
    the debounce window, of the same text or of the same card in any form, is recorded as ignored and does
    nothing. Reads at one station are taken one at a time (the station row is locked), so two requests from
    one double swipe cannot both act."""
    reading = cards.read(raw, station.profile() if station is not None else cards.DEFAULT_PROFILE)
    if not reading.text:
        return ScanOutcome(result="empty", message="")
    with transaction.atomic():
        if station is not None:
            Station.objects.select_for_update().filter(pk=station.pk).first()
        return _handle_scan(
            scope=scope,
            station=station,
            clerk=clerk,
            raw=raw,
            reading=reading,
            campaign=campaign,
            now=now or timezone.now(),
        )


def _handle_scan(*, scope, station, clerk, raw, reading, campaign, now):
    window = timedelta(milliseconds=settings.LIXIAO_SWIPE_DEBOUNCE_MS)
    log = Scan(
        station=station,
        desk=scope.key,
        clerk=clerk,
        raw=cards.escape(raw, limit=200),
        normalized=reading.text[:200],
        created_at=now,
    )
    refused = reading.problem in {cards.RUN_TOGETHER, cards.TOO_LONG}
    found = Lookup(students=[]) if refused else lookup(scope=scope, reading=reading)
    students = found.students
    log.matched_by = found.matched_by[:20]
    if len(students) == 1:
        log.student, log.card_id = students[0], found.card_id
    # One physical swipe, one action: the same text again, or the same card in any form, a moment later.
    same = Q(normalized=log.normalized)
    if found.card_id is not None:
        same |= Q(card_id=found.card_id)
    recent = Scan.objects.filter(same, desk=scope.key, station=station, created_at__gte=now - window)
    if recent.exclude(result=Scan.Result.IGNORED).exists():
        log.result = Scan.Result.IGNORED
        log.save()
        return ScanOutcome(result=log.result, message=_("Same read again within a moment: ignored."), scan=log)
    if refused:
        log.result = Scan.Result.REFUSED
        log.save()
        return ScanOutcome(result=log.result, message=malformed_message(reading.problem, reading.text), scan=log)
    if not students:
        log.result = Scan.Result.REFUSED if reading.problem else Scan.Result.UNKNOWN
        log.save()
        if reading.problem:
            return ScanOutcome(result=log.result, message=malformed_message(reading.problem, reading.text), scan=log)
        return ScanOutcome(
            result=log.result,
            message=_("No student matches “%(value)s”. Check the card or type the student number or name.")
            % {"value": reading.text},
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
        elif found.by_card:
            message = _("%(n)s students have a card that reads “%(value)s”: nothing was done. Pick the one here.") % {
                "n": len(students),
                "value": reading.text,
            }
        else:
            message = _("%(n)s students match. Pick one.") % {"n": len(students)}
        return ScanOutcome(
            result=log.result, message=message, candidates=students[:MAX_NAME_MATCHES], more_candidates=more, scan=log
        )
    student = students[0]
    outcome = act_on_student(
        scope=scope,
        station=station,
        clerk=clerk,
        campaign=campaign,
        student=student,
        # Only a card read clears at once: a typed student number or name is someone being looked up.
        clear=bool(station and station.clear_on_swipe and found.by_card),
    )
    log.result = outcome.result
    log.save()
    outcome.scan = log
    return outcome


@transaction.atomic
def pick_student(*, scope, station, clerk, campaign, student, scan_id=None, now=None):
    """The clerk picked one of several matches. If they answer this clerk's ambiguous card read at a
    clear-on-swipe station (a moment ago, and the student is one the card matched), the pick acts as that
    swipe would have and the scan records who was picked; otherwise the student is only shown."""
    clear = False
    if scan_id and station is not None and station.clear_on_swipe:
        now = now or timezone.now()
        scan = (
            Scan.objects.select_for_update()
            .filter(
                pk=scan_id,
                desk=scope.key,
                station=station,
                clerk=clerk,
                result=Scan.Result.AMBIGUOUS,
                student__isnull=True,
                created_at__gte=now - PICK_WITHIN,
            )
            .first()
        )  # locked: one pick per ambiguous read
        if scan is not None:
            found = lookup(scope=scope, reading=cards.read(scan.normalized, station.profile()))
            if found.by_card and student in found.students:
                clear = True
                scan.student = student
                scan.save(update_fields=["student"])
    return act_on_student(scope=scope, station=station, clerk=clerk, campaign=campaign, student=student, clear=clear)


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
            if task.state != TaskState.PENDING or task.item.final:  # certificates: at the certificate desk
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

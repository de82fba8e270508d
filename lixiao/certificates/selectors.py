"""Reads for the certificate desk, the clearance form and its public verification."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lixiao.certificates.access import office_students_q
from lixiao.certificates.clearance_form import read_form_token, shanghai
from lixiao.certificates.models import Collection
from lixiao.clearance.models import Case
from lixiao.clearance.selectors import case_progress, case_tasks, serving_case
from lixiao.desk.services import MAX_NAME_MATCHES, find_students
from lixiao.directory.models import Student

RECENT_SHOWN = 20


@dataclass(frozen=True)
class _OfficeLookup:
    """What desk.services.find_students needs of a desk: who may be looked up (this office's students)."""

    office: object

    def student_q(self):
        return office_students_q(self.office)


def find_office_students(office, text):
    """Card number, student number, then name, among the students this office hands certificates to."""
    return find_students(scope=_OfficeLookup(office), text=text)


@dataclass
class Lookup:
    student: Student | None = None
    candidates: list = field(default_factory=list)
    more_candidates: bool = False
    message: str = ""


def lookup(office, *, q="", student_no=""):
    """Who the clerk is looking for: an exact student number picked from a list, else what was typed."""
    if student_no:
        student = office_student(office, student_no)
        return Lookup(student=student, message="" if student else _("No student of this office has that number."))
    if not q:
        return Lookup()
    students, _matched_by = find_office_students(office, q)
    if len(students) == 1:
        return Lookup(student=students[0])
    if not students:
        return Lookup(message=_("No student of this office matches “%(q)s”.") % {"q": q[:64]})
    return Lookup(candidates=students[:MAX_NAME_MATCHES], more_candidates=len(students) > MAX_NAME_MATCHES)


def office_student(office, student_no):
    """The student picked from several matches, by exact student number."""
    people = Student.objects.filter(office_students_q(office)).select_related("college", "category", "campus")
    return people.filter(student_no=student_no).first()


def case_state(case):
    """A case's tasks, progress, certificate tasks and collection records (three queries, whatever the size)."""
    tasks = case_tasks(case)
    finals = [t for t in tasks if t.item.final]
    collections = {
        c.task_id: c for c in Collection.objects.filter(task__in=[t.pk for t in finals]).select_related("clerk")
    }
    return {
        "case": case,
        "tasks": tasks,
        "progress": case_progress(tasks),
        "finals": finals,
        "collections": collections,
        "collection": next(iter(collections.values()), None),
    }


def office_desk(office, campaign, student):
    """What the certificate desk shows of a student: their case in the campaign, what is open, the certificate
    task this office hands out and its collection record. None when the student is not on the roster."""
    case = serving_case(
        student,
        campaign,
        Case.objects.select_related("student", "student__advisor", "campaign", "category", "campus", "college"),
    )
    if case is None:
        return None
    state = case_state(case)
    state["task"] = next((t for t in state["finals"] if t.item.department_id == office.pk), None)
    state["collection"] = state["collections"].get(state["task"].pk) if state["task"] else None
    return state


def recent_collections(office, campaign):
    return list(
        Collection.objects.filter(office=office, task__campaign=campaign)
        .select_related("task__case__student", "task__item")
        .order_by("-collected_at", "-id")[:RECENT_SHOWN]
    )


def verification(token):
    """All the public verification page may show of a form's token, or None for a token that is not one of ours:
    the student's name and number, must-do items done or not, certificates collected or not (now)."""
    found = read_form_token(token)
    case = Case.objects.select_related("student").filter(pk=found[0]).first() if found else None
    if case is None:
        return None
    progress = case_progress(case_tasks(case))
    return {
        "student": case.student,
        "issued_at": shanghai(found[1]),
        "must_do_done": not progress["open_required"],
        "collected": progress["collected"],
    }

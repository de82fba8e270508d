"""Roster imports: the graduates of a campaign as the registrar, the graduate school and the international
office export them -> students (with category, campus, college, advisor and card) on the campaign's roster.

``preview_roster`` only reads: it parses the file, resolves every row and compares it with the database:
the students it adds, those it changes, and those of the campaign's roster it leaves out (active cases, in the
categories the file covers, whose student is not in the file).
``apply_roster`` writes everything in one transaction, set-based, then puts the students on the roster
through the engine (``enroll_students``) and, only when asked with the confirmation the preview gives, takes
the students left out off the roster (``case_set_status``). Applying the same file again changes nothing.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lixiao.clearance.cases import case_set_status
from lixiao.clearance.models import Case, CaseStatus, Channel, Task, TaskState
from lixiao.clearance.services import enroll_students
from lixiao.directory.models import Campus, Card, Category, College, Staff, Student
from lixiao.imports.access import roster_category_ids
from lixiao.imports.common import (
    ImportRefused,
    Issue,
    fetch_in,
    read_into,
    table_header,
)
from lixiao.imports.roster_rows import ROSTER_FIELDS, TEXT_FIELDS, Reference, RosterRecord, max_length, read_records
from lixiao.lib.ids import normalize_student_no

CHANGES_SHOWN = 500  # the preview lists at most this many changed students (all are counted)
NEW_SHOWN = 50  # and this many new students, enough to check how names and numbers were read
NOT_IN_FILE_SHOWN = 500  # and this many students of the roster the file leaves out (all are counted)


@dataclass
class NewStudent:
    row: int
    student_no: str
    name: str
    name_latin: str
    category: str
    campus: str
    college: str


@dataclass
class StudentChange:
    row: int
    student_no: str
    name: str
    fields: list[tuple[str, str, str]]  # (Student field, before, after)


@dataclass
class NotInFile:
    """An active case of the campaign, in a category the file covers, whose student the file does not list:
    applying takes it off the roster only when the person applying confirms it."""

    case_id: int
    student_no: str
    name: str
    category: str
    college: str
    tasks_done: int
    tasks: int


def removal_key(not_in_file) -> str:
    """What the preview's confirmation box carries: the number of cases it takes off the roster and a digest of
    which ones, so that a confirmation given for one set of students never removes another. '' for none."""
    if not not_in_file:
        return ""
    ids = ",".join(str(pk) for pk in sorted(s.case_id for s in not_in_file))
    return f"{len(not_in_file)}-{hashlib.sha256(ids.encode()).hexdigest()[:16]}"


@dataclass
class RosterPreview:
    filename: str
    header: dict = field(default_factory=lambda: table_header(None))
    rows_read: int = 0
    footer_total: int | None = None
    records: list[RosterRecord] = field(default_factory=list)
    allowed_categories: set[int] | None = None  # the importing user's categories (None: all)
    categories: list[int] = field(default_factory=list)  # the categories the file touches
    covered_categories: list[int] = field(default_factory=list)  # the categories its rows give
    in_file: set[str] = field(default_factory=set)  # every student number the file lists (rows with errors too)
    not_in_file: list[NotInFile] = field(default_factory=list)
    new_students: list[NewStudent] = field(default_factory=list)
    changes: list[StudentChange] = field(default_factory=list)
    unchanged: int = 0
    new_cases: int = 0
    new_colleges: list[str] = field(default_factory=list)
    new_advisors: list[tuple[str, str]] = field(default_factory=list)
    renamed_advisors: list[tuple[str, str, str]] = field(default_factory=list)
    new_cards: int = 0
    breakdown: list[tuple[str, str, int]] = field(default_factory=list)  # (category, campus, students)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def counts(self):
        return {
            "rows": self.rows_read,
            "new_students": len(self.new_students),
            "changed_students": len(self.changes),
            "unchanged_students": self.unchanged,
            "not_in_file": len(self.not_in_file),
            "new_cases": self.new_cases,
            "new_colleges": len(self.new_colleges),
            "new_advisors": len(self.new_advisors),
            "renamed_advisors": len(self.renamed_advisors),
            "new_cards": self.new_cards,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def as_dict(self):
        """What the preview page shows, as JSON (stored on the ImportBatch)."""
        return {
            "kind": "roster",
            "filename": self.filename,
            "header": self.header,
            "footer_total": self.footer_total,
            "counts": self.counts(),
            "breakdown": [list(entry) for entry in self.breakdown],
            "new_students": [
                [n.row, n.student_no, n.name, n.name_latin, n.category, n.campus, n.college]
                for n in self.new_students[:NEW_SHOWN]
            ],
            "new_colleges": self.new_colleges,
            "new_advisors": [list(entry) for entry in self.new_advisors],
            "renamed_advisors": [list(entry) for entry in self.renamed_advisors],
            "changes": [
                {
                    "row": c.row,
                    "student_no": c.student_no,
                    "name": c.name,
                    "fields": [list(f) for f in c.fields],
                }
                for c in self.changes[:CHANGES_SHOWN]
            ],
            "not_in_file": [
                [s.student_no, s.name, s.category, s.college, s.tasks_done, s.tasks]
                for s in self.not_in_file[:NOT_IN_FILE_SHOWN]
            ],
            "removal_key": removal_key(self.not_in_file),
            "covered_categories": _category_names(self.covered_categories),
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }


# --- comparing with the database -----------------------------------------------------------------------


@dataclass
class _Plan:
    """What applying the records would write, computed against the database as it is now."""

    new_colleges: list[str] = field(default_factory=list)
    new_advisors: dict[str, str] = field(default_factory=dict)
    renamed_advisors: dict[str, tuple[str, str]] = field(default_factory=dict)
    creates: list[RosterRecord] = field(default_factory=list)
    updates: list[tuple[RosterRecord, Student, list[tuple[str, str, str]]]] = field(default_factory=list)
    unchanged: int = 0
    new_cards: list[tuple[str, str]] = field(default_factory=list)  # (card number, student number)
    new_cases: int = 0
    current_categories: set[int] = field(default_factory=set)  # of the students the records would change
    colleges: "_Colleges | None" = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


class _Colleges:
    """Resolve a college as written in a file: by name first, then by code."""

    def __init__(self):
        colleges = list(College.objects.only("id", "code", "name"))
        self.by_name = {c.name: c for c in colleges}
        self.by_code = {c.code: c for c in colleges}
        self.name_by_id = {c.pk: c.name for c in colleges}

    def get(self, text):
        return self.by_name.get(text) or self.by_code.get(text)

    def name(self, text):
        """The college's name as stored, or the text as given for a college that does not exist yet."""
        college = self.get(text)
        return college.name if college else text


def _choose_advisor_names(records, existing, filename):
    """staff number -> name to store, and warnings for numbers that appear with several names."""
    names_seen = defaultdict(list)
    for record in records:
        if record.advisor_no:
            names_seen[record.advisor_no].append((record.row, record.advisor_name))
    chosen, warnings = {}, []
    for staff_no, seen in names_seen.items():
        names = [name for _row, name in seen if name]
        distinct = list(dict.fromkeys(names))
        staff = existing.get(staff_no)
        if staff is not None and (staff.name in distinct or not distinct):
            name = staff.name
        elif distinct:
            counts = Counter(names)
            name = max(distinct, key=lambda n: counts[n])  # the most frequent; ties: the first written
        else:
            name = ""
        if len(distinct) > 1:
            rows = ", ".join(str(row) for row, n in seen if n)
            warnings.append(
                Issue(
                    filename,
                    seen[0][0],
                    ROSTER_FIELDS["advisor_name"][0],
                    _("Staff number %(no)s appears with different names (%(names)s, rows %(rows)s); %(name)s is used.")
                    % {"no": staff_no, "names": "、".join(distinct), "rows": rows, "name": name},
                )
            )
        elif staff is None and not name:
            warnings.append(
                Issue(
                    filename,
                    seen[0][0],
                    ROSTER_FIELDS["advisor_name"][0],
                    _("Advisor %(no)s is new and the file gives no name.") % {"no": staff_no},
                )
            )
        chosen[staff_no] = name
    return chosen, warnings


def _plan(records, filename, campaign, *, allowed=None, columns=None) -> _Plan:
    """``allowed``: the ids of the categories the importing user may change (None: all); ``columns``: the file's
    labels of the fields, to name them in errors."""
    plan = _Plan()
    colleges = plan.colleges = _Colleges()

    def label(name):
        return (columns or {}).get(name) or ROSTER_FIELDS[name][0]

    for record in records:
        if record.college and colleges.get(record.college) is None and record.college not in plan.new_colleges:
            if len(record.college) > max_length(College, "code"):
                plan.errors.append(
                    Issue(
                        filename,
                        record.row,
                        label("college"),
                        _("A new college's name can have at most %(max)d characters.")
                        % {"max": max_length(College, "code")},
                    )
                )
                continue
            plan.new_colleges.append(record.college)

    staff_nos = {r.advisor_no for r in records if r.advisor_no}
    existing_staff = {
        s.staff_no: s for s in fetch_in(Staff.objects.only("id", "staff_no", "name"), "staff_no", staff_nos)
    }
    chosen, plan.warnings = _choose_advisor_names(records, existing_staff, filename)
    for staff_no, name in chosen.items():
        staff = existing_staff.get(staff_no)
        if staff is None:
            plan.new_advisors[staff_no] = name
        elif staff.name != name:
            plan.renamed_advisors[staff_no] = (staff.name, name)

    only = ["id", "student_no", *TEXT_FIELDS, "category_id", "campus_id", "college_id", "advisor_id"]
    existing = {
        s.student_no: s for s in fetch_in(Student.objects.only(*only), "student_no", [r.student_no for r in records])
    }
    advisor_ids = {s.advisor_id for s in existing.values() if s.advisor_id}
    staff_no_by_id = dict(fetch_in(Staff.objects.values_list("id", "staff_no"), "id", advisor_ids))
    category_by_id = {c.pk: c for c in Category.objects.select_related("office")}
    categories = {pk: c.name for pk, c in category_by_id.items()}
    campuses = {c.pk: c.name for c in Campus.objects.all()}
    # The campaign's cases of these students: campus and category as the tasks were built for them, which is what
    # enroll_students compares (a student's record may have been changed since by another campaign's roster).
    cases = {
        student_id: (campus_id, category_id)
        for student_id, campus_id, category_id in fetch_in(
            Case.objects.filter(campaign=campaign).values_list("student_id", "campus_id", "category_id"),
            "student_id",
            [s.pk for s in existing.values()],
        )
    }
    for record in records:
        student = existing.get(record.student_no)
        if student is None:
            plan.creates.append(record)
            continue
        plan.current_categories.add(student.category_id)
        if allowed is not None and student.category_id not in allowed:
            current = category_by_id[student.category_id]
            plan.errors.append(
                Issue(
                    filename,
                    record.row,
                    label("student_no"),
                    _("Student %(no)s is a %(category)s student, managed by %(office)s; you may not change them.")
                    % {"no": record.student_no, "category": current.name, "office": current.office.name},
                )
            )
            continue
        changes = [
            (name, getattr(student, name), value)
            for name, value in record.text.items()
            if getattr(student, name) != value
        ]
        if student.category_id != record.category_id:
            changes.append(("category", categories.get(student.category_id, ""), categories[record.category_id]))
        if student.campus_id != record.campus_id:
            changes.append(("campus", campuses.get(student.campus_id, ""), campuses[record.campus_id]))
        if student.pk in cases:  # the record already says so, but the campaign's roster does not: tasks are rebuilt
            case_campus, case_category = cases[student.pk]
            if student.category_id == record.category_id and case_category != record.category_id:
                changes.append(("category", categories.get(case_category, ""), categories[record.category_id]))
            if student.campus_id == record.campus_id and case_campus != record.campus_id:
                changes.append(("campus", campuses.get(case_campus, ""), campuses[record.campus_id]))
        if record.college is not None:
            before = colleges.name_by_id.get(student.college_id, "")
            after = colleges.name(record.college) if record.college else ""
            if before != after:
                changes.append(("college", before, after))
        if record.advisor_no is not None:
            before = staff_no_by_id.get(student.advisor_id, "")
            if before != record.advisor_no:
                changes.append(("advisor", before, record.advisor_no))
        if changes:
            plan.updates.append((record, student, changes))
        else:
            plan.unchanged += 1

    card_owner = dict(
        fetch_in(
            Card.objects.values_list("number", "student__student_no"),
            "number",
            [r.card for r in records if r.card],
        )
    )
    for record in records:
        if not record.card:
            continue
        owner = card_owner.get(record.card)
        if owner is None:
            plan.new_cards.append((record.card, record.student_no))
        elif owner != record.student_no:
            plan.errors.append(
                Issue(
                    filename,
                    record.row,
                    label("card"),
                    _("Card number %(card)s already belongs to student %(other)s.")
                    % {"card": record.card, "other": owner},
                )
            )

    plan.new_cases = len(records) - len(cases)
    return plan


def _category_names(category_ids):
    categories = Category.objects.filter(pk__in=category_ids).order_by("sort", "code")
    return list(categories.values_list("name", flat=True))


def _file_student_nos(table):
    """Every student number the file's rows give, rows with errors included (as far as it can be read)."""
    numbers = set()
    for row in table.rows:
        try:
            number = normalize_student_no(row.values.get("student_no", ""))
        except ValueError:
            continue
        if number:
            numbers.add(number)
    return numbers


def _not_in_file(campaign, in_file, category_ids, *, lock=False) -> list[NotInFile]:
    """The campaign's active cases in ``category_ids`` whose student number is not in ``in_file``, with how many
    of their tasks are done. ``lock`` (applying): the cases are locked and checked to be still active."""
    if not category_ids:
        return []
    rows = [
        row
        for row in Case.objects.filter(campaign=campaign, status=CaseStatus.ACTIVE, category_id__in=category_ids)
        .order_by("category__sort", "category__code", "student__student_no")
        .values_list(
            "id", "student__student_no", "student__name", "student__name_latin", "category__name", "college__name"
        )
        if row[1] not in in_file
    ]
    ids = [row[0] for row in rows]
    if lock:
        still_active = Case.objects.select_for_update().filter(status=CaseStatus.ACTIVE).values_list("id", flat=True)
        locked = set(fetch_in(still_active, "id", ids))
        rows = [row for row in rows if row[0] in locked]
        ids = [row[0] for row in rows]
    per_case = Task.objects.values("case_id").annotate(
        done=Count("id", filter=Q(state=TaskState.DONE)), total=Count("id")
    )
    tasks = {t["case_id"]: (t["done"], t["total"]) for t in fetch_in(per_case, "case_id", ids)}
    return [
        NotInFile(
            case_id=pk,
            student_no=student_no,
            name=name or name_latin,
            category=category,
            college=college or "",
            tasks_done=tasks.get(pk, (0, 0))[0],
            tasks=tasks.get(pk, (0, 0))[1],
        )
        for pk, student_no, name, name_latin, category, college in rows
    ]


def _off_the_roster_warning(campaign, in_file, filename):
    """A warning naming the students of the file whose case was taken off the roster or deferred: importing
    them again does not put them back (that is done on the case, with a reason)."""
    numbers = sorted(
        fetch_in(
            Case.objects.filter(campaign=campaign, status__in=[CaseStatus.DEFERRED, CaseStatus.REMOVED]).values_list(
                "student__student_no", flat=True
            ),
            "student__student_no",
            in_file,
        )
    )
    if not numbers:
        return None
    return Issue(
        filename,
        None,
        "",
        ngettext(
            "%(count)d student in the file was taken off this campaign's roster or deferred; importing the file "
            "does not put them back (restore them on their case): %(numbers)s.",
            "%(count)d students in the file were taken off this campaign's roster or deferred; importing the file "
            "does not put them back (restore them on their case): %(numbers)s.",
            len(numbers),
        )
        % {"count": len(numbers), "numbers": "、".join(numbers[:20]) + ("…" if len(numbers) > 20 else "")},
    )


def _breakdown(records):
    counts = Counter((r.category_id, r.campus_id) for r in records)
    categories = {c.pk: c for c in Category.objects.all()}
    campuses = {c.pk: c for c in Campus.objects.all()}
    keys = sorted(counts, key=lambda k: (categories[k[0]].sort, categories[k[0]].code, campuses[k[1]].sort))
    return [(categories[cat].name, campuses[campus].name, counts[(cat, campus)]) for cat, campus in keys]


# --- the two entry points ------------------------------------------------------------------------------


def preview_roster(*, data: bytes, filename: str, campaign, user=None) -> RosterPreview:
    """Read a roster file and say what importing it into ``campaign`` would do for ``user``. Writes nothing.

    A row of a category the user's office does not manage (or of a student now in such a category) is an error.
    ``user=None`` is the command line, which may import every category (see access.roster_category_ids).
    """
    preview = RosterPreview(filename=filename, allowed_categories=roster_category_ids(user))
    table = read_into(preview, data, filename, ROSTER_FIELDS)
    if table is None:
        return preview
    if not table.rows:
        preview.errors.append(Issue(filename, table.header_row, "", _("The file has a header but no students.")))
        return preview
    ref = Reference(campaign, allowed=preview.allowed_categories)
    preview.records, errors, warnings = read_records(table, ref)
    preview.errors.extend(errors)
    preview.warnings.extend(warnings)
    plan = _plan(
        preview.records, filename, campaign, allowed=preview.allowed_categories, columns=preview.header["columns"]
    )
    preview.errors.extend(plan.errors)
    preview.warnings.extend(plan.warnings)
    preview.errors.sort(key=lambda issue: issue.row or 0)
    preview.categories = sorted(ref.touched | plan.current_categories)
    # The file speaks for the categories its rows give (a file of undergraduates says nothing about masters),
    # as far as the user may import them and the campaign serves them.
    preview.covered_categories = sorted(
        pk for pk in ref.touched if ref.may_import(ref.category_by_id[pk]) and pk in ref.campaign_categories
    )
    preview.in_file = _file_student_nos(table) | {r.student_no for r in preview.records}
    preview.not_in_file = _not_in_file(campaign, preview.in_file, preview.covered_categories)
    if warning := _off_the_roster_warning(campaign, preview.in_file, filename):
        preview.warnings.append(warning)
    preview.new_students = [
        NewStudent(
            row=r.row,
            student_no=r.student_no,
            name=r.text.get("name", ""),
            name_latin=r.text.get("name_latin", ""),
            category=ref.category_by_id[r.category_id].name,
            campus=ref.campus_by_id[r.campus_id].name,
            college=plan.colleges.name(r.college) if r.college else "",
        )
        for r in plan.creates
    ]
    preview.changes = [
        StudentChange(row=r.row, student_no=r.student_no, name=s.name or s.name_latin, fields=changes)
        for r, s, changes in plan.updates
    ]
    preview.unchanged = plan.unchanged
    preview.new_cases = plan.new_cases
    preview.new_colleges = plan.new_colleges
    preview.new_advisors = sorted(plan.new_advisors.items())
    preview.renamed_advisors = sorted((no, old, new) for no, (old, new) in plan.renamed_advisors.items())
    preview.new_cards = len(plan.new_cards)
    preview.breakdown = _breakdown(preview.records)
    return preview


def apply_roster(*, preview: RosterPreview, campaign, actor, actor_label="", confirm_removal=None) -> dict:
    """Write a previewed roster in one transaction and put its students on the campaign's roster.

    The students of the roster the file leaves out (``preview.not_in_file``, computed again here) stay on it,
    unless ``confirm_removal`` is the preview's ``removal_key``: then they are taken off the roster through the
    engine, in the same transaction. All or nothing.

    Refuses (ImportRefused) if the preview has errors, or if the database changed since the preview in a
    way that makes the file wrong (a card number now belonging to someone else, a student moved to a category
    the previewing user does not manage), or if ``confirm_removal`` no longer names the students it would take
    off (code "removal_changed"; ``preview.not_in_file`` then holds them as they are now). The engine's refusals
    (ClearanceError: the campaign's stage no longer allows changing the roster) are raised as they are.
    """
    if preview.errors:
        raise ImportRefused(preview.errors, preview=preview)
    records = preview.records
    with transaction.atomic():
        preview.not_in_file = _not_in_file(campaign, preview.in_file, preview.covered_categories, lock=True)
        if confirm_removal is not None and confirm_removal != removal_key(preview.not_in_file):
            count = len(preview.not_in_file)
            raise ImportRefused(
                [],
                preview=preview,
                message=ngettext(
                    "Applying this file now takes %(count)d student off the roster; check the preview again.",
                    "Applying this file now takes %(count)d students off the roster; check the preview again.",
                    count,
                )
                % {"count": count},
                code="removal_changed",
            )
        plan = _plan(
            records,
            preview.filename,
            campaign,
            allowed=preview.allowed_categories,
            columns=preview.header["columns"],
        )
        if plan.errors:
            raise ImportRefused(plan.errors, preview=preview)

        College.objects.bulk_create([College(code=name, name=name) for name in plan.new_colleges])
        colleges = _Colleges()

        Staff.objects.bulk_create(
            [Staff(staff_no=no, name=name) for no, name in plan.new_advisors.items()], batch_size=500
        )
        renamed = fetch_in(Staff.objects.only("id", "staff_no", "name"), "staff_no", plan.renamed_advisors)
        for staff in renamed:
            staff.name = plan.renamed_advisors[staff.staff_no][1]
        Staff.objects.bulk_update(renamed, ["name"], batch_size=500)
        staff_nos = {r.advisor_no for r in records if r.advisor_no}
        staff_ids = dict(fetch_in(Staff.objects.values_list("staff_no", "id"), "staff_no", staff_nos))

        def college_id(record):
            return colleges.get(record.college).pk if record.college else None

        def advisor_id(record):
            return staff_ids[record.advisor_no] if record.advisor_no else None

        new_students = []
        for record in plan.creates:
            student = Student(
                student_no=record.student_no,
                category_id=record.category_id,
                campus_id=record.campus_id,
                **record.text,
            )
            if record.college is not None:
                student.college_id = college_id(record)
            if record.advisor_no is not None:
                student.advisor_id = advisor_id(record)
            new_students.append(student)
        Student.objects.bulk_create(new_students, batch_size=500)

        changed_students, changed_fields = [], set()
        for record, student, changes in plan.updates:
            for name, value in record.text.items():
                setattr(student, name, value)
            student.category_id, student.campus_id = record.category_id, record.campus_id
            if record.college is not None:
                student.college_id = college_id(record)
            if record.advisor_no is not None:
                student.advisor_id = advisor_id(record)
            changed_students.append(student)
            changed_fields.update(name for name, _before, _after in changes)
        if changed_students:
            Student.objects.bulk_update(changed_students, sorted(changed_fields), batch_size=500)

        numbers = [r.student_no for r in records]
        students = fetch_in(
            Student.objects.only("id", "student_no", "campus", "category", "college"), "student_no", numbers
        )
        id_by_no = {s.student_no: s.pk for s in students}
        Card.objects.bulk_create(
            [Card(number=number, student_id=id_by_no[no]) for number, no in plan.new_cards], batch_size=500
        )
        enrolled = enroll_students(campaign=campaign, students=students, actor=actor, actor_label=actor_label)
        removed = _take_off_the_roster(preview, actor, actor_label) if confirm_removal is not None else 0
    return {
        "students_created": len(new_students),
        "students_updated": len(changed_students),
        "students_unchanged": plan.unchanged,
        "colleges_created": len(plan.new_colleges),
        "advisors_created": len(plan.new_advisors),
        "advisors_renamed": len(plan.renamed_advisors),
        "cards_created": len(plan.new_cards),
        "cases_added": enrolled.added,
        "cases_updated": enrolled.updated,
        "cases_unchanged": enrolled.unchanged,
        "cases_removed": removed,
        "not_in_file_kept": len(preview.not_in_file) - removed,
    }


def _take_off_the_roster(preview, actor, actor_label):
    """Take the students the file leaves out off the roster, one case at a time through the engine (which closes
    their open tasks as not needed, keeps the work done and audits it). Runs inside apply_roster's transaction."""
    reason = _("Not in the roster file %(file)s") % {"file": preview.filename}
    reason = " ".join(reason.split())[: Case._meta.get_field("status_reason").max_length]
    cases = {c.pk: c for c in fetch_in(Case.objects.all(), "id", [s.case_id for s in preview.not_in_file])}
    removed = 0
    for student in preview.not_in_file:
        change = case_set_status(
            case=cases[student.case_id],
            status=CaseStatus.REMOVED,
            actor=actor,
            channel=Channel.ROSTER,
            reason=reason,
            actor_label=actor_label,
        )
        removed += change.changed
    return removed

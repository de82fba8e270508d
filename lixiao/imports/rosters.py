"""Roster imports: the graduates of a campaign as the registrar, the graduate school and the international
office export them -> students (with category, campus, college, advisor and card) on the campaign's roster.

``preview_roster`` only reads: it parses the file, resolves every row and compares it with the database.
``apply_roster`` writes everything in one transaction, set-based, then puts the students on the roster
through the engine (``enroll_students``). Applying the same file again changes nothing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lixiao.clearance.models import Case
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

CHANGES_SHOWN = 500  # the preview lists at most this many changed students (all are counted)
NEW_SHOWN = 50  # and this many new students, enough to check how names and numbers were read


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
class RosterPreview:
    filename: str
    header: dict = field(default_factory=lambda: table_header(None))
    rows_read: int = 0
    footer_total: int | None = None
    records: list[RosterRecord] = field(default_factory=list)
    allowed_categories: set[int] | None = None  # the importing user's categories (None: all)
    categories: list[int] = field(default_factory=list)  # the categories the file touches
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

    student_ids = [s.pk for s in existing.values()]
    enrolled = len(
        fetch_in(Case.objects.filter(campaign=campaign).values_list("id", flat=True), "student_id", student_ids)
    )
    plan.new_cases = len(records) - enrolled
    return plan


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


def apply_roster(*, preview: RosterPreview, campaign, actor, actor_label="") -> dict:
    """Write a previewed roster in one transaction and put its students on the campaign's roster.

    Refuses (ImportRefused) if the preview has errors, or if the database changed since the preview in a
    way that makes the file wrong (a card number now belonging to someone else, a student moved to a category
    the previewing user does not manage).
    """
    if preview.errors:
        raise ImportRefused(preview.errors, preview=preview)
    records = preview.records
    with transaction.atomic():
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
    }

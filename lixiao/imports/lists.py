"""Department list imports: a library's overdue list, finance's arrears, a dorm's residents -> list entries.

``preview_list`` only reads: it parses the file, composes each entry's reason, amount and count and compares
the result with the active entries of (campaign, item), predicting what happens to the tasks.
``apply_list_import`` hands the rows to the engine (``apply_list``), which writes entries, tasks and audit
events in one transaction.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lixiao.clearance.models import LIST_MANAGED_CHANNELS, Campaign, Case, ListEntry, Task
from lixiao.clearance.services import ListRow, apply_list, list_target
from lixiao.directory.models import Campus, Student
from lixiao.imports.common import (
    ImportRefused,
    Issue,
    cell_student_no,
    fetch_in,
    matches,
    read_into,
    table_header,
)
from lixiao.lib.money import parse_amount
from lixiao.lib.tabular import Table
from lixiao.rules.models import ItemScope

LIST_FIELDS = {
    "student_no": ["学号", "读者证号", "Student No", "Student No.", "Student Number", "Student ID"],
    "name": ["姓名", "读者姓名", "中文姓名", "学生姓名", "Name"],
    "quantity": ["未还册数", "册数", "未还数量", "数量", "Count", "Quantity"],
    "amount": ["欠款(元)", "欠款", "欠款金额", "欠费金额", "金额", "金额(元)", "Amount"],
    "due": ["最早应还日期", "应还日期", "Due Date"],
    "fee_item": ["欠费项目", "收费项目", "Fee Item"],
    "reason": ["原因", "备注", "说明", "Reason", "Note"],
    "campus": ["校区", "所在校区", "Campus"],
    "serial": ["序号", "No."],
}
MODES = ("replace", "append")
_INTEGER_RE = re.compile(r"[+-]?\d+")
SHOWN = 500  # the preview lists at most this many entries of each kind (all are counted)
# A replace that releases more than this share of the active entries (or a file listing nobody that releases
# anyone) is applied only when the person applying it confirms the number released.
RELEASE_SHARE_CONFIRMED = Decimal("0.3")


@dataclass
class ListRecord:
    """One student's entry as the file gives it (rows of the same student combined)."""

    row: int
    student_no: str
    name: str = ""
    reason: str = ""
    amount: Decimal | None = None
    quantity: int | None = None


@dataclass
class ListPreview:
    filename: str
    item_id: int
    item_name: str
    mode: str = "replace"
    header: dict = field(default_factory=lambda: table_header(None))
    rows_read: int = 0
    footer_total: int | None = None
    records: list[ListRecord] = field(default_factory=list)
    added: list[ListRecord] = field(default_factory=list)
    changed: list[tuple[ListRecord, str, Decimal | None, int | None]] = field(default_factory=list)
    unchanged: int = 0
    released: list[tuple[str, str, str]] = field(default_factory=list)  # (student number, name, reason)
    active: int = 0  # the item's active entries before applying
    not_on_roster: list[ListRecord] = field(default_factory=list)
    without_task: list[ListRecord] = field(default_factory=list)  # on the roster, but the item does not apply
    unknown_students: int = 0
    duplicates: int = 0
    other_campus: int = 0
    task_changes: dict = field(default_factory=dict)  # "before->after" -> count
    kept_manual: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def release_needs_confirmation(self):
        """A mass release: a file with no rows, or one releasing more than 30% of the active entries."""
        released = len(self.released)
        return released > 0 and (self.rows_read == 0 or released > RELEASE_SHARE_CONFIRMED * self.active)

    def list_rows(self):
        return [
            ListRow(student_no=r.student_no, name=r.name, reason=r.reason, amount=r.amount, quantity=r.quantity)
            for r in self.records
        ]

    def counts(self):
        return {
            "rows": self.rows_read,
            "entries": len(self.records),
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "released": len(self.released),
            "not_on_roster": len(self.not_on_roster),
            "unknown_students": self.unknown_students,
            "without_task": len(self.without_task),
            "duplicates": self.duplicates,
            "other_campus": self.other_campus,
            "kept_manual": self.kept_manual,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def as_dict(self):
        def entry(record):
            amount = None if record.amount is None else str(record.amount)
            return [record.row, record.student_no, record.name, record.reason, amount, record.quantity]

        return {
            "kind": "list",
            "filename": self.filename,
            "item": self.item_name,
            "mode": self.mode,
            "header": self.header,
            "footer_total": self.footer_total,
            "counts": self.counts(),
            "active": self.active,
            "confirm_release": self.release_needs_confirmation,
            "entries": [entry(r) for r in self.records[:SHOWN]],
            "added": [entry(r) for r in self.added[:SHOWN]],
            "changed": [
                [*entry(r), reason, None if amount is None else str(amount), quantity]
                for r, reason, amount, quantity in self.changed[:SHOWN]
            ],
            "released": [list(r) for r in self.released[:SHOWN]],
            "not_on_roster": [entry(r) for r in self.not_on_roster[:SHOWN]],
            "task_changes": dict(sorted(self.task_changes.items())),
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }


# --- reading -------------------------------------------------------------------------------------------


def _label(table: Table, name: str) -> str:
    return table.columns.get(name) or LIST_FIELDS[name][0]


def parse_quantity(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not _INTEGER_RE.fullmatch(text) or int(text) < 0:
        raise ValueError(text)
    return int(text)


def compose_reason(table: Table, values: dict, extra: dict, amount, quantity) -> str:
    """A reason a student and a clerk understand, in Chinese like the lists themselves:
    '未还图书 2 册，欠款 35.80 元，最早应还 2026-05-17', '欠费：学费 850.50 元', '第45党支部 预备党员'."""
    parts = []
    if quantity:
        label = table.columns.get("quantity", "")
        parts.append(f"未还图书 {quantity} 册" if "册" in label else f"{label} {quantity}")
    fee_item = values.get("fee_item", "")
    if fee_item:
        parts.append(f"欠费：{fee_item}" + (f" {amount:.2f} 元" if amount else ""))
    elif amount:
        parts.append(f"欠款 {amount:.2f} 元")
    due = values.get("due", "")
    if due:
        label = table.columns.get("due", "")
        parts.append(f"最早应还 {due}" if "最早" in label else f"{label} {due}")
    if values.get("reason"):
        parts.append(values["reason"])
    details = " ".join(value for value in extra.values() if value)
    if details:
        parts.append(details)
    return "，".join(parts)


def _item_campuses(item):
    return set(ItemScope.objects.filter(item=item).values_list("campus_id", flat=True))


def _combine(first: ListRecord, other: ListRecord):
    """Two rows of the same student (two unpaid fees): one entry with both reasons and the sums."""
    first.reason = "；".join(part for part in (first.reason, other.reason) if part)
    if other.amount is not None:
        first.amount = (first.amount or Decimal(0)) + other.amount
    if other.quantity is not None:
        first.quantity = (first.quantity or 0) + other.quantity


def _read_records(table: Table, item, preview: ListPreview) -> list[ListRecord]:
    filename = table.filename
    campuses = list(Campus.objects.all())
    served_campuses = _item_campuses(item)
    left_out = set()
    records, seen = {}, {}
    for row in table.rows:
        values = row.values
        errors = []

        def error(name, message, row=row, errors=errors):
            errors.append(Issue(filename, row.number, _label(table, name), message))

        for name, problem in row.problems:
            issue = Issue(filename, row.number, _label(table, name), _(problem))
            (errors if name in {"student_no", "amount", "quantity"} else preview.warnings).append(issue)
        student_no = cell_student_no(row, error)
        amount = quantity = None
        try:
            amount = parse_amount(values.get("amount", ""))
        except ValueError:
            error("amount", _("“%(value)s” is not an amount of money.") % {"value": values["amount"]})
        try:
            quantity = parse_quantity(values.get("quantity", ""))
        except ValueError:
            error("quantity", _("“%(value)s” is not a whole number.") % {"value": values["quantity"]})
        name = values.get("name", "")
        if len(name) > ListEntry._meta.get_field("name").max_length:
            error("name", _("Longer than %(max)d characters.") % {"max": ListEntry._meta.get_field("name").max_length})
        if errors:
            preview.errors.extend(errors)
            continue
        campus_text = values.get("campus", "")
        campus = next((c for c in campuses if matches(campus_text, c.name, c.code)), None) if campus_text else None
        if campus is not None and served_campuses and campus.pk not in served_campuses:
            preview.other_campus += 1
            left_out.add(campus.name)
            continue
        extra = dict(row.extra)
        record = ListRecord(
            row=row.number,
            student_no=student_no,
            name=name,
            amount=amount,
            quantity=quantity,
            reason=compose_reason(table, values, extra, amount, quantity),
        )
        if student_no in records:
            preview.duplicates += 1
            first = records[student_no]
            if seen[student_no] == (values, row.extra):
                message = _("Student number %(no)s repeats row %(row)d; the repeat is ignored.")
            else:
                message = _("Student number %(no)s is also on row %(row)d; the rows are combined into one entry.")
                _combine(first, record)
            preview.warnings.append(
                Issue(filename, row.number, _label(table, "student_no"), message % {"no": student_no, "row": first.row})
            )
            continue
        records[student_no] = record
        seen[student_no] = (values, row.extra)
    limit = ListEntry._meta.get_field("reason").max_length
    for record in records.values():
        if len(record.reason) > limit:
            record.reason = record.reason[: limit - 1] + "…"
            preview.warnings.append(
                Issue(filename, record.row, "", _("The reason was shortened to %(max)d characters.") % {"max": limit})
            )
    if left_out:
        preview.warnings.append(
            Issue(
                filename,
                None,
                _label(table, "campus"),
                _("%(count)d rows are for campuses that %(item)s does not serve (%(campuses)s); they are left out.")
                % {"count": preview.other_campus, "item": item.name, "campuses": "、".join(sorted(left_out))},
            )
        )
    return list(records.values())


# --- comparing with the database -----------------------------------------------------------------------


def _compare(preview: ListPreview, campaign, item, filename):
    records = preview.records
    numbers = [r.student_no for r in records]
    students = {
        no: (pk, name, latin)
        for no, pk, name, latin in fetch_in(
            Student.objects.values_list("student_no", "id", "name", "name_latin"), "student_no", numbers
        )
    }
    enrolled = set(
        fetch_in(
            Case.objects.filter(campaign=campaign).values_list("student__student_no", flat=True),
            "student__student_no",
            numbers,
        )
    )
    for record in records:
        if record.student_no not in enrolled:
            preview.not_on_roster.append(record)
        student = students.get(record.student_no)
        if student is None:
            preview.unknown_students += 1
        elif record.name and student[1] and record.name not in (student[1], student[2]):
            preview.warnings.append(
                Issue(
                    filename,
                    record.row,
                    preview.header["columns"].get("name", LIST_FIELDS["name"][0]),
                    _("The name %(list)s differs from the roster's %(roster)s for student %(no)s.")
                    % {"list": record.name, "roster": student[1], "no": record.student_no},
                )
            )

    active = {
        e.student_no: e
        for e in ListEntry.objects.filter(campaign=campaign, item=item, active=True).only(
            "student_no", "student_id", "name", "reason", "amount", "quantity"
        )
    }
    by_no = {r.student_no: r for r in records}
    for record in records:
        entry = active.get(record.student_no)
        if entry is None:
            preview.added.append(record)
        elif (entry.reason, entry.amount, entry.quantity) == (record.reason, record.amount, record.quantity):
            preview.unchanged += 1
        else:
            preview.changed.append((record, entry.reason, entry.amount, entry.quantity))
    preview.active = len(active)
    if preview.mode == "replace":
        preview.released = [(e.student_no, e.name, e.reason) for no, e in active.items() if no not in by_no]
        if not preview.rows_read and active:
            preview.warnings.append(
                Issue(
                    filename,
                    None,
                    "",
                    _("The file lists nobody: applying it releases all %(count)d entries.") % {"count": len(active)},
                )
            )
    if preview.rows_read and not records:
        preview.warnings.append(
            Issue(
                filename,
                None,
                "",
                ngettext(
                    "The file's only row is not usable; see the errors and warnings.",
                    "None of the file's %(rows)d rows is usable; see the errors and warnings.",
                    preview.rows_read,
                )
                % {"rows": preview.rows_read},
            )
        )

    # What the tasks would become: the engine's own rule (list_target) over the entries after applying.
    future = {} if preview.mode == "replace" else {e.student_id: e for e in active.values() if e.student_id}
    for record in records:
        student = students.get(record.student_no)
        if student:
            future[student[0]] = record
    tasks = Task.objects.filter(campaign=campaign, item=item).values_list(
        "case__student_id", "state", "reason", "amount", "channel"
    )
    with_task = set()
    for student_id, state, reason, amount, channel in tasks:
        with_task.add(student_id)
        target = list_target(item, future.get(student_id))
        if (state, reason, amount) == target:
            continue
        if channel not in LIST_MANAGED_CHANNELS:
            preview.kept_manual += 1
            continue
        key = f"{state}->{target[0]}"
        preview.task_changes[key] = preview.task_changes.get(key, 0) + 1
    if Campaign.objects.filter(pk=campaign.pk, launched_at__isnull=False).exists():  # tasks exist to compare
        preview.without_task = [
            r for r in records if r.student_no in enrolled and students[r.student_no][0] not in with_task
        ]
        if preview.without_task:
            numbers = "、".join(r.student_no for r in preview.without_task[:20])
            preview.warnings.append(
                Issue(
                    filename,
                    None,
                    "",
                    _("%(count)d listed students are on the roster but %(item)s does not apply to them: %(numbers)s.")
                    % {"count": len(preview.without_task), "item": item.name, "numbers": numbers},
                )
            )


# --- the two entry points ------------------------------------------------------------------------------


def preview_list(*, data: bytes, filename: str, campaign, item, mode="replace") -> ListPreview:
    """Read a department's list for ``item`` and say what applying it would do. Writes nothing."""
    preview = ListPreview(filename=filename, item_id=item.pk, item_name=item.name, mode=mode)
    if mode not in MODES:
        preview.errors.append(Issue(filename, None, "", _("Unknown mode %(mode)s.") % {"mode": mode}))
        return preview
    if not item.list_driven:
        preview.errors.append(Issue(filename, None, "", _("%(item)s is not cleared by a list.") % {"item": item.name}))
        return preview
    table = read_into(preview, data, filename, LIST_FIELDS)
    if table is None:
        return preview
    preview.records = _read_records(table, item, preview)
    _compare(preview, campaign, item, filename)
    preview.errors.sort(key=lambda issue: issue.row or 0)
    return preview


def apply_list_import(*, preview: ListPreview, campaign, item, actor, mode=None, ref="", actor_label="") -> dict:
    """Apply a previewed list through the engine. ``mode`` defaults to the preview's ('replace' or 'append')."""
    if preview.errors:
        raise ImportRefused(preview.errors, preview=preview)
    if preview.item_id != item.pk:
        raise ImportRefused([], preview=preview, message=_("The preview was made for another item."))
    result = apply_list(
        campaign=campaign,
        item=item,
        rows=preview.list_rows(),
        actor=actor,
        mode=mode or preview.mode,
        source=preview.filename[: ListEntry._meta.get_field("source").max_length],
        ref=ref,
        actor_label=actor_label,
    )
    return {
        "entries_added": result.entries_added,
        "entries_released": result.entries_released,
        "entries_unchanged": result.entries_unchanged,
        "not_on_roster": len(result.not_on_roster),
        "tasks_changed": dict(sorted(result.tasks_changed.items())),
        "kept_manual": result.kept_manual,
    }

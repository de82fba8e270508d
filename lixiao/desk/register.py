"""The card register: which campus cards (face number, chip UID) belong to which student.

The card office exports one row per card (cards_master.csv: 学号, 姓名, 物理卡号UID_hex, 校园卡号(卡面) and the
forms its readers print, 10D_reversed, 8H, 8H_reversed, 10D_forward, W26_FC,CN, W26_8D). Importing it adds the
cards the directory lacks, sets the UIDs it learns, and stores every form a reader may type for each UID
(directory.CardForm) so that the counters match any reader in one query.

The register only names students the directory already has (from the rosters): a row whose student is unknown
is an error, as is a face number or UID already given to another student, a UID that is not 4 or 7 bytes, or a
derived column that disagrees with the UID. Any error refuses the whole file; importing it again changes
nothing. Cards not in the file are left as they are (a register may be partial).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lixiao.directory.models import Card, CardForm, Student
from lixiao.imports.common import ImportRefused, Issue, fetch_in, table_error_issue
from lixiao.lib import cards
from lixiao.lib.ids import normalize_card_no, normalize_student_no
from lixiao.lib.tabular import TableError, read_table

# The derived columns of the file, checked against the forms computed from the UID: field -> card form for a
# 4-byte UID, for a 7-byte UID (whose 8H columns hold its 14 hexadecimal digits; it has no other forms).
DERIVED = {
    "d10_reversed": (cards.DEC_REVERSED, None),
    "h8": (cards.HEX, cards.HEX7),
    "h8_reversed": (cards.HEX_REVERSED, cards.HEX7_REVERSED),
    "d10": (cards.DEC, None),
    "w26": (cards.W26, None),
    "w26_8d": (cards.W26_8D, None),
    "w34": (cards.W34, None),
}
FIELDS = {
    "student_no": ["学号", "Student No", "Student Number"],
    "name": ["姓名", "Name"],
    "uid": ["物理卡号UID_hex", "物理卡号", "卡片UID", "UID", "UID_hex"],
    "face": ["校园卡号(卡面)", "校园卡号", "卡面号", "一卡通号", "Card No", "Card Number"],
    "d10_reversed": ["10D_reversed"],
    "h8": ["8H"],
    "h8_reversed": ["8H_reversed"],
    "d10": ["10D_forward", "10D"],
    "w26": ["W26_FC,CN", "W26"],
    "w26_8d": ["W26_8D"],
    "w34": ["W34_FC,CN", "W34"],
}
REQUIRED = ["student_no", "face"]


@dataclass
class RegisterImport:
    """What an import of a card register found and did: ``errors`` (Issue), counts of cards added, updated
    (new UID) and unchanged."""

    filename: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        return {"rows": self.rows, "added": self.added, "updated": self.updated, "unchanged": self.unchanged}


def _same_name(a, b):
    return "".join(a.split()) == "".join(b.split())


def _check_derived(row, uid, issue):
    computed = dict(cards.uid_forms(uid)) if uid else {}
    for name, (kind4, kind7) in DERIVED.items():
        given = row.values.get(name, "")
        if not given:
            continue
        kind = kind7 if len(uid) == 14 else kind4
        if not uid:
            issue(name, _("%(value)s is given but the card has no UID to derive it from.") % {"value": given})
        elif kind is None or cards.canonical(kind, given) != computed.get(kind):
            expected = cards.display(kind, computed[kind]) if kind in computed else None
            issue(
                name,
                _("%(value)s does not match UID %(uid)s (computed: %(expected)s).")
                % {"value": given, "uid": uid, "expected": expected or _("none for a 7-byte UID")},
            )


@transaction.atomic
def import_register(*, data, filename, dry_run=False):
    """Import a card register file, all or nothing. Raises ImportRefused (with every error, by row) if any
    row is wrong; returns a RegisterImport with the counts otherwise (written unless ``dry_run``)."""
    result = RegisterImport(filename=filename)
    try:
        table = read_table(data, filename, FIELDS, REQUIRED)
    except TableError as error:
        raise ImportRefused([table_error_issue(error, filename)]) from None
    result.rows = len(table.rows)

    def issue(row, column, message):
        result.errors.append(Issue(filename, row.number, table.columns.get(column, column), message))

    parsed = []  # (row, student_no, face, uid)
    for row in table.rows:
        for column, problem in row.problems:
            issue(row, column, _(problem))
        try:
            student_no = normalize_student_no(row.values.get("student_no", ""))
        except ValueError:
            issue(row, "student_no", _("%(value)s is not a student number.") % {"value": row.values["student_no"]})
            continue
        face = normalize_card_no(row.values.get("face", ""))
        if not student_no:
            issue(row, "student_no", _("No student number."))
        if not face:
            issue(row, "face", _("No card number."))
        elif len(face) > cards.MAX_FACE:
            issue(row, "face", _("Longer than %(max)d characters.") % {"max": cards.MAX_FACE})
        try:
            uid = cards.normalize_uid(row.values.get("uid", ""))
        except ValueError:
            issue(
                row, "uid", _("%(value)s is not a card UID: 8 or 14 hexadecimal digits.") % {"value": row.values["uid"]}
            )
            uid = None
        if uid is not None:
            _check_derived(row, uid, lambda column, message, row=row: issue(row, column, message))
        if student_no and face and uid is not None:
            parsed.append((row, student_no, face, uid))

    first_face, first_uid = {}, {}
    for row, _student_no, face, uid in parsed:
        if face in first_face:
            issue(
                row, "face", _("Card number %(card)s is also on row %(row)d.") % {"card": face, "row": first_face[face]}
            )
        first_face.setdefault(face, row.number)
        if uid and uid in first_uid:
            issue(row, "uid", _("UID %(uid)s is also on row %(row)d.") % {"uid": uid, "row": first_uid[uid]})
        if uid:
            first_uid.setdefault(uid, row.number)

    students = {s.student_no: s for s in fetch_in(Student.objects.all(), "student_no", {p[1] for p in parsed})}
    by_face = {c.number: c for c in fetch_in(Card.objects.select_related("student"), "number", first_face)}
    by_uid = {c.uid: c for c in fetch_in(Card.objects.select_related("student"), "uid", first_uid)}
    new_cards, changed = [], []
    for row, student_no, face, uid in parsed:
        student = students.get(student_no)
        if student is None:
            issue(
                row,
                "student_no",
                _("No student %(no)s in the directory: import the roster first.") % {"no": student_no},
            )
            continue
        name = row.values.get("name", "")
        if name and student.name and not _same_name(name, student.name):
            issue(
                row,
                "name",
                _("Student %(no)s is %(directory)s in the directory, not %(name)s.")
                % {"no": student_no, "directory": student.name, "name": name},
            )
        card = by_face.get(face)
        if card is not None and card.student_id != student.pk:
            issue(
                row,
                "face",
                _("Card number %(card)s already belongs to student %(other)s.")
                % {"card": face, "other": card.student.student_no},
            )
            continue
        holder = by_uid.get(uid) if uid else None
        if holder is not None and holder.number != face:
            issue(
                row,
                "uid",
                _("UID %(uid)s is already card %(card)s of student %(other)s.")
                % {"uid": uid, "card": holder.number, "other": holder.student.student_no},
            )
            continue
        if card is None:
            new_cards.append(Card(number=face, uid=uid, student=student))
        elif uid and card.uid != uid:
            card.uid = uid
            changed.append(card)
        else:
            result.unchanged += 1
    if result.errors:
        raise ImportRefused(sorted(result.errors, key=lambda issue: issue.row or 0))
    result.added, result.updated = len(new_cards), len(changed)
    if dry_run:
        return result
    Card.objects.bulk_create(new_cards, batch_size=1000)
    Card.objects.bulk_update(changed, ["uid"], batch_size=1000)
    CardForm.objects.rebuild([c for c in [*new_cards, *changed] if c.uid])
    return result

"""What roster and list imports share: issues named by file, row and column, the refusal, small helpers."""

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lixiao.lib.ids import normalize_student_no
from lixiao.lib.tabular import Table, TableError, read_table

# Reading a big roster needs many `IN (...)` lookups; keep each one well under every backend's limit.
LOOKUP_CHUNK = 900


@dataclass(frozen=True)
class Issue:
    """A problem found in a file: an error (nothing is applied) or a warning (shown, not blocking)."""

    filename: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        """'file:row:column: message'; 'file: message' for what concerns the whole file."""
        if self.row is None and not self.column:
            return f"{self.filename}: {self.message}"
        return f"{self.filename}:{self.row or ''}:{self.column}: {self.message}"

    def as_dict(self):
        return asdict(self)


class ImportRefused(Exception):
    """An import that cannot be applied. ``errors`` is a list of Issue; ``preview`` the preview refused; ``code``
    names a refusal that is not about the file's rows ("not_waiting", "release_not_confirmed")."""

    def __init__(self, errors, *, preview=None, message="", code=""):
        self.errors = list(errors)
        self.preview = preview
        self.code = code
        self.message = message or _("The file has errors; nothing was imported.")
        super().__init__(self.message)

    def __str__(self):
        lines = [str(self.message), *(str(issue) for issue in self.errors)]
        return "\n".join(lines)


# lixiao.lib.tabular's English messages, which the callers translate with _(message): marked here so that
# makemessages extracts them. The two with variable parts are matched and translated in table_error_issue.
TABULAR_MESSAGES = (
    gettext_noop("the file is empty"),
    gettext_noop("old Excel (.xls) files cannot be read; save as .xlsx or CSV"),
    gettext_noop("not a readable .xlsx workbook; save it as .xlsx or CSV"),
    gettext_noop("the text is not valid UTF-8, UTF-16 or GB18030; save it as .xlsx or CSV UTF-8"),
    gettext_noop(
        "number stored as a floating-point value with more than 15 significant digits; "
        "the original digits are lost — store the column as text in Excel"
    ),
    gettext_noop(
        "number written in scientific notation (E+); the original digits are lost — store the column as text in Excel"
    ),
)
_MISSING_COLUMNS_RE = re.compile(
    r"no header row with all required columns in the first (\d+) rows; missing: (.*)", re.S
)
_BAD_CSV_RE = re.compile(r"not a readable CSV file \((.*)\)", re.S)


def table_error_issue(error: TableError, filename: str) -> Issue:
    """A TableError (the file cannot be read at all) as an Issue; the reader's English text translated."""
    message = error.message
    prefix = f"{filename}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    if match := _MISSING_COLUMNS_RE.fullmatch(message):
        text = _("no header row with all required columns in the first %(rows)s rows; missing: %(columns)s") % {
            "rows": match[1],
            "columns": match[2],
        }
    elif match := _BAD_CSV_RE.fullmatch(message):
        text = _("not a readable CSV file (%(error)s)") % {"error": match[1]}
    else:
        text = _(message)
    return Issue(filename, error.row, error.column or "", text)


def table_header(table: Table | None) -> dict:
    """What the preview shows of how the file was read: encoding, separator, sheet, the decoded header."""
    if table is None:
        return {
            "encoding": "",
            "delimiter": "",
            "sheet": "",
            "header_row": None,
            "headers": [],
            "columns": {},
        }
    return {
        "encoding": table.encoding,
        "delimiter": {"\t": "TAB"}.get(table.delimiter, table.delimiter or ""),
        "sheet": table.sheet or "",
        "header_row": table.header_row,
        "headers": list(table.headers),
        "columns": dict(table.columns),
    }


def footer_warning(table: Table) -> Issue | None:
    """A warning when a '合计：N人' footer does not match the number of data rows read."""
    if table.footer_total is None or table.footer_total == len(table.rows):
        return None
    footer_row = next((number for number, reason in table.skipped if reason == "footer"), None)
    return Issue(
        table.filename,
        footer_row,
        "",
        _("The footer gives a total of %(total)d but %(rows)d data rows were read.")
        % {"total": table.footer_total, "rows": len(table.rows)},
    )


def chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_in(queryset, field, values):
    """Evaluate ``queryset.filter(<field>__in=values)`` in chunks; returns a list."""
    out = []
    for part in chunks(values):
        out.extend(queryset.filter(**{f"{field}__in": part}))
    return out


def matches(text: str, *options: str) -> bool:
    key = text.strip().casefold()
    return any(key == option.casefold() for option in options)


def read_into(preview, data: bytes, filename: str, fields) -> Table | None:
    """Read a file for a preview (roster or list): the decoded header, the row count, the footer check.
    None, with the reading error on the preview, when the file cannot be read as a table."""
    try:
        table = read_table(data, filename, fields, ["student_no"])
    except TableError as error:
        preview.errors.append(table_error_issue(error, filename))
        return None
    preview.header = table_header(table)
    preview.rows_read = len(table.rows)
    preview.footer_total = table.footer_total
    warning = footer_warning(table)
    if warning:
        preview.warnings.append(warning)
    return table


def cell_student_no(row, error) -> str:
    """The row's student number as text, or '' after reporting why not (a reader problem with the cell is
    already its error)."""
    raw_no = row.values.get("student_no", "")
    if not raw_no:
        error("student_no", _("The student number is missing."))
        return ""
    if any(name == "student_no" for name, _p in row.problems):
        return ""
    try:
        return normalize_student_no(raw_no)
    except ValueError:
        error(
            "student_no",
            _("“%(value)s” is not a valid student number (letters, digits and '-', at most 32).") % {"value": raw_no},
        )
        return ""

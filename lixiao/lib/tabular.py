"""Read the spreadsheets and CSV files that university offices export into rows of plain text.

The offices' systems produce every shape imaginable: a merged title row above the header, a two-level
header, vertically merged cells, blank separator rows, a "合计：5人" footer, CSV files in GB18030 without
a byte-order mark, Excel's UTF-16 "Unicode text", student numbers stored as numbers (``2021010001.0``)
or rounded by Excel beyond 15 digits. :func:`read_table` turns all of them into a :class:`Table` whose
rows map canonical field names to cleaned text, and reports what it skipped and what it could not trust.

This module is framework-free (no Django). Error and problem messages are plain English strings; callers
wrap them for translation.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

__all__ = [
    "Row",
    "Table",
    "TableError",
    "clean_text",
    "clean_value",
    "decode_text",
    "normalize_label",
    "read_table",
]

HEADER_SEARCH_ROWS = 20
"""The header row must be among this many rows at the top of the file (or sheet)."""

MAX_EXACT_FLOAT = 2**53
"""Integral floats at or above this cannot be trusted to hold the digits that were typed."""

PRECISION_LOST = (
    "number stored as a floating-point value with more than 15 significant digits; "
    "the original digits are lost — store the column as text in Excel"
)
E_NOTATION = (
    "number written in scientific notation (E+); the original digits are lost — store the column as text in Excel"
)

SKIP_BLANK = "blank"
SKIP_FOOTER = "footer"
SKIP_REPEATED_HEADER = "repeated header"

_DELIMITERS = (",", "\t", ";")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_E_NOTATION_RE = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]\d+")  # as Excel shows it: '9.90001E+18'
_EXCEL_TEXT_FORMULA_RE = re.compile(r'="(.*)"', re.DOTALL)
_FOOTER_RE = re.compile(r"(?:合计|总计|共计|total\b|共\s*\d)", re.IGNORECASE)
_FOOTER_COUNT_RE = re.compile(r"(?:合计|总计|共计|共|total)\D*?(\d+)(?![\d.,])", re.IGNORECASE)
_FORMAT_PADDING_RE = re.compile(r'_.|\\.|"[^"]*"')


class TableError(Exception):
    """The file cannot be read as a table.

    ``message`` is an English sentence for the user (callers wrap it for translation); ``row`` is the
    1-based row (or line) number it concerns and ``column`` the header label, when known.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class Row:
    """One data row.

    ``number`` is the row number as the user sees it in Excel, or the line number in a CSV file.
    ``values`` maps each canonical field whose column was found to its cleaned text ('' when empty);
    ``raw`` maps the same fields to the cell value as read (a number, a date, the undecoded string).
    ``extra`` maps the header label of every column that no field claims to its cleaned text.
    ``problems`` lists (field, message) for values that cannot be trusted, such as a 19-digit number
    that Excel has already rounded; the text in ``values`` is then only the best that is left.
    """

    number: int
    values: dict[str, str]
    raw: dict[str, object] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Table:
    """A table read from a file.

    ``encoding`` is the text encoding that decoded a CSV/TXT file (``'utf-8-sig'``, ``'utf-8'``,
    ``'gb18030'``, ``'utf-16'``) or ``'xlsx'``; ``delimiter`` is the CSV separator (None for xlsx).
    ``header_row`` is the row holding the column labels (data starts below it, or below the rows its
    cells are merged down into); ``headers`` are the labels as found in the file (invisible characters
    and surrounding whitespace removed), ``columns`` maps each canonical field found to its label.
    ``footer_total`` is N from a footer such as '合计：5人', '共 5 人' or 'Total: 5'; callers compare it
    with ``len(rows)``. ``skipped`` lists (row number, reason) for rows that are not data: 'blank',
    'footer' or 'repeated header'. ``sheet`` names the worksheet read from an xlsx file.
    """

    filename: str
    encoding: str
    delimiter: str | None
    header_row: int
    headers: list[str]
    columns: dict[str, str]
    rows: list[Row]
    footer_total: int | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)
    sheet: str | None = None


# --------------------------------------------------------------------------------------------------
# Cleaning values


def _is_invisible(char: str) -> bool:
    """True for format and control characters: BOM, zero-width space, soft hyphen, STX, NUL..."""
    return unicodedata.category(char) in ("Cf", "Cc") and not char.isspace()


def _drop_invisible(text: str) -> str:
    return "".join(char for char in text if not _is_invisible(char))


def normalize_label(label: object) -> str:
    """Return the comparison key of a header label.

    NFKC (full-width letters, digits and brackets become ASCII: '欠款（元）' == '欠款(元)'), every
    whitespace and invisible character removed (full-width space, NBSP, BOM, zero-width space) and
    case folded: ' Student No ' == 'studentno' == 'STUDENT　NO'.
    """
    if label is None:
        return ""
    text = unicodedata.normalize("NFKC", str(label))
    return "".join(char for char in text if not char.isspace() and not _is_invisible(char)).casefold()


def clean_text(text: str) -> str:
    """Clean a text cell: NFKC, invisible characters removed, stripped, leading apostrophe removed.

    NFKC turns full-width digits and letters ('２０２１') into ASCII and NBSP / the ideographic space into
    ordinary spaces. Excel's text marker (a leading apostrophe) and the ``="0123"`` formula that some
    systems write into CSV files to keep leading zeros are both unwrapped.
    """
    text = _drop_invisible(unicodedata.normalize("NFKC", text)).strip()
    formula = _EXCEL_TEXT_FORMULA_RE.fullmatch(text)
    if formula:
        text = formula.group(1).strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


def _plain_decimal(value: float) -> str:
    """The shortest decimal that reads back as ``value``, without exponent: 35.8 -> '35.8', 1e-07 ->
    '0.0000001', 9.900012345678901e+18 -> '9900012345678901000'."""
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _zero_mask_width(number_format: str | None) -> int:
    """Width of a number format that only shows digits with leading zeros ('0000000000' -> 10), else 0."""
    if not number_format:
        return 0
    section = _FORMAT_PADDING_RE.sub("", number_format.split(";")[0]).strip()
    if len(section) > 1 and set(section) == {"0"}:
        return len(section)
    return 0


def clean_value(value: object, number_format: str | None = None) -> tuple[str, str | None]:
    """Turn a cell value into text; return ``(text, problem)`` where problem is None or a message.

    Integral numbers never get a '.0' or an exponent: 2021010001.0 -> '2021010001'. A zero mask number
    format ('0000000000') pads with its leading zeros. Dates become ISO dates. An integral float of
    2**53 or more, or a text in E-notation, is returned as the best text left plus a problem.
    """
    if value is None:
        return "", None
    if isinstance(value, str):
        text = clean_text(value)
        return text, (E_NOTATION if _E_NOTATION_RE.fullmatch(text) else None)
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, int):
        return _pad(str(value), number_format), None
    if isinstance(value, float):
        return _clean_float(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat(), None
        return value.isoformat(sep=" ", timespec="seconds"), None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), None
    return clean_text(str(value)), None


def _clean_float(value: float, number_format: str | None) -> tuple[str, str | None]:
    if not math.isfinite(value):  # NaN or infinity: not a value a person typed
        return "", None
    if not value.is_integer():
        return _plain_decimal(value), None
    if abs(value) >= MAX_EXACT_FLOAT:
        return _plain_decimal(value), PRECISION_LOST
    return _pad(str(int(value)), number_format), None


def _pad(digits: str, number_format: str | None) -> str:
    width = _zero_mask_width(number_format)
    if width and not digits.startswith("-"):
        return digits.zfill(width)
    return digits


# --------------------------------------------------------------------------------------------------
# Grids: the file as rows of cleaned cells, before the table is found in it


@dataclass(frozen=True)
class _Cell:
    raw: object = None
    text: str = ""
    problem: str | None = None
    filled: bool = False  # copied down from the top of a merged range, not typed in this row


_EMPTY = _Cell()


@dataclass
class _Grid:
    """A sheet or a CSV file: (row number, cells) in order, plus the merged ranges of an xlsx sheet."""

    rows: list[tuple[int, list[_Cell]]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # rows, then columns: min, max
    encoding: str = "xlsx"
    delimiter: str | None = None
    sheet: str | None = None


def _text_cell(raw: str) -> _Cell:
    text, problem = clean_value(raw)
    return _Cell(raw, text, problem)


# --------------------------------------------------------------------------------------------------
# Headers


@dataclass
class _Header:
    row: int  # where the labels were found
    last_row: int  # data starts below this row (the header may be merged down into the rows below)
    labels: list[str]
    columns: dict[str, int]  # canonical field -> 0-based column index


class _Labels:
    """The ``fields`` argument of :func:`read_table` as a lookup from normalised label to field."""

    def __init__(self, fields: dict[str, list[str]], required: list[str]) -> None:
        unknown = [name for name in required if name not in fields]
        if unknown:
            raise ValueError(f"required fields without labels: {', '.join(unknown)}")
        self.fields = fields
        self.required = list(required)
        self.lookup: dict[str, str] = {}
        for name, labels in fields.items():
            for label in labels:
                self.lookup.setdefault(normalize_label(label), name)

    def field_for(self, label: object) -> str | None:
        key = normalize_label(label)
        return self.lookup.get(key) if key else None

    def describe(self, name: str) -> str:
        """How to name a field to the user: its first label."""
        labels = self.fields.get(name) or [name]
        return str(labels[0])

    def match(self, cells: list[_Cell]) -> dict[str, int]:
        """Canonical field -> index of the first column in ``cells`` labelled for it."""
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = self.field_for(cell.raw if isinstance(cell.raw, str) else cell.text)
            if name and name not in columns:
                columns[name] = index
        return columns

    def missing(self, columns: dict[str, int]) -> list[str]:
        return [name for name in self.required if name not in columns]


def _find_header(grid: _Grid, labels: _Labels) -> _Header | None:
    """The first row among the top rows that holds a label for every required field."""
    for position, (number, cells) in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        columns = labels.match(cells)
        if not labels.missing(columns):
            return _header_block(grid, position, number, labels)
    return None


def _header_block(grid: _Grid, position: int, number: int, labels: _Labels) -> _Header:
    """Extend the header down over rows its cells are merged into (two-level headers) and read the labels:
    per column, the lowest non-empty label of the block ('电话' under a merged '联系方式')."""
    last = max([number, *(max_row for min_row, max_row, _, _ in grid.merges if min_row == number)])
    block = [cells for row_number, cells in grid.rows[position : position + last - number + 1] if row_number <= last]
    merged = [_EMPTY] * max(len(cells) for cells in block)
    for cells in block:
        for index, cell in enumerate(cells):
            if cell.text:
                merged[index] = cell
    columns = labels.match(merged)
    if labels.missing(columns):  # the rows below do not complete this header: use the row alone
        last, merged = number, list(block[0])
        columns = labels.match(merged)
    while merged and not merged[-1].text:
        merged.pop()
    return _Header(number, last, [_label_text(cell) for cell in merged], columns)


def _label_text(cell: _Cell) -> str:
    """A header label as found in the file, only trimmed."""
    if isinstance(cell.raw, str):
        return _drop_invisible(cell.raw).strip()
    return cell.text


def _missing_error(grid: _Grid, labels: _Labels, filename: str) -> TableError:
    """A TableError naming the file and the required columns the best candidate row lacks."""
    best_row, best_columns = None, {}
    for number, cells in grid.rows[:HEADER_SEARCH_ROWS]:
        columns = labels.match(cells)
        if len(labels.missing(columns)) < len(labels.missing(best_columns)):
            best_row, best_columns = number, columns
    missing = [labels.describe(name) for name in labels.missing(best_columns)]
    return TableError(
        f"{filename}: no header row with all required columns in the first {HEADER_SEARCH_ROWS} rows; "
        f"missing: {', '.join(missing)}",
        row=best_row,
        column=missing[0] if missing else None,
    )


# --------------------------------------------------------------------------------------------------
# From a grid to a table


def _is_blank(cells: list[_Cell]) -> bool:
    return all(cell.filled or not cell.text for cell in cells)


def _first_text(cells: list[_Cell]) -> str:
    return next((cell.text for cell in cells if cell.text and not cell.filled), "")


def _is_footer_text(cells: list[_Cell]) -> bool:
    return bool(_FOOTER_RE.match(_first_text(cells)))


def _footer_count(cells: list[_Cell]) -> int | None:
    text = " ".join(cell.text for cell in cells if cell.text and not cell.filled)
    found = _FOOTER_COUNT_RE.search(text)
    return int(found.group(1)) if found else None


def _full_width_rows(grid: _Grid, header: _Header) -> set[int]:
    """Rows below the header covered by a merged range as wide as the table (notes and footers)."""
    used = [index for index, label in enumerate(header.labels) if label]
    first, last = used[0] + 1, used[-1] + 1
    rows: set[int] = set()
    for min_row, max_row, min_col, max_col in grid.merges:
        if min_row > header.last_row and min_col <= first and max_col >= last:
            rows.update(range(min_row, max_row + 1))
    return rows


def _is_repeated_header(cells: list[_Cell], header: _Header, labels: _Labels) -> bool:
    """A data row that repeats the labels of the required columns (a header printed on every page)."""
    for name in labels.required:
        index = header.columns[name]
        cell = cells[index] if index < len(cells) else _EMPTY
        if labels.field_for(cell.text) != name:
            return False
    return True


def _has_required(cells: list[_Cell], header: _Header, labels: _Labels) -> bool:
    return all(header.columns[name] < len(cells) and cells[header.columns[name]].text for name in labels.required)


def _make_row(number: int, cells: list[_Cell], header: _Header) -> Row:
    by_index = {index: name for name, index in header.columns.items()}
    row = Row(number=number, values={})
    for index, label in enumerate(header.labels):
        cell = cells[index] if index < len(cells) else _EMPTY
        name = by_index.get(index)
        if name is not None:
            row.values[name] = cell.text
            row.raw[name] = cell.raw
            if cell.problem:
                row.problems.append((name, cell.problem))
        elif label and label not in row.extra:
            row.extra[label] = cell.text
    return row


def _build_table(grid: _Grid, header: _Header, labels: _Labels, filename: str) -> Table:
    """Walk the rows below the header: data rows become :class:`Row`, the others go to ``skipped``.

    Once a footer has been seen, rows that lack a required value are notes under it ('制表人：…') and are
    skipped as footer rows too.
    """
    table = Table(
        filename=filename,
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        header_row=header.row,
        headers=header.labels,
        columns={name: header.labels[index] for name, index in header.columns.items()},
        rows=[],
        sheet=grid.sheet,
    )
    full_width = _full_width_rows(grid, header)
    after_footer = False
    width = len(header.labels)
    for number, row_cells in grid.rows:
        if number <= header.last_row:
            continue
        cells = row_cells[:width]  # anything right of the table is not part of it
        reason = _skip_reason(number, cells, header, labels, full_width, after_footer)
        if reason is None:
            table.rows.append(_make_row(number, cells, header))
            continue
        table.skipped.append((number, reason))
        if reason == SKIP_FOOTER:
            after_footer = True
            if table.footer_total is None and _is_footer_text(cells):
                table.footer_total = _footer_count(cells)
    return table


def _skip_reason(
    number: int,
    cells: list[_Cell],
    header: _Header,
    labels: _Labels,
    full_width: set[int],
    after_footer: bool,
) -> str | None:
    if _is_blank(cells):
        return SKIP_BLANK
    if number in full_width or _is_footer_text(cells):
        return SKIP_FOOTER
    if _is_repeated_header(cells, header, labels):
        return SKIP_REPEATED_HEADER
    if after_footer and not _has_required(cells, header, labels):
        return SKIP_FOOTER
    return None


# --------------------------------------------------------------------------------------------------
# xlsx


def _load_workbook(data: bytes, filename: str):
    import openpyxl  # imported here so that CSV-only callers do not pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            return openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged or foreign file
        raise TableError(f"{filename}: not a readable .xlsx workbook; save it as .xlsx or CSV") from error


def _sheet_order(workbook) -> list:
    """The active sheet first, then the other visible sheets, then hidden ones."""
    sheets = list(workbook.worksheets)
    active = workbook.active if workbook.active in sheets else sheets[0]
    rest = [sheet for sheet in sheets if sheet is not active]
    visible = [sheet for sheet in rest if sheet.sheet_state == "visible"]
    return [active, *visible, *[sheet for sheet in rest if sheet not in visible]]


def _sheet_grid(sheet) -> _Grid:
    """Cleaned cells of a worksheet, with vertically merged ranges filled down."""
    # ``_cells`` holds only the cells present in the file, so a sheet formatted down to row 1048576
    # does not make us create a million empty cells (iter_rows would).
    present = {key: cell for key, cell in sheet._cells.items() if cell.value is not None}
    height = max((row for row, _ in present), default=0)
    width = max((column for _, column in present), default=0)
    matrix = [[_EMPTY] * width for _ in range(height)]
    for (row, column), cell in present.items():
        text, problem = clean_value(cell.value, cell.number_format if cell.data_type == "n" else None)
        matrix[row - 1][column - 1] = _Cell(cell.value, text, problem)
    merges = [(r.min_row, r.max_row, r.min_col, r.max_col) for r in sheet.merged_cells.ranges]
    _fill_merged(matrix, merges)
    return _Grid(rows=list(enumerate(matrix, start=1)), merges=merges, sheet=sheet.title)


def _fill_merged(matrix: list[list[_Cell]], merges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a vertically merged range the value of its top-left cell."""
    for min_row, max_row, min_col, max_col in merges:
        if max_row == min_row or min_row > len(matrix) or min_col > len(matrix[0]):
            continue
        top = matrix[min_row - 1][min_col - 1]
        copy = _Cell(top.raw, top.text, top.problem, filled=True)
        for row in range(min_row, min(max_row, len(matrix)) + 1):
            for column in range(min_col, min(max_col, len(matrix[0])) + 1):
                if (row, column) != (min_row, min_col):
                    matrix[row - 1][column - 1] = copy


def _read_xlsx(data: bytes, filename: str, labels: _Labels) -> Table:
    workbook = _load_workbook(data, filename)
    grids = [_sheet_grid(sheet) for sheet in _sheet_order(workbook)]
    for grid in grids:
        header = _find_header(grid, labels)
        if header is not None:
            return _build_table(grid, header, labels, filename)
    raise _missing_error(grids[0], labels, filename)


def _xls_grid(book, sheet) -> _Grid:
    """Cleaned cells of an old-Excel (.xls) sheet, merged ranges filled down like xlsx."""
    import xlrd

    matrix = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(_EMPTY)
                continue
            value, number_format = cell.value, None
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                number_format = book.format_map[xf.format_key].format_str if xf else None
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            text, problem = clean_value(value, number_format)
            row.append(_Cell(value, text, problem))
        matrix.append(row)
    merges = [(rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
    _fill_merged(matrix, merges)
    return _Grid(rows=list(enumerate(matrix, start=1)), merges=merges, encoding="xls", sheet=sheet.name)


def _read_xls(data: bytes, filename: str, labels: _Labels) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises many kinds for a damaged file
        raise TableError(f"{filename}: not a readable .xls workbook ({exc}); save it as .xlsx or CSV") from exc
    grids = [_xls_grid(book, sheet) for sheet in book.sheets() if sheet.nrows]
    if not grids:
        raise TableError(f"{filename}: the file is empty")
    for grid in grids:
        header = _find_header(grid, labels)
        if header is not None:
            return _build_table(grid, header, labels, filename)
    raise _missing_error(grids[0], labels, filename)


# --------------------------------------------------------------------------------------------------
# CSV and text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file: a byte-order mark first, then strict UTF-8, then GB18030 (what Chinese Excel
    writes for "CSV (逗号分隔)"). Returns ``(text, encoding)``; raises UnicodeDecodeError if none fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    bom_less_utf16 = _bom_less_utf16(data)
    if bom_less_utf16:
        return data.decode(bom_less_utf16), bom_less_utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def _bom_less_utf16(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for UTF-16 text without a BOM (every other byte NUL), else None."""
    sample = data[:2000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even * 10 < odd:
        return "utf-16-le"
    if even > len(sample) // 4 and odd * 10 < even:
        return "utf-16-be"
    return None


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, fields); quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    for fields in reader:
        yield line + 1, fields
        line = reader.line_num


def _text_grid(records: Iterable[tuple[int, list[str]]], encoding: str, delimiter: str) -> _Grid:
    rows = [(number, [_text_cell(value) for value in fields]) for number, fields in records]
    return _Grid(rows=rows, encoding=encoding, delimiter=delimiter)


def _choose_delimiter(text: str, labels: _Labels) -> str:
    """The delimiter that splits a top line into the required labels; if several do, the one that gives
    the header the most columns; if none does, the most frequent one on the first line."""
    candidates: list[tuple[int, str]] = []
    for delimiter in _DELIMITERS:
        top = _text_grid(itertools.islice(_csv_records(text, delimiter), HEADER_SEARCH_ROWS), "", delimiter)
        header = _find_header(top, labels)
        if header is not None:
            candidates.append((len(header.labels), delimiter))
    if candidates:
        return max(candidates, key=lambda candidate: candidate[0])[1]
    first_line = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=first_line.count)


def _read_text(data: bytes, filename: str, labels: _Labels) -> Table:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as error:
        raise TableError(
            f"{filename}: the text is not valid UTF-8, UTF-16 or GB18030; save it as .xlsx or CSV UTF-8"
        ) from error
    delimiter = _choose_delimiter(text, labels)
    try:
        grid = _text_grid(_csv_records(text, delimiter), encoding, delimiter)
    except csv.Error as error:
        raise TableError(f"{filename}: not a readable CSV file ({error})") from error
    header = _find_header(grid, labels)
    if header is None:
        raise _missing_error(grid, labels, filename)
    return _build_table(grid, header, labels, filename)


# --------------------------------------------------------------------------------------------------
# Entry point


def _kind(data: bytes, filename: str) -> str:
    """'xlsx' or 'text', by content first and by the file name's extension second."""
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise TableError(f"{filename}: the file is empty")
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if suffix == ".xls":
        raise TableError(f"{filename}: not a readable .xls workbook; save it as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm"):
        raise TableError(f"{filename}: not a readable .xlsx workbook; save it as .xlsx or CSV")
    return "text"


def read_table(data: bytes, filename: str, fields: dict[str, list[str]], required: list[str]) -> Table:
    """Read an xlsx, CSV or TXT file into a :class:`Table`.

    ``fields`` maps each canonical field to the header labels that mean it, e.g.
    ``{"student_no": ["学号", "读者证号", "Student No"], "name": ["姓名", "读者姓名"]}``; labels match
    after :func:`normalize_label`. The header is the first of the top 20 rows holding a label for every
    field in ``required``; a :class:`TableError` naming the missing columns is raised if there is none.
    Rows below the header that are blank, footers ('合计：5人') or repeats of the header are skipped and
    listed in ``Table.skipped``.
    """
    labels = _Labels(fields, required)
    kind = _kind(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, filename, labels)
    if kind == "xls":
        return _read_xls(data, filename, labels)
    return _read_text(data, filename, labels)

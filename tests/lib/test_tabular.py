"""Tests for lixiao.lib.tabular: the sample exports of each office, and an in-memory file for each kind
of trouble they show (so that the behaviour does not rest on the samples alone)."""

import datetime as dt
import functools
import io
import re
from pathlib import Path

import openpyxl
import pytest

from lixiao.lib.tabular import (
    E_NOTATION,
    PRECISION_LOST,
    Table,
    TableError,
    clean_text,
    clean_value,
    normalize_label,
    read_table,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
FIELD = SAMPLES / "field"

FIELDS = {
    "student_no": ["学号", "读者证号", "Student No", "student_no"],
    "name": ["姓名", "读者姓名", "英文姓名"],
    "college": ["学院"],
    "card_no": ["一卡通号", "校园卡号"],
    "amount": ["欠款（元）", "欠费金额"],
}
REQUIRED = ["student_no", "name"]


@functools.cache
def read_sample(path: Path, required: tuple[str, ...] = tuple(REQUIRED)) -> Table:
    """Read a sample file once per test session (the tests do not modify the tables)."""
    return read_table(path.read_bytes(), path.name, FIELDS, list(required))


def xlsx_bytes(
    rows: list[list[object]],
    merges: tuple[str, ...] = (),
    formats: dict[str, str] | None = None,
    title: str = "Sheet1",
) -> bytes:
    """An in-memory workbook: ``rows`` from A1, ``merges`` like 'A1:D1', ``formats`` cell -> number format."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: list[str], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Lines joined with CR/LF (as Excel writes them); cells given with ',' use ``delimiter``."""
    text = "".join(line.replace(",", delimiter) + "\r\n" for line in lines)
    return text.encode(encoding)


def numbers(table: Table) -> list[str]:
    return [row.values["student_no"] for row in table.rows]


# --------------------------------------------------------------------------------------------------
# The sample exports


def test_undergraduate_roster_merged_title_then_header():
    table = read_sample(SAMPLES / "roster_undergraduate_2026.xlsx")
    assert table.encoding == "xlsx"
    assert table.delimiter is None
    assert table.sheet == "毕业生名单"
    assert table.header_row == 2
    assert table.headers[:3] == ["序号", "学号", "姓名"]
    assert table.columns == {"student_no": "学号", "name": "姓名", "college": "学院", "card_no": "一卡通号"}
    assert len(table.rows) == 4180
    assert table.skipped == []
    assert table.footer_total is None
    first = table.rows[0]
    assert first.number == 3
    assert first.values == {
        "student_no": "2022110001",
        "name": "陆诺",
        "college": "材料科学与工程学院",
        "card_no": "1732697",
    }
    assert first.extra["序号"] == "1"
    assert first.extra["手机号"] == "13578605183"
    assert table.rows[2].values["card_no"] == "0666599"  # text cell: leading zero kept
    assert table.rows[-1].number == 4182
    assert all(re.fullmatch(r"\d{10,11}", number) for number in numbers(table))
    assert all(not row.problems for row in table.rows)


def test_graduate_roster():
    table = read_sample(SAMPLES / "roster_graduate_2026.xlsx")
    assert table.header_row == 1
    assert len(table.rows) == 3105
    assert table.skipped == []
    assert table.rows[0].values["student_no"] == "31236800001"
    assert table.rows[0].extra["导师工号"] == "T90513"
    assert {row.extra["培养层次"] for row in table.rows} == {"硕士", "博士"}
    assert {row.extra["证书类型"] for row in table.rows} <= {"双证", "单证"}
    assert len(set(numbers(table))) == 3105


def test_international_roster_gb18030_latin_names():
    table = read_sample(SAMPLES / "roster_international_2026.csv")
    assert table.encoding == "gb18030"
    assert table.delimiter == ","
    assert len(table.rows) == 330
    assert table.columns["name"] == "英文姓名"
    first = table.rows[0]
    assert first.number == 2
    assert first.values["student_no"] == "LXB20220001"
    assert first.values["name"] == "IVAN SOKOLOV"
    assert first.values["card_no"] == "0524800"
    assert first.extra["国籍"] == "俄罗斯"
    assert all(re.fullmatch(r"[A-Z][A-Z .'-]*", row.values["name"]) for row in table.rows)
    assert any(row.extra["中文姓名"] for row in table.rows)
    assert all("\r" not in value for row in table.rows for value in row.extra.values())


def test_finance_arrears_utf8_bom():
    table = read_sample(SAMPLES / "finance_arrears.csv")
    assert table.encoding == "utf-8-sig"
    assert table.headers == ["学号", "姓名", "欠费项目", "欠费金额"]  # no BOM glued to 学号
    assert len(table.rows) == 180
    assert table.rows[0].values == {"student_no": "31237600971", "name": "段怡", "amount": "850.5"}
    assert table.rows[1].values["amount"] == "6400.00"  # text stays as written
    assert table.rows[-1].number == 181


def test_library_overdue_reader_labels_and_numbers():
    table = read_sample(SAMPLES / "library_overdue.xlsx")
    assert len(table.rows) == 260
    assert table.columns == {"student_no": "读者证号", "name": "读者姓名", "amount": "欠款(元)"}
    first = table.rows[0]
    assert first.values == {"student_no": "31231001486", "name": "魏天强", "amount": "35.8"}
    assert first.raw["amount"] == 35.8
    assert first.extra == {"未还册数": "2", "最早应还日期": "2026-05-17"}
    assert table.rows[1].values["amount"] == "0"


def test_league_members_gb18030():
    table = read_sample(SAMPLES / "league_members.csv")
    assert table.encoding == "gb18030"
    assert table.headers == ["学号", "姓名", "团支部"]
    assert len(table.rows) == 2924
    assert table.rows[0].values == {"student_no": "2022110001", "name": "陆诺"}
    assert table.rows[0].extra == {"团支部": "材料科学2202团支部"}


def test_field_gbk_without_bom_names_exact():
    table = read_sample(FIELD / "roster_gbk_no_bom.csv")
    assert table.encoding == "gb18030"
    assert table.headers == ["学号", "姓名", "学院", "类别"]
    names = {row.values["student_no"]: row.values["name"] for row in table.rows}
    assert names["2021010003"] == "阿卜杜·热合曼"
    assert names["2021010004"] == "陈堃"
    assert names["2021010005"] == "赵喆"
    assert numbers(table)[-2:] == ["S2023020011", "B2020030007"]
    assert len(table.rows) == 7


def test_field_excel_unicode_text():
    table = read_sample(FIELD / "roster_excel_unicode_text.txt")
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.columns["student_no"] == "学号"
    assert [row.values for row in table.rows] == [
        {"student_no": "2021010001", "name": "王小明", "college": "计算机学院"},
        {"student_no": "2021010009", "name": "钱多多", "college": "管理学院"},
    ]
    assert table.rows[0].extra == {"类别": "本科"}  # no trailing CR


def test_field_ids_as_numbers():
    table = read_sample(FIELD / "roster_ids_as_numbers.xlsx")
    assert numbers(table) == ["2021010001", "0210123456", "2021010010", "2021010011", "2021010000"]
    by_row = {row.number: row for row in table.rows}
    assert by_row[3].raw["student_no"] == 210123456  # padded by its '0000000000' format
    assert by_row[5].raw["student_no"] == "2021010011 "
    assert by_row[3].values["card_no"] == "9900012345678905678"
    assert by_row[5].values["card_no"] == "9900012345678900011"  # apostrophe removed
    assert by_row[6].values["card_no"] == ""
    flagged = {row.number: row.problems for row in table.rows if row.problems}
    assert flagged == {2: [("card_no", PRECISION_LOST)], 4: [("card_no", PRECISION_LOST)]}
    assert all(not value.endswith(".0") for row in table.rows for value in row.values.values())


def test_field_merged_title_footer():
    table = read_sample(FIELD / "roster_merged_title_footer.xlsx")
    assert table.header_row == 4
    assert table.headers == ["序号", "学号", "姓名", "学院", "类别", "备注"]
    assert [row.number for row in table.rows] == [5, 6, 7, 8, 9]
    assert len(table.rows) == table.footer_total == 5
    assert table.skipped == [(10, "blank"), (11, "footer")]
    colleges = {row.values["student_no"]: row.values["college"] for row in table.rows}
    assert colleges["2021010012"] == colleges["2021010013"] == "法学院"  # merged D7:D8 filled down
    assert table.rows[3].extra == {"序号": "4", "类别": "本科", "备注": "辅修"}


@pytest.mark.parametrize(
    "path",
    [
        *sorted(SAMPLES.glob("*.xlsx")),
        *sorted(SAMPLES.glob("*.csv")),
        *sorted(FIELD.glob("roster_*")),
        FIELD / "cards_master.csv",
    ],
    ids=lambda path: path.name,
)
def test_no_sample_value_looks_like_a_float(path):
    table = read_sample(path, required=("student_no",))
    assert table.rows
    for row in table.rows:
        for value in [*row.values.values(), *row.extra.values()]:
            assert not re.fullmatch(r"\d+\.0|[\d.]+e[+-]\d+", value, re.IGNORECASE), (row.number, value)
            assert value == value.strip()


# --------------------------------------------------------------------------------------------------
# Header labels and the header row


@pytest.mark.parametrize(
    ("found", "label"),
    [
        (" 学号 ", "学号"),
        ("\ufeff学号", "学号"),
        ("学\u200b号", "学号"),
        ("学\u3000号", "学号"),
        ("学\xa0号", "学号"),
        ("STUDENT  NO", "Student No"),
        ("ｓｔｕｄｅｎｔ ｎｏ", "Student No"),
        ("欠款(元)", "欠款（元）"),
    ],
)
def test_normalize_label(found, label):
    assert normalize_label(found) == normalize_label(label)


def test_header_labels_match_after_normalising():
    data = csv_bytes(["\u3000Student No ,读者\u200b姓名,欠款(元),备注", "2021010001,王小明,12.5,x"])
    table = read_table(data, "x.csv", FIELDS, REQUIRED)
    assert table.columns == {"student_no": "Student No", "name": "读者姓名", "amount": "欠款(元)"}
    assert table.rows[0].values == {"student_no": "2021010001", "name": "王小明", "amount": "12.5"}
    assert table.rows[0].extra == {"备注": "x"}


def test_missing_required_column_names_the_file_and_the_column():
    data = csv_bytes(["学号,学院", "2021010001,计算机学院"])
    with pytest.raises(TableError) as caught:
        read_table(data, "名单.csv", FIELDS, REQUIRED)
    error = caught.value
    assert "名单.csv" in error.message
    assert "姓名" in error.message
    assert "学号" not in error.message.split("missing")[1]
    assert error.column == "姓名"
    assert error.row == 1


def test_missing_header_in_xlsx():
    data = xlsx_bytes([["a", "b"], [1, 2]])
    with pytest.raises(TableError, match=r"roster\.xlsx.*missing: 学号, 姓名"):
        read_table(data, "roster.xlsx", FIELDS, REQUIRED)


def test_header_must_be_within_the_first_20_rows():
    lines = [f"说明第{n}行" for n in range(20)] + ["学号,姓名", "2021010001,王小明"]
    with pytest.raises(TableError):
        read_table(csv_bytes(lines), "late.csv", FIELDS, REQUIRED)
    table = read_table(csv_bytes(lines[1:]), "ok.csv", FIELDS, REQUIRED)
    assert table.header_row == 20
    assert table.rows[0].number == 21


def test_title_and_export_rows_before_the_csv_header():
    data = csv_bytes(["2026届毕业生名单,,", "导出时间：2026-06-01,,", "学号,姓名,学院", "2021010001,王小明,计算机学院"])
    table = read_table(data, "x.csv", FIELDS, REQUIRED)
    assert table.header_row == 3
    assert [(row.number, row.values["name"]) for row in table.rows] == [(4, "王小明")]


def test_required_field_without_labels_is_a_programming_error():
    with pytest.raises(ValueError):
        read_table(csv_bytes(["学号"]), "x.csv", FIELDS, ["gender"])


def test_two_level_header_with_group_row():
    data = xlsx_bytes(
        [
            ["名单", None, None, None],
            ["基本信息", None, "学籍信息", None],
            ["学号", "姓名", "学院", "类别"],
            ["2021010001", "王小明", "计算机学院", "本科"],
        ],
        merges=("A1:D1", "A2:B2", "C2:D2"),
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert table.header_row == 3
    assert table.headers == ["学号", "姓名", "学院", "类别"]
    assert [row.number for row in table.rows] == [4]


def test_two_level_header_with_labels_merged_down():
    """学号 and 姓名 span both header rows; 联系方式 groups 电话 and 邮箱 in the second one."""
    data = xlsx_bytes(
        [
            ["学号", "姓名", "联系方式", None],
            [None, None, "电话", "邮箱"],
            ["2021010001", "王小明", "13800000000", "a@example.edu.cn"],
        ],
        merges=("A1:A2", "B1:B2", "C1:D1"),
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert table.header_row == 1
    assert table.headers == ["学号", "姓名", "电话", "邮箱"]
    assert len(table.rows) == 1
    assert table.rows[0].number == 3
    assert table.rows[0].extra == {"电话": "13800000000", "邮箱": "a@example.edu.cn"}


def test_header_found_on_a_later_sheet():
    workbook = openpyxl.Workbook()
    workbook.active.append(["填表说明：请勿修改表头"])
    data_sheet = workbook.create_sheet("名单")
    data_sheet.append(["学号", "姓名"])
    data_sheet.append(["2021010001", "王小明"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "x.xlsx", FIELDS, REQUIRED)
    assert table.sheet == "名单"
    assert numbers(table) == ["2021010001"]


def test_optional_fields_not_found_are_absent_and_unlabelled_columns_ignored():
    data = csv_bytes(["学号,姓名,,备注", "2021010001,王小明,stray,note,beyond"])
    table = read_table(data, "x.csv", FIELDS, REQUIRED)
    row = table.rows[0]
    assert row.values == {"student_no": "2021010001", "name": "王小明"}
    assert row.extra == {"备注": "note"}


# --------------------------------------------------------------------------------------------------
# Rows that are not data: blank, footers, repeated headers; merged cells


def test_vertically_merged_cells_fill_down_and_blank_rows_skip():
    data = xlsx_bytes(
        [
            ["学号", "姓名", "学院"],
            ["2021010001", "王小明", "法学院"],
            ["2021010002", "李晓红", None],
            ["2021010003", "何静怡", None],
            [None, None, None],
            ["2021010004", "吕子墨", "理学院"],
        ],
        merges=("C2:C4",),
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert [row.values["college"] for row in table.rows] == ["法学院", "法学院", "法学院", "理学院"]
    assert [row.raw["college"] for row in table.rows][:3] == ["法学院"] * 3
    assert table.skipped == [(5, "blank")]


def test_row_holding_only_a_merged_value_is_blank():
    data = xlsx_bytes(
        [
            ["学号", "姓名", "学院"],
            ["2021010001", "王小明", "法学院"],
            [None, None, None],
            ["2021010002", "李晓红", "理学院"],
        ],
        merges=("C2:C3",),
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert numbers(table) == ["2021010001", "2021010002"]
    assert table.skipped == [(3, "blank")]


@pytest.mark.parametrize(
    ("footer", "total"),
    [
        ("合计：3人", 3),
        ("合计: 3 人", 3),
        ("共 3 人", 3),
        ("共计3名学生", 3),
        ("总计 3", 3),
        ("Total: 3", 3),
        ("TOTAL 3 students", 3),
        ("合计", None),
        ("合计 1234.50 元", None),  # a sum of money, not a count
    ],
)
def test_footer_rows_in_csv(footer, total):
    lines = ["学号,姓名", "2021010001,甲", "2021010002,乙", "2021010003,丙", "", f"{footer},"]
    table = read_table(csv_bytes(lines), "x.csv", FIELDS, REQUIRED)
    assert len(table.rows) == 3
    assert table.footer_total == total
    assert table.skipped == [(5, "blank"), (6, "footer")]


def test_footer_in_a_later_cell_and_notes_under_it():
    data = xlsx_bytes(
        [
            ["序号", "学号", "姓名"],
            [1, "2021010001", "王小明"],
            [2, "2021010002", "李晓红"],
            [None, "合计", "2人"],
            ["制表人：张三", None, "审核人：李四"],
        ]
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert numbers(table) == ["2021010001", "2021010002"]
    assert table.footer_total == 2
    assert table.skipped == [(4, "footer"), (5, "footer")]


def test_full_width_merged_row_below_the_data_is_a_footer():
    data = xlsx_bytes(
        [
            ["学号", "姓名", "学院"],
            ["2021010001", "王小明", "法学院"],
            ["注：本表由教务处导出，如有疑问请联系教务处。", None, None],
        ],
        merges=("A3:C3",),
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert len(table.rows) == 1
    assert table.skipped == [(3, "footer")]
    assert table.footer_total is None


def test_data_after_a_footer_is_still_data():
    lines = ["学号,姓名", "2021010001,甲", "合计 1 人,", "2021010002,乙", "合计 2 人,"]
    table = read_table(csv_bytes(lines), "x.csv", FIELDS, REQUIRED)
    assert numbers(table) == ["2021010001", "2021010002"]
    assert table.footer_total == 1  # the first footer's count


def test_names_starting_like_a_footer_are_data():
    lines = ["姓名,学号", "共青,2021010001", "Totally Real,2021010002"]
    table = read_table(csv_bytes(lines), "x.csv", FIELDS, REQUIRED)
    assert [row.values["name"] for row in table.rows] == ["共青", "Totally Real"]
    assert table.skipped == []


def test_repeated_header_rows_are_skipped():
    lines = ["学号,姓名", "2021010001,甲", "学号,姓名", "2021010002,乙", " 学号 ,姓名 "]
    table = read_table(csv_bytes(lines), "x.csv", FIELDS, REQUIRED)
    assert numbers(table) == ["2021010001", "2021010002"]
    assert table.skipped == [(3, "repeated header"), (5, "repeated header")]


def test_columns_right_of_the_table_do_not_make_rows():
    data = xlsx_bytes([["学号", "姓名", None, None], [None, None, None, "说明：…"]])
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert table.rows == []
    assert table.skipped == [(2, "blank")]


# --------------------------------------------------------------------------------------------------
# Cell values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (2021010001, "2021010001"),
        (2021010001.0, "2021010001"),
        (-3.0, "-3"),
        (35.8, "35.8"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (2.0**53 - 1, "9007199254740991"),
        (True, "TRUE"),
        (dt.datetime(2026, 6, 1), "2026-06-01"),
        (dt.datetime(2026, 6, 1, 9, 30), "2026-06-01 09:30:00"),
        (dt.date(2026, 6, 1), "2026-06-01"),
        ("２０２１０１０００１", "2021010001"),
        (" 2021010011 ", "2021010011"),
        ("'0210123456", "0210123456"),
        ('="0210123456"', "0210123456"),
        ("\ufeff王小明\u200b", "王小明"),
        ("\xa0王小明\u3000", "王小明"),
        ("IVAN SOKOLOV", "IVAN SOKOLOV"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("1E5", "1E5"),  # a room number, not Excel's notation (which always has a sign)
    ],
)
def test_clean_value(value, expected):
    assert clean_value(value) == (expected, None)


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [
        (9.900012345678901e18, "9900012345678901000", PRECISION_LOST),
        (2.0**53, "9007199254740992", PRECISION_LOST),
        ("9.90001E+18", "9.90001E+18", E_NOTATION),
        ("９．９０００１Ｅ＋１８", "9.90001E+18", E_NOTATION),
        ("1.2e-05", "1.2e-05", E_NOTATION),
    ],
)
def test_clean_value_flags_numbers_that_lost_digits(value, expected, problem):
    assert clean_value(value) == (expected, problem)


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [
        ("0000000000", "0210123456"),
        ("000000000000_ ", "000210123456"),
        ("0", "210123456"),
        ("0.00", "210123456"),
    ],
)
def test_zero_mask_number_format_pads(number_format, expected):
    assert clean_value(210123456, number_format) == (expected, None)
    assert clean_value(210123456.0, number_format) == (expected, None)


def test_clean_text_keeps_inner_spaces():
    assert clean_text("  OLGA  KWAME KHAN \r\n") == "OLGA  KWAME KHAN"


def test_numeric_cells_in_a_workbook():
    data = xlsx_bytes(
        [
            ["学号", "姓名", "校园卡号", "入学日期"],
            [2021010001, "甲", 1732697, dt.datetime(2021, 9, 1)],
            [210123456, "乙", 9.900012345678901e18, None],
            ["2021010003 ", "丙", "'0666599", None],
            ["２０２１０１０００４", "丁", "9.90001E+18", None],
        ],
        formats={"A3": "0000000000"},
    )
    table = read_table(data, "x.xlsx", FIELDS, REQUIRED)
    assert numbers(table) == ["2021010001", "0210123456", "2021010003", "2021010004"]
    assert table.rows[0].extra == {"入学日期": "2021-09-01"}
    assert table.rows[0].values["card_no"] == "1732697"
    assert table.rows[2].values["card_no"] == "0666599"
    assert [(row.number, row.problems) for row in table.rows if row.problems] == [
        (3, [("card_no", PRECISION_LOST)]),
        (5, [("card_no", E_NOTATION)]),
    ]


def test_problems_in_csv_cells():
    data = csv_bytes(["学号,姓名", "9.90001E+18,甲", "2021010002,乙"])
    table = read_table(data, "x.csv", FIELDS, REQUIRED)
    assert table.rows[0].problems == [("student_no", E_NOTATION)]
    assert table.rows[1].problems == []


# --------------------------------------------------------------------------------------------------
# Encodings and delimiters

NAMES = ["阿卜杜·热合曼", "陈堃", "赵喆", "IVAN SOKOLOV"]


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-8", b"", "utf-8"),
        ("gb18030", b"", "gb18030"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
    ],
)
def test_encodings(codec, bom, expected):
    lines = ["学号,姓名"] + [f"202101000{n},{name}" for n, name in enumerate(NAMES)]
    table = read_table(bom + csv_bytes(lines, codec), "x.csv", FIELDS, REQUIRED)
    assert table.encoding == expected
    assert table.headers == ["学号", "姓名"]
    assert [row.values["name"] for row in table.rows] == NAMES


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiters(delimiter):
    lines = ["学号,姓名,学院", "2021010001,王小明,计算机学院", "2021010002,李晓红,外国语学院"]
    table = read_table(csv_bytes(lines, "gb18030", delimiter), "x.txt", FIELDS, REQUIRED)
    assert table.delimiter == delimiter
    assert table.rows[1].values == {"student_no": "2021010002", "name": "李晓红", "college": "外国语学院"}


def test_delimiter_chosen_by_the_header_not_the_title():
    lines = ["名单;2026;届", "学号\t姓名\t备注", "2021010001\t王小明\ta,b;c"]
    table = read_table(csv_bytes(lines, delimiter=","), "x.txt", FIELDS, REQUIRED)
    assert table.delimiter == "\t"
    assert table.rows[0].extra == {"备注": "a,b;c"}


def test_line_endings_and_quoted_newlines():
    data = '学号,姓名,备注\r\n2021010001,王小明,"第一行\r\n第二行"\r\n2021010002,李晓红,\n2021010003,何静怡,\r'
    table = read_table(data.encode(), "x.csv", FIELDS, REQUIRED)
    assert [row.number for row in table.rows] == [2, 4, 5]
    assert table.rows[0].extra["备注"] == "第一行\r\n第二行"
    assert [row.values["name"] for row in table.rows] == ["王小明", "李晓红", "何静怡"]


# --------------------------------------------------------------------------------------------------
# Files that are not tables


def test_damaged_or_fake_xls_is_refused():
    with pytest.raises(TableError, match=r"save it as \.xlsx or CSV"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "名单.xls", FIELDS, REQUIRED)
    with pytest.raises(TableError, match=r"save it as \.xlsx or CSV"):
        read_table(b"<html><table></table></html>", "export.xls", FIELDS, REQUIRED)


def xls_bytes(build):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    build(book.add_sheet("名单"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_old_excel_xls_with_title_merged_cells_numbers_and_masks():
    """Many offices still export .xls (Excel 97-2003): title row, merged college cells, numeric ids."""
    import xlwt

    def build(ws):
        ws.write_merge(0, 0, 0, 3, "2026届黑名单（财务处导出）")
        for c, label in enumerate(["学号", "姓名", "学院", "欠款(元)"]):
            ws.write(1, c, label)
        ws.write(2, 0, "2022010003")
        ws.write(2, 1, "郑杰强")
        ws.write_merge(2, 3, 2, 2, "化工学院")
        ws.write(2, 3, 35.8)
        ws.write(3, 0, 2022010008)  # a numeric cell: never '2022010008.0'
        ws.write(3, 1, "熊萍")
        ws.write(3, 3, 12)
        masked = xlwt.XFStyle()
        masked.num_format_str = "0000000000"
        ws.write(4, 0, 210123456, masked)  # shown with its leading zero
        ws.write(4, 1, "张晨曦")
        ws.write(5, 0, "合计：3人")

    table = read_table(xls_bytes(build), "黑名单.xls", FIELDS | {"college": ["学院"], "amount": ["欠款(元)"]}, REQUIRED)
    assert table.encoding == "xls" and table.header_row == 2 and table.footer_total == 3
    assert numbers(table) == ["2022010003", "2022010008", "0210123456"]
    assert [r.values["college"] for r in table.rows[:2]] == ["化工学院", "化工学院"]
    assert [r.values["amount"] for r in table.rows[:2]] == ["35.8", "12"]


def test_xlsx_saved_with_xls_extension_is_read():
    data = xlsx_bytes([["学号", "姓名"], ["2021010001", "王小明"]])
    assert numbers(read_table(data, "名单.xls", FIELDS, REQUIRED)) == ["2021010001"]


@pytest.mark.parametrize("data", [b"PK\x03\x04not really a zip", b"plain text"])
def test_broken_xlsx_is_refused(data):
    with pytest.raises(TableError, match=r"x\.xlsx"):
        read_table(data, "x.xlsx", FIELDS, REQUIRED)


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n"])
def test_empty_file_is_refused(data):
    with pytest.raises(TableError, match="empty"):
        read_table(data, "x.csv", FIELDS, REQUIRED)


def test_table_error_attributes():
    error = TableError("bad", row=3, column="学号")
    assert (error.message, error.row, error.column, str(error)) == ("bad", 3, "学号", "bad")

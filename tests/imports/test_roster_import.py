"""Roster preview and apply, directly: small files built here and the awkward field samples."""

from decimal import Decimal

import pytest
from samplefiles import csv_bytes, make_campaign, xlsx_bytes

from lixiao.clearance.models import Case, Task
from lixiao.clearance.services import launch_campaign
from lixiao.directory.models import Card, Category, College, Staff, Student
from lixiao.imports.common import ImportRefused
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.rosters import apply_roster, preview_roster
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db


def counts():
    return (
        Student.objects.count(),
        Card.objects.count(),
        College.objects.count(),
        Staff.objects.count(),
        Case.objects.count(),
    )


def issues(preview, kind="errors"):
    return {(i.filename, i.row, i.column) for i in getattr(preview, kind)}


def test_bad_file_names_file_row_and_column_and_applies_nothing(campaign):
    data = csv_bytes(
        "学号,姓名,学院,校区,一卡通号",
        "2026000001,张三,化工学院,主校区,0012345",
        ",李四,化工学院,主校区,0012346",
        "2026000003.0,王五,化工学院,主校区,0012347",
        "2026000004,赵六,化工学院,火星校区,0012348",
        "2026000005,钱七,化工学院,主校区,0012345",
    )
    before = counts()
    preview = preview_roster(data=data, filename="bad.csv", campaign=campaign)
    assert issues(preview) == {
        ("bad.csv", 3, "学号"),  # missing
        ("bad.csv", 4, "学号"),  # '…0.0' typed as text is not a student number
        ("bad.csv", 5, "校区"),  # unknown campus
        ("bad.csv", 6, "一卡通号"),  # the card of row 2
    }
    assert "2026000003.0" in next(i.message for i in preview.errors if i.row == 4)
    with pytest.raises(ImportRefused) as refused:
        apply_roster(preview=preview, campaign=campaign, actor=None)
    assert len(refused.value.errors) == 4
    assert counts() == before


def test_numbers_from_float_cells_are_stored_as_text(campaign):
    data = xlsx_bytes(
        [
            ["学号", "姓名", "一卡通号", "手机号"],
            [2021010001.0, "王小明", "0012345", 13800000000],
            [2021010002, "李晓红", 12346, 13800000001.0],
        ]
    )
    preview = preview_roster(data=data, filename="numbers.xlsx", campaign=campaign)
    assert preview.ok, preview.errors
    apply_roster(preview=preview, campaign=campaign, actor=None)
    assert sorted(Student.objects.values_list("student_no", "phone")) == [
        ("2021010001", "13800000000"),
        ("2021010002", "13800000001"),
    ]
    assert set(Card.objects.values_list("number", flat=True)) == {"0012345", "12346"}
    assert not Student.objects.filter(student_no__contains=".").exists()


def test_registrar_roster_defaults_to_undergraduates_on_the_main_campus(campaign):
    data = csv_bytes(
        "学号,姓名,性别,学院,专业,班级,手机号", "2026000001,张三,男,化工学院,化学工程,化工2201,13900000000"
    )
    preview = preview_roster(data=data, filename="ug.csv", campaign=campaign)
    assert preview.ok
    assert preview.breakdown == [("本科", "主校区", 1)]
    assert preview.new_colleges == ["化工学院"]
    summary = apply_roster(preview=preview, campaign=campaign, actor=None)
    assert summary["students_created"] == 1 and summary["cases_added"] == 1 and summary["colleges_created"] == 1
    s = Student.objects.select_related("category", "campus", "college").get()
    assert (s.category.code, s.campus.code, s.college.name, s.college.code) == ("UG", "M", "化工学院", "化工学院")
    assert (s.gender, s.major, s.class_name, s.phone) == ("男", "化学工程", "化工2201", "13900000000")
    assert Case.objects.get().student == s


def test_graduate_categories_and_advisors(campaign):
    data = csv_bytes(
        "学号,姓名,培养层次,证书类型,学院,导师工号,导师姓名,校区",
        "31230000001,甲,硕士,双证,化工学院,T1,导师一,主校区",
        "31230000002,乙,硕士,单证,化工学院,T1,导师一,开发区校区",
        "11230000003,丙,博士,双证,化工学院,T2,导师二,主校区",
        "31230000004,丁,硕士,,化工学院,T2,导师二,主校区",
    )
    preview = preview_roster(data=data, filename="grad.csv", campaign=campaign)
    assert issues(preview) == {("grad.csv", 5, "证书类型")}
    assert preview.new_advisors == [("T1", "导师一"), ("T2", "导师二")]
    good = csv_bytes(*data.decode().splitlines()[:4])
    preview = preview_roster(data=good, filename="grad.csv", campaign=campaign)
    apply_roster(preview=preview, campaign=campaign, actor=None)
    got = {s.student_no: (s.category.code, s.campus.code, s.advisor.staff_no) for s in Student.objects.all()}
    assert got == {
        "31230000001": ("MD", "M", "T1"),
        "31230000002": ("MS", "D", "T1"),
        "11230000003": ("PHD", "M", "T2"),
    }
    assert dict(Staff.objects.values_list("staff_no", "name")) == {"T1": "导师一", "T2": "导师二"}


def test_international_file_is_recognised_by_its_columns(campaign):
    data = csv_bytes(
        "学号,英文姓名,中文姓名,国籍,学历层次,学院,校区",
        "LXB20220001,IVAN SOKOLOV,,俄罗斯,本科,外国语学院,",
        "LXM20220002,AISHA KHAN,阿伊莎,巴基斯坦,硕士,外国语学院,",
        "LXD20220003,OLGA PETROVA,,俄罗斯,博士,外国语学院,开发区校区",
    )
    preview = preview_roster(data=data, filename="intl.csv", campaign=campaign)
    # 开发区校区 does not serve international students (Table 1)
    assert issues(preview) == {("intl.csv", 4, "校区")}
    assert [r.category_id for r in preview.records] == list(
        Category.objects.filter(code__in=["INT_UG", "INT_MA"]).order_by("sort").values_list("id", flat=True)
    )
    assert preview.records[1].text["name_latin"] == "AISHA KHAN"


def test_category_outside_the_campaign_is_an_error(reference):
    only_ug = make_campaign("ug-only", "UG")
    data = csv_bytes("学号,姓名,类别", "2026000001,甲,本科", "2026000002,乙,双证硕士")
    preview = preview_roster(data=data, filename="mixed.csv", campaign=only_ug)
    assert issues(preview) == {("mixed.csv", 3, "类别")}


def test_reimport_changes_nothing_and_a_changed_row_is_shown_field_by_field(campaign):
    lines = [
        "学号,姓名,学院,手机号,一卡通号",
        "2026000001,张三,化工学院,13900000000,0000001",
        "2026000002,李四,化工学院,,0000002",
    ]
    first = preview_roster(data=csv_bytes(*lines), filename="r.csv", campaign=campaign)
    apply_roster(preview=first, campaign=campaign, actor=None)

    again = preview_roster(data=csv_bytes(*lines), filename="r.csv", campaign=campaign)
    assert (len(again.new_students), len(again.changes), again.unchanged, again.new_cases, again.new_cards) == (
        0,
        0,
        2,
        0,
        0,
    )
    summary = apply_roster(preview=again, campaign=campaign, actor=None)
    assert (summary["students_created"], summary["students_updated"], summary["cases_added"]) == (0, 0, 0)

    lines[2] = "2026000002,李四,软件学院,13700000000,0000009"
    changed = preview_roster(data=csv_bytes(*lines), filename="r.csv", campaign=campaign)
    assert [(c.student_no, c.fields) for c in changed.changes] == [
        ("2026000002", [("phone", "", "13700000000"), ("college", "化工学院", "软件学院")])
    ]
    assert changed.new_cards == 1
    summary = apply_roster(preview=changed, campaign=campaign, actor=None)
    assert summary["students_updated"] == 1 and summary["cases_updated"] == 1
    s = Student.objects.get(student_no="2026000002")
    assert (s.phone, s.college.name) == ("13700000000", "软件学院")
    assert sorted(s.cards.values_list("number", flat=True)) == ["0000002", "0000009"]  # the new card is added
    assert Case.objects.get(student=s).college == s.college


def test_card_of_another_student_is_an_error_at_preview(campaign, make_student):
    other = make_student(card="0099999")
    data = csv_bytes("学号,姓名,一卡通号", "2025990001,张三,0099999")
    preview = preview_roster(data=data, filename="cards.csv", campaign=campaign)
    assert issues(preview) == {("cards.csv", 2, "一卡通号")}
    assert other.student_no in preview.errors[0].message


def test_duplicate_student_numbers(campaign):
    data = csv_bytes("学号,姓名", "2026000001,张三", "2026000001,张三", "2026000002,李四", "2026000002,李斯")
    preview = preview_roster(data=data, filename="dup.csv", campaign=campaign)
    # no category or 校区 column (the header row); an exact repeat: ignored
    assert issues(preview, "warnings") == {("dup.csv", 1, ""), ("dup.csv", 3, "学号")}
    assert issues(preview) == {("dup.csv", 5, "学号")}  # the same number with other details: which is right?


def test_footer_total_that_does_not_match_is_a_warning(campaign):
    data = csv_bytes("学号,姓名", "2026000001,张三", "2026000002,李四", "合计：3人")
    preview = preview_roster(data=data, filename="footer.csv", campaign=campaign)
    assert preview.ok and preview.rows_read == 2
    assert [(w.row, "3" in w.message) for w in preview.warnings if w.row != 1] == [(4, True)]


def test_unreadable_file_is_one_error(campaign):
    preview = preview_roster(data=b"name,phone\nx,1\n", filename="nohead.csv", campaign=campaign)
    assert len(preview.errors) == 1 and preview.errors[0].filename == "nohead.csv"
    assert "学号" in preview.errors[0].column + preview.errors[0].message


# --- the field samples ----------------------------------------------------------------------------------


def test_gbk_csv_without_bom(campaign, samples):
    path = samples / "field" / "roster_gbk_no_bom.csv"
    preview = preview_roster(data=path.read_bytes(), filename=path.name, campaign=campaign)
    assert preview.header["encoding"] == "gb18030"
    assert preview.header["headers"] == ["学号", "姓名", "学院", "类别"]
    # 硕士 alone does not say 双证 or 单证: the file has no 证书类型 column, which the preview says once
    assert issues(preview) == set()
    assert any("证书类型" in w.message for w in preview.warnings)
    apply_roster(preview=preview, campaign=campaign, actor=None)
    names = dict(Student.objects.values_list("student_no", "name"))
    assert len(names) == 7  # every name, exactly
    assert names["2021010003"] == "阿卜杜·热合曼"
    assert names["2021010004"] == "陈堃" and names["2021010005"] == "赵喆"
    assert Student.objects.get(student_no="S2023020011").category.code == "MD"
    assert Student.objects.get(student_no="B2020030007").category.code == "PHD"


def test_ids_stored_as_numbers(campaign, samples):
    path = samples / "field" / "roster_ids_as_numbers.xlsx"
    preview = preview_roster(data=path.read_bytes(), filename=path.name, campaign=campaign)
    # the two card numbers that Excel already rounded are refused, by row
    assert issues(preview) == {(path.name, 2, "校园卡号"), (path.name, 4, "校园卡号")}
    assert [(r.student_no, r.card) for r in preview.records] == [
        ("0210123456", "9900012345678905678"),
        ("2021010011", "9900012345678900011"),
        ("2021010000", ""),
    ]


def test_merged_title_and_footer(campaign, samples):
    path = samples / "field" / "roster_merged_title_footer.xlsx"
    preview = preview_roster(data=path.read_bytes(), filename=path.name, campaign=campaign)
    assert preview.ok and [(w.row, "主校区" in w.message) for w in preview.warnings] == [(4, True)]  # no 校区 column
    assert preview.footer_total == 5 and len(preview.records) == 5
    apply_roster(preview=preview, campaign=campaign, actor=None)
    assert Student.objects.get(student_no="2021010013").college.name == "法学院"  # the merged cell, filled down
    assert Student.objects.filter(category__code="UG").count() == 5


def test_utf16_tab_separated_text(campaign, samples):
    path = samples / "field" / "roster_excel_unicode_text.txt"
    preview = preview_roster(data=path.read_bytes(), filename=path.name, campaign=campaign)
    assert preview.ok
    assert (preview.header["encoding"], preview.header["delimiter"]) == ("utf-16", "TAB")
    assert [r.student_no for r in preview.records] == ["2021010001", "2021010009"]


def test_a_list_imported_before_the_roster_blocks_its_students(campaign):
    fees = Item.objects.get(code="cw-fees")
    data = csv_bytes("学号,欠费金额", "2026000001,100")
    listed = preview_list(data=data, filename="f.csv", campaign=campaign, item=fees)
    apply_list_import(preview=listed, campaign=campaign, item=fees, actor=None)
    data = csv_bytes("学号,姓名,类别,校区", "2026000001,张三,本科,主校区")
    preview = preview_roster(data=data, filename="r.csv", campaign=campaign)
    assert preview.ok and not preview.warnings
    apply_roster(preview=preview, campaign=campaign, actor=None)
    launch_campaign(campaign=campaign, actor=None)
    task = Task.objects.get(case__student__student_no="2026000001", item=fees)
    assert (task.state, task.amount) == ("blocked", Decimal("100.00"))

"""The seed's university as configuration: Tables 1 and 2 exactly, every department row with items."""

import filecmp

import pytest

from lixiao.clearance.models import Task
from lixiao.directory.models import CampusCategory, Department
from lixiao.rules.models import Item
from lixiao.rules.reference import REFERENCE_DIR, column_pairs, load_reference, read_table1, read_table2
from tests.conftest import SEED

TABLE2 = read_table2(REFERENCE_DIR / "table2_departments_by_category.csv")
COLUMNS = list(TABLE2[0][2])


def test_shipped_tables_are_the_seed_transcription():
    if not SEED.is_dir():
        pytest.skip("../shared/seed is not beside this checkout")
    for name in ("table1_campus_categories.csv", "table2_departments_by_category.csv"):
        assert filecmp.cmp(REFERENCE_DIR / name, SEED / name, shallow=False), name


def test_table1_served_pairs(reference):
    served = {
        (cc.campus.name, cc.category.code)
        for cc in CampusCategory.objects.filter(served=True).select_related("campus", "category")
    }
    table1 = read_table1(REFERENCE_DIR / "table1_campus_categories.csv")
    expected = {(campus, cat) for campus, row in table1.items() for cat, on in row.items() if on}
    assert served == expected
    assert len(served) == 11  # 7 on the main campus, 4 on the development-zone campus, none at Panjin


def test_every_department_row_has_items(reference):
    assert Department.objects.count() == 20
    for campus_name, dept_name, _cols in TABLE2:
        assert Item.objects.filter(department__campus__name=campus_name, department__name=dept_name).exists()


def test_loading_twice_changes_nothing(reference):
    before = (
        Item.objects.count(),
        Department.objects.count(),
        sum(i.scopes.count() for i in Item.objects.all()),
    )
    load_reference()
    after = (
        Item.objects.count(),
        Department.objects.count(),
        sum(i.scopes.count() for i in Item.objects.all()),
    )
    assert before == after


@pytest.mark.parametrize("column", COLUMNS)
def test_a_student_gets_exactly_the_departments_table2_marks(column, make_student, launch):
    """For each of the 11 campus/category columns: a launched student has tasks from exactly the marked rows."""
    campus_code, category = column_pairs(column)
    student = make_student(category=category, campus=campus_code)
    launch(student)
    got = set(
        Task.objects.filter(case__student=student).values_list(
            "item__department__campus__name", "item__department__name"
        )
    )
    expected = {(campus, dept) for campus, dept, cols in TABLE2 if cols[column]}
    assert got == expected

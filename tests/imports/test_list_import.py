"""Department list preview and apply, directly, on a small launched campaign."""

from decimal import Decimal

import pytest
from samplefiles import csv_bytes, xlsx_bytes

from lixiao.clearance import services
from lixiao.clearance.models import Channel, ListEntry, Task
from lixiao.imports.common import ImportRefused
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(campaign, make_student, launch):
    s1 = make_student(student_no="2022000001", name="魏天强")
    s2 = make_student(student_no="2022000002", name="杨欣明")
    s3 = make_student(student_no="2022000003", name="马一思", campus="D")
    launch(s1, s2, s3)
    return campaign, s1, s2, s3


def item(code):
    return Item.objects.get(code=code)


def task(student, code):
    return Task.objects.get(case__student=student, item__code=code)


def run(campaign, code, data, filename="list.csv", mode="replace"):
    preview = preview_list(data=data, filename=filename, campaign=campaign, item=item(code), mode=mode)
    return preview


LIBRARY_HEADER = ["读者证号", "读者姓名", "未还册数", "欠款(元)", "最早应还日期"]


def test_library_list_blocks_with_reason_amount_and_count(world):
    campaign, s1, s2, _s3 = world
    data = xlsx_bytes(
        [
            LIBRARY_HEADER,
            ["2022000001", "魏天强", 2, 35.8, "2026-05-17"],
            ["2022000002", "杨欣明", 1, 0, "2026-06-21"],
            ["2099000009", "路人", 1, 12, "2026-06-01"],
        ]
    )
    preview = run(campaign, "tsg-books", data, "library.xlsx")
    assert preview.ok, preview.errors
    assert (len(preview.added), len(preview.released), preview.unknown_students) == (3, 0, 1)
    assert [r.student_no for r in preview.not_on_roster] == ["2099000009"]
    assert preview.task_changes == {"done->blocked": 2}
    assert preview.records[0].reason == "未还图书 2 册，欠款 35.80 元，最早应还 2026-05-17"
    assert preview.records[1].reason == "未还图书 1 册，最早应还 2026-06-21"

    summary = apply_list_import(preview=preview, campaign=campaign, item=item("tsg-books"), actor=None)
    assert summary["entries_added"] == 3 and summary["tasks_changed"] == {"done->blocked": 2}
    entry = ListEntry.objects.get(student_no="2022000001")
    assert (entry.amount, entry.quantity, entry.student, entry.source) == (Decimal("35.80"), 2, s1, "library.xlsx")
    assert ListEntry.objects.get(student_no="2099000009").student is None  # kept, matched if they join later
    t = task(s1, "tsg-books")
    assert (t.state, t.reason, t.amount) == ("blocked", entry.reason, Decimal("35.80"))
    assert task(s2, "tsg-books").state == "blocked"

    again = run(campaign, "tsg-books", data, "library.xlsx")
    assert (len(again.added), len(again.changed), again.unchanged, again.task_changes) == (0, 0, 3, {})


def test_bad_list_names_rows_and_columns_and_applies_nothing(world):
    campaign, *_ = world
    data = csv_bytes(
        "学号,姓名,欠费项目,欠费金额",
        "2022000001,魏天强,学费,850.5",
        "2022000002,杨欣明,学费,八百",
        ",无名,学费,100",
        "2022000003.0,马一思,学费,100",
        "2022000003,马一思,学费,-5",
    )
    preview = run(campaign, "cw-fees", data, "fees.csv")
    assert {(i.filename, i.row, i.column) for i in preview.errors} == {
        ("fees.csv", 3, "欠费金额"),
        ("fees.csv", 4, "学号"),
        ("fees.csv", 5, "学号"),
        ("fees.csv", 6, "欠费金额"),
    }
    with pytest.raises(ImportRefused):
        apply_list_import(preview=preview, campaign=campaign, item=item("cw-fees"), actor=None)
    assert not ListEntry.objects.exists()
    assert set(Task.objects.filter(item__code="cw-fees").values_list("state", flat=True)) == {"done"}


def test_two_fees_of_one_student_become_one_entry(world):
    campaign, *_ = world
    data = csv_bytes("学号,姓名,欠费项目,欠费金额", "2022000001,魏天强,学费,850.5", "2022000001,魏天强,住宿费,1200")
    preview = run(campaign, "cw-fees", data)
    assert preview.ok and preview.duplicates == 1
    assert [(w.row, w.column) for w in preview.warnings] == [(3, "学号")]
    (record,) = preview.records
    assert (record.reason, record.amount) == ("欠费：学费 850.50 元；欠费：住宿费 1200.00 元", Decimal("2050.50"))


def test_replace_releases_and_append_does_not(world):
    campaign, s1, s2, _s3 = world
    fees = item("cw-fees")
    both = csv_bytes("学号,欠费金额", "2022000001,100", "2022000002,200")
    apply_list_import(preview=run(campaign, "cw-fees", both), campaign=campaign, item=fees, actor=None)
    only_s2 = csv_bytes("学号,欠费金额", "2022000002,250")

    appended = run(campaign, "cw-fees", only_s2, mode="append")
    assert (len(appended.released), len(appended.changed), appended.task_changes) == (0, 1, {"blocked->blocked": 1})

    replaced = run(campaign, "cw-fees", only_s2)
    assert [no for no, _name, _reason in replaced.released] == ["2022000001"]
    assert replaced.task_changes == {"blocked->done": 1, "blocked->blocked": 1}
    summary = apply_list_import(preview=replaced, campaign=campaign, item=fees, actor=None)
    assert summary["entries_released"] == 1 and summary["tasks_changed"] == replaced.task_changes
    assert task(s1, "cw-fees").state == "done"
    t2 = task(s2, "cw-fees")
    assert (t2.state, t2.amount) == ("blocked", Decimal("250.00"))
    assert ListEntry.objects.filter(student_no="2022000002").count() == 2  # the old entry is kept, released


def test_a_decision_made_at_a_counter_is_kept_and_predicted(world):
    campaign, s1, *_ = world
    services.task_block(task=task(s1, "tsg-books"), actor=None, channel=Channel.COUNTER, reason="损坏图书")
    data = csv_bytes("读者证号,未还册数", "2022000002,1")
    preview = run(campaign, "tsg-books", data)
    assert preview.kept_manual == 1
    summary = apply_list_import(preview=preview, campaign=campaign, item=item("tsg-books"), actor=None)
    assert summary["kept_manual"] == 1
    assert task(s1, "tsg-books").reason == "损坏图书"


def test_scope_list_reason_from_its_extra_columns(world):
    campaign, s1, *_ = world
    data = csv_bytes("学号,姓名,所在党支部,党员身份", "2022000001,魏天强,第45党支部,预备党员")
    preview = run(campaign, "zz-party", data)
    assert preview.records[0].reason == "第45党支部 预备党员"
    assert preview.task_changes == {"not_needed->pending": 1}
    apply_list_import(preview=preview, campaign=campaign, item=item("zz-party"), actor=None)
    assert task(s1, "zz-party").state == "pending"


def test_rows_for_a_campus_the_item_does_not_serve_are_left_out(world):
    campaign, *_ = world
    data = csv_bytes(
        "学号,姓名,校区,楼号,房间号",
        "2022000001,魏天强,主校区,4号楼,327",
        "2022000003,马一思,开发区校区,开发区2号楼,529",
    )
    main = run(campaign, "hq-dorm", data)
    assert [(r.student_no, r.reason) for r in main.records] == [("2022000001", "4号楼 327")]
    assert main.other_campus == 1 and any("开发区校区" in w.message for w in main.warnings)
    development = run(campaign, "dhq-dorm", data)
    assert [r.student_no for r in development.records] == ["2022000003"]


def test_an_item_not_cleared_by_a_list_is_refused(world):
    campaign, *_ = world
    preview = run(campaign, "jwc-cert", csv_bytes("学号", "2022000001"))
    assert len(preview.errors) == 1
    with pytest.raises(ImportRefused):
        apply_list_import(preview=preview, campaign=campaign, item=item("jwc-cert"), actor=None)


def test_a_list_saved_as_old_excel_xls_is_read(campaign):
    import io

    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    ws = book.add_sheet("欠费")
    for c, label in enumerate(["学号", "姓名", "欠费项目", "欠费金额"]):
        ws.write(0, c, label)
    ws.write(1, 0, 2026000001)
    ws.write(1, 1, "张三")
    ws.write(1, 2, "学费")
    ws.write(1, 3, 850.5)
    out = io.BytesIO()
    book.save(out)
    from lixiao.imports.lists import preview_list
    from lixiao.rules.models import Item

    preview = preview_list(
        data=out.getvalue(), filename="欠费.xls", campaign=campaign, item=Item.objects.get(code="cw-fees")
    )
    assert not preview.errors
    (record,) = preview.records
    assert (record.student_no, str(record.amount)) == ("2026000001", "850.50")

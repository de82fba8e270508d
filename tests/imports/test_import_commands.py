"""import_roster and import_list: preview printed, applied only without errors, errors as file:row:column."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from samplefiles import csv_bytes

from lixiao.clearance.models import Case, ListEntry
from lixiao.directory.models import Student
from lixiao.imports.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path):
    def write(name, *lines, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(*lines, encoding=encoding))
        return str(path)

    return write


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_import_roster_applies_several_files_and_again_changes_nothing(campaign, files):
    ug = files("ug.csv", "学号,姓名,学院", "2026100001,张三,化工学院", "2026100002,李四,化工学院")
    grad = files("grad.csv", "学号,姓名,培养层次,证书类型", "31230000001,王五,硕士,双证", encoding="gb18030")
    output = run("import_roster", "--campaign", "june-2026", ug, grad)
    assert "new_students: 2" in output and "new_students: 1" in output and "applied" in output
    assert sorted(Student.objects.values_list("category__code", flat=True)) == ["MD", "UG", "UG"]
    assert Case.objects.count() == 3
    assert ImportBatch.objects.filter(status="applied").count() == 2

    output = run("import_roster", "--campaign", "june-2026", ug, grad)
    assert "new_students: 0" in output and "changed_students: 0" in output
    assert Student.objects.count() == 3


def test_import_roster_dry_run_writes_nothing(campaign, files):
    ug = files("ug.csv", "学号,姓名", "2026100001,张三")
    output = run("import_roster", "--campaign", "june-2026", "--dry-run", ug)
    assert "new_students: 1" in output and "dry run" in output
    assert not Student.objects.exists() and not ImportBatch.objects.exists()


def test_import_roster_with_errors_applies_nothing(campaign, files):
    good = files("good.csv", "学号,姓名", "2026100001,张三")
    bad = files("bad.csv", "学号,姓名", "2026100002,李四", ",王五", "2026100004.0,赵六")
    with pytest.raises(CommandError) as refused:
        run("import_roster", "--campaign", "june-2026", good, bad)
    message = str(refused.value)
    assert "bad.csv:3:学号: " in message and "bad.csv:4:学号: " in message
    assert not Student.objects.exists()  # not even the good file


def test_import_list(campaign, files, make_student, launch):
    launch(make_student(student_no="2026100001"))
    fees = files("fees.csv", "学号,姓名,欠费项目,欠费金额", "2026100001,张三,学费,850.5", "2099000001,路人,学费,10")
    output = run("import_list", "--campaign", "june-2026", "--item", "cw-fees", "--dry-run", fees)
    assert "added: 2" in output and "not_on_roster: 1" in output and "tasks done->blocked: 1" in output
    assert not ListEntry.objects.exists()

    run("import_list", "--campaign", "june-2026", "--item", "cw-fees", fees)
    assert ListEntry.objects.filter(active=True).count() == 2
    more = files("more.csv", "学号,欠费金额", "2026100002,5")
    run("import_list", "--campaign", "june-2026", "--item", "cw-fees", "--mode", "append", more)
    assert ListEntry.objects.filter(active=True).count() == 3
    batch = ImportBatch.objects.filter(kind="list").first()
    assert (batch.mode, batch.item.code, batch.status) == ("append", "cw-fees", "applied")


def test_import_list_refusals(campaign, files):
    bad = files("bad.csv", "学号,欠费金额", "2026100001,abc")
    with pytest.raises(CommandError, match=r"bad\.csv:2:欠费金额: "):
        run("import_list", "--campaign", "june-2026", "--item", "cw-fees", bad)
    with pytest.raises(CommandError, match="no item"):
        run("import_list", "--campaign", "june-2026", "--item", "nope", bad)
    with pytest.raises(CommandError, match="no campaign"):
        run("import_list", "--campaign", "nope", "--item", "cw-fees", bad)
    assert not ListEntry.objects.exists()

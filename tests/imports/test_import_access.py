"""Rosters change only the students of the categories one's office manages; each sees only the imports they may."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from samplefiles import csv_bytes, upload

from lixiao.directory.models import Category, Student
from lixiao.imports.models import ImportBatch
from lixiao.imports.services import create_batch
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db

RENAME_PHD = csv_bytes("学号,姓名", "11230000009,改了名")  # the one-row CSV that renamed a PhD student
NEW_PHD = csv_bytes("学号,姓名,培养层次", "11230000001,王五,博士")
UG = csv_bytes("学号,姓名,学院", "2026100001,张三,化工学院")


@pytest.fixture
def phd(make_student):
    return make_student(category="PHD", student_no="11230000009", name="博士生")


def upload_roster(client, campaign, name, data):
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload(name, data)})
    return ImportBatch.objects.latest("pk")


def apply(client, batch):
    client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    batch.refresh_from_db()
    return batch


def error_places(batch):
    return [(e["filename"], e["row"], e["column"]) for e in batch.summary["preview"]["errors"]]


def test_the_undergraduate_office_cannot_rename_a_phd_student(campaign, users, client, phd):
    client.force_login(users["registrar"])
    batch = upload_roster(client, campaign, "rename.csv", RENAME_PHD)
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert error_places(batch) == [("rename.csv", 2, "学号")]
    assert "研究生院" in page.content.decode()  # who manages the student
    assert not page.context["can_apply"]

    assert apply(client, batch).status == ImportBatch.Status.FAILED
    phd.refresh_from_db()
    assert (phd.name, phd.category.code) == ("博士生", "PHD")
    assert not phd.cases.exists()


def test_the_undergraduate_office_cannot_create_a_phd_student(campaign, users, client):
    client.force_login(users["registrar"])
    batch = upload_roster(client, campaign, "new.csv", NEW_PHD)
    assert error_places(batch) == [("new.csv", 2, "培养层次")]
    assert apply(client, batch).status == ImportBatch.Status.FAILED
    assert not Student.objects.filter(student_no="11230000001").exists()


def test_the_graduate_school_cannot_import_undergraduates(campaign, users, client):
    """A file without a category column is taken as 本科: not the graduate school's to import."""
    client.force_login(users["gradschool"])
    batch = upload_roster(client, campaign, "ug.csv", UG)
    assert error_places(batch) == [("ug.csv", 2, "学号")]
    assert not Student.objects.filter(student_no="2026100001").exists()


def test_the_graduate_school_and_a_superuser_may_change_phd_students(campaign, users, client, phd):
    client.force_login(users["gradschool"])
    batch = upload_roster(client, campaign, "phd.csv", csv_bytes("学号,姓名,培养层次", "11230000009,新名字,博士"))
    assert apply(client, batch).status == ImportBatch.Status.APPLIED
    phd.refresh_from_db()
    assert phd.name == "新名字"

    client.force_login(users["admin"])
    batch = upload_roster(client, campaign, "rename.csv", RENAME_PHD)
    assert apply(client, batch).status == ImportBatch.Status.APPLIED
    phd.refresh_from_db()
    assert (phd.name, phd.category.code) == ("改了名", "UG")  # a superuser may (the preview says so)


def test_apply_checks_the_category_again(campaign, users, client, make_student):
    """Between preview and apply the student became a PhD student: the registrar's apply is refused."""
    student = make_student(student_no="2026100001", name="张三")
    client.force_login(users["registrar"])
    batch = upload_roster(client, campaign, "r.csv", csv_bytes("学号,姓名", "2026100001,张叁"))
    assert batch.status == ImportBatch.Status.PREVIEW and not error_places(batch)
    Student.objects.filter(pk=student.pk).update(category=Category.objects.get(code="PHD"))
    assert apply(client, batch).status == ImportBatch.Status.FAILED
    assert error_places(batch) == [("r.csv", 2, "学号")]
    student.refresh_from_db()
    assert student.name == "张三"


def test_the_command_line_imports_every_category(campaign, users, tmp_path, phd):
    path = tmp_path / "rename.csv"
    path.write_bytes(RENAME_PHD)
    call_command("import_roster", "--campaign", campaign.code, "--user", "registrar", str(path), stdout=StringIO())
    phd.refresh_from_db()
    assert phd.name == "改了名"
    batch = ImportBatch.objects.get()
    assert batch.created_by == users["registrar"]
    assert set(batch.categories.values_list("code", flat=True)) == {"UG", "PHD"}  # the new and the old category


# --- who sees which imports ----------------------------------------------------------------------------


@pytest.fixture
def batches(campaign, users):
    """filename -> batch, each uploaded by someone who may upload it."""

    def roster(name, data, by):
        return create_batch(
            kind=ImportBatch.Kind.ROSTER, campaign=campaign, filename=name, content=data, actor=users[by]
        )[0]

    def listed(name, code, by):
        data = csv_bytes("学号,欠款", "2026100001,5")
        item = Item.objects.get(code=code)
        return create_batch(
            kind=ImportBatch.Kind.LIST, campaign=campaign, item=item, filename=name, content=data, actor=users[by]
        )[0]

    made = [
        roster("ug.csv", UG, "registrar"),
        roster("phd.csv", NEW_PHD, "gradschool"),
        roster("phd-by-registrar.csv", NEW_PHD, "registrar"),  # refused, but about the graduate school's students
        roster("mixed.csv", csv_bytes("学号,姓名,类别", "2026100002,甲,本科", "11230000002,乙,博士"), "admin"),
        roster("intl.csv", csv_bytes("学号,英文姓名,学历层次", "LXB20260001,ANNA,本科"), "admin"),
        listed("books.csv", "tsg-books", "librarian"),
        listed("books-by-admin.csv", "tsg-books", "admin"),
        listed("fees.csv", "cw-fees", "finance"),
    ]
    return {batch.filename: batch for batch in made}


VISIBLE = {
    "admin": {"ug.csv", "phd.csv", "phd-by-registrar.csv", "mixed.csv", "intl.csv", "books.csv", "books-by-admin.csv",
              "fees.csv"},
    "registrar": {"ug.csv", "phd-by-registrar.csv", "mixed.csv"},
    "gradschool": {"phd.csv", "phd-by-registrar.csv", "mixed.csv"},
    "librarian": {"books.csv", "books-by-admin.csv"},
    "finance": {"fees.csv"},
    "leader": set(),
    "college": set(),
    "student": set(),
}  # fmt: skip


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_sees_and_opens_only_the_imports_they_may(role, batches, users, client):
    client.force_login(users[role])
    index = client.get(reverse("imports:index"))
    if index.status_code == 200:
        assert {b.filename for b in index.context["batches"]} == VISIBLE[role]
    else:
        assert index.status_code == 403 and not VISIBLE[role]
    opened = {
        name
        for name, batch in batches.items()
        if client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).status_code == 200
    }
    assert opened == VISIBLE[role]
    for name, batch in batches.items():
        if name not in VISIBLE[role]:
            for action in ("imports:apply", "imports:discard"):
                assert client.post(reverse(action, kwargs={"pk": batch.pk})).status_code == 404
    assert set(ImportBatch.objects.values_list("status", flat=True)) <= {"preview", "failed"}  # nothing applied

"""The June 2026 sample files end to end: the three rosters (7,615 students) are imported once for this module,
then the library and finance lists are previewed and applied on top, directly and through the web pages."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse
from samplefiles import ROSTERS, need_samples

from lixiao.clearance import services
from lixiao.clearance.models import Campaign, Case, ListEntry, Task
from lixiao.directory.models import Card, Category, College, Department, Membership, Staff, Student
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.models import ImportBatch
from lixiao.imports.rosters import apply_roster, preview_roster
from lixiao.rules.models import Item
from lixiao.rules.reference import load_reference

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("UG", "M"): 3400,
    ("UG", "D"): 780,
    ("MD", "M"): 2100,
    ("MD", "D"): 240,
    ("MS", "M"): 260,
    ("MS", "D"): 60,
    ("PHD", "M"): 420,
    ("PHD", "D"): 25,
    ("INT_UG", "M"): 110,
    ("INT_MA", "M"): 150,
    ("INT_PHD", "M"): 70,
}


@pytest.fixture(scope="module")
def june(django_db_setup, django_db_blocker):
    """The three rosters imported and the campaign launched, once; rolled back when the module ends."""
    samples = need_samples()
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        campaign = Campaign.objects.create(code="june-2026", name="2026 June")
        campaign.categories.set(Category.objects.all())
        previews, results = {}, {}
        for name in ROSTERS:
            previews[name] = preview_roster(data=(samples / name).read_bytes(), filename=name, campaign=campaign)
            results[name] = apply_roster(preview=previews[name], campaign=campaign, actor=None)
        launched = services.launch_campaign(campaign=campaign, actor=None)
        yield SimpleNamespace(campaign=campaign, samples=samples, previews=previews, results=results, launched=launched)
        transaction.set_rollback(True)


def test_three_rosters_give_every_student_in_the_right_category_and_campus(june):
    got = {}
    for category, campus in Student.objects.values_list("category__code", "campus__code"):
        got[(category, campus)] = got.get((category, campus), 0) + 1
    assert got == EXPECTED
    assert sum(EXPECTED.values()) == Student.objects.count() == Case.objects.count() == 7615
    assert [june.results[name]["students_created"] for name in ROSTERS] == [4180, 3105, 330]
    assert june.previews["roster_undergraduate_2026.xlsx"].breakdown == [
        ("本科", "主校区", 3400),
        ("本科", "开发区校区", 780),
    ]
    assert june.launched.unserved_cases == 0


def test_colleges_advisors_and_cards(june):
    assert College.objects.count() == 16
    assert not Student.objects.filter(college__isnull=True).exists()
    graduate = Student.objects.filter(category__code__in=["MD", "MS", "PHD"])
    assert not graduate.filter(advisor__isnull=True).exists()
    assert Staff.objects.count() == 419  # 418 from the graduate school, one more only in the international file
    s = Student.objects.select_related("advisor", "college").get(student_no="31236800001")
    assert (s.name, s.advisor.staff_no, s.advisor.name, s.college.name) == ("黎霞洋", "T90513", "苏宇杰", "外国语学院")
    assert s.email == "s31236800001@mail.example.edu.cn"
    intl = Student.objects.get(student_no="LXB20220001")
    assert (intl.name_latin, intl.nationality, intl.name) == ("IVAN SOKOLOV", "俄罗斯", "")
    assert Card.objects.count() == 7615
    assert Card.objects.get(number="0666599").student.student_no == "2022010003"  # leading zero kept
    # one staff number with two names in the graduate file: a warning naming it, not a refusal
    (warning,) = june.previews["roster_graduate_2026.xlsx"].warnings
    assert "T94964" in warning.message and warning.column == "导师姓名"


def test_importing_again_changes_nothing(june):
    tasks = Task.objects.count()
    for name in ROSTERS:
        preview = preview_roster(data=(june.samples / name).read_bytes(), filename=name, campaign=june.campaign)
        assert preview.ok
        assert (len(preview.new_students), len(preview.changes), preview.new_cases, preview.new_cards) == (0, 0, 0, 0)
        assert (preview.new_colleges, preview.new_advisors, preview.renamed_advisors) == ([], [], [])
        assert preview.unchanged == preview.rows_read
        result = apply_roster(preview=preview, campaign=june.campaign, actor=None)
        assert result["students_created"] == result["students_updated"] == result["cases_added"] == 0
    assert services.launch_campaign(campaign=june.campaign, actor=None).tasks_created == 0
    assert Task.objects.count() == tasks


def test_library_overdue_list(june):
    item = Item.objects.get(code="tsg-books")
    data = (june.samples / "library_overdue.xlsx").read_bytes()
    preview = preview_list(data=data, filename="library_overdue.xlsx", campaign=june.campaign, item=item)
    assert preview.ok and not preview.not_on_roster
    assert (preview.rows_read, len(preview.added)) == (260, 260)
    assert preview.task_changes == {"done->blocked": 260}
    result = apply_list_import(preview=preview, campaign=june.campaign, item=item, actor=None)
    assert result["entries_added"] == 260
    entries = ListEntry.objects.filter(campaign=june.campaign, item=item, active=True)
    assert entries.count() == 260
    assert not entries.filter(quantity__isnull=True).exists() and not entries.filter(amount__isnull=True).exists()
    first = entries.get(student_no="31231001486")
    assert (first.reason, first.amount, first.quantity) == (
        "未还图书 2 册，欠款 35.80 元，最早应还 2026-05-17",
        Decimal("35.80"),
        2,
    )
    blocked = Task.objects.filter(campaign=june.campaign, item=item, state="blocked")
    assert blocked.count() == 260
    assert blocked.get(case__student__student_no="31231001486").amount == Decimal("35.80")


def test_finance_arrears_list(june):
    item = Item.objects.get(code="cw-fees")
    data = (june.samples / "finance_arrears.csv").read_bytes()
    preview = preview_list(data=data, filename="finance_arrears.csv", campaign=june.campaign, item=item)
    assert preview.ok and preview.header["encoding"] == "utf-8-sig"
    assert len(preview.added) == 180
    # an international undergraduate is on the list, but 财务处 has no task for that category (Table 2)
    assert [r.student_no for r in preview.without_task] == ["LXB20220078"]
    assert preview.task_changes == {"done->blocked": 179}
    apply_list_import(preview=preview, campaign=june.campaign, item=item, actor=None)
    entry = ListEntry.objects.get(item=item, student_no="31237600971")
    assert (entry.reason, entry.amount) == ("欠费：学费 850.50 元", Decimal("850.50"))
    assert ListEntry.objects.filter(item=item, active=True).count() == 180


def test_librarian_uploads_previews_and_applies_the_library_list(june, client, django_user_model):
    librarian = django_user_model.objects.create(username="librarian")
    Membership.objects.create(user=librarian, department=Department.objects.get(code="m-tsg"))
    client.force_login(librarian)
    item = Item.objects.get(code="tsg-books")
    path = june.samples / "library_overdue.xlsx"
    with path.open("rb") as fh:
        response = client.post(
            reverse("imports:list_upload"),
            {"campaign": june.campaign.pk, "item": item.pk, "mode": "replace", "file": fh},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:preview", kwargs={"pk": batch.pk})
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "读者证号" in html and "最早应还日期" in html  # the decoded header
    assert page.context["counts"][2][1] == 260  # entries to add
    assert 'action="{}"'.format(reverse("imports:apply", kwargs={"pk": batch.pk})) in html
    assert not ListEntry.objects.exists()  # a preview writes nothing

    response = client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.summary["applied"]["entries_added"] == 260
    assert ListEntry.objects.filter(active=True, item=item).count() == 260
    assert Task.objects.filter(item=item, state="blocked").count() == 260
    # a second click on Apply applies nothing twice
    client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    assert ListEntry.objects.filter(item=item).count() == 260

"""The student's page: every item with state, who handles it, where and when, what is left, the certificate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lixiao.clearance.models import AuditEvent, Channel, Submission
from lixiao.clearance.services import ListRow, apply_list, task_clear
from lixiao.rules.models import Item
from tests.conftest import task_of


@pytest.fixture
def student_client(client, make_student, launch, campaign, make_user):
    s = make_student(category="UG")
    apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="未还图书 2 册，欠款 35.80 元")],
    )
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    return client, s


def test_student_sees_items_reasons_places_and_what_is_left(student_client):
    client, s = student_client
    r = client.get(reverse("portal:home"))
    assert r.status_code == 200
    page = r.text
    assert s.student_no in page
    assert "图书归还与欠款清缴" in page and "未还图书 2 册，欠款 35.80 元" in page
    assert "主校区 图书馆 1 楼总服务台" in page  # where
    assert "8:00-21:00" in page  # when
    assert 'data-item="tsg-books" data-state="blocked"' in page
    assert 'data-item="hq-dorm" data-state="not_needed"' in page
    assert "领取毕业证书和学位证书" in page


def test_page_reflects_a_counter_clear_at_once(student_client):
    client, s = student_client
    task_clear(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER)
    assert 'data-item="tsg-books" data-state="done"' in client.get(reverse("portal:home")).text


ARCHIVE = {"destination": "就业单位", "unit": "大连某公司", "address": "大连市高新园区 1 号", "phone": "13800138000"}


def test_master_fills_in_the_archive_form_online(client, make_student, launch, make_user):
    s = make_student(category="MD")
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    t = task_of(s, "da-archive")
    url = reverse("portal:fill", kwargs={"task_id": t.pk})
    page = client.get(url).text
    assert "档案去向" in page and "联系电话" in page
    r = client.post(url, ARCHIVE | {"phone": "not a phone"})
    assert r.status_code == 200 and "13800138000" in r.text  # the form comes back with the error
    assert not Submission.objects.exists()
    r = client.post(url, ARCHIVE, follow=True)
    assert r.status_code == 200
    assert task_of(s, "da-archive").state == "pending"  # reviewed by the archives
    assert Submission.objects.get(task=t).data["unit"] == "大连某公司"
    assert AuditEvent.objects.get(task=t, action="submit").channel == "portal"
    client.post(url, ARCHIVE)  # a double submit
    assert Submission.objects.filter(task=t).count() == 1
    # A counter item cannot be filled in by the student.
    other = task_of(s, "wx-account")
    assert client.post(reverse("portal:fill", kwargs={"task_id": other.pk}), ARCHIVE).status_code == 404
    assert task_of(s, "wx-account").state == "pending"


def test_student_cannot_touch_another_students_task(client, make_student, launch, make_user):
    me, other = make_student(category="MD"), make_student(category="MD")
    launch(me, other)
    me.user = make_user(me.student_no)
    me.save(update_fields=["user"])
    client.force_login(me.user)
    t = task_of(other, "da-archive")
    assert client.get(reverse("portal:fill", kwargs={"task_id": t.pk})).status_code == 404
    assert client.post(reverse("portal:fill", kwargs={"task_id": t.pk}), ARCHIVE).status_code == 404
    assert task_of(other, "da-archive").state == "pending"
    assert not Submission.objects.exists()


def test_can_collect_once_everything_is_done(student_client):
    client, s = student_client
    for code in ["tsg-books"]:
        task_clear(task=task_of(s, code), actor=None, channel=Channel.COUNTER)
    for t in s.cases.get().tasks.filter(required=True, item__final=False, state="pending"):
        task_clear(task=t, actor=None, channel=Channel.COUNTER)
    page = client.get(reverse("portal:home")).text
    assert "can collect your certificates" in page or "可以领取" in page


def test_student_page_queries_are_bounded(client, make_student, launch, make_user):
    students = [make_student(category="MD") for _ in range(3)]
    launch(*students)
    s = students[0]
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("portal:home"))
    before = len(ctx.captured_queries)
    launch(*[make_student(category="MD") for _ in range(40)])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("portal:home"))
    assert len(ctx.captured_queries) == before <= 12


def test_items_that_do_not_apply_are_set_apart_and_not_counted(student_client):
    client, s = student_client
    page = client.get(reverse("portal:home")).text
    not_needed = s.cases.get().tasks.filter(state="not_needed").count()
    counted = s.cases.get().tasks.exclude(state="not_needed").count()
    assert not_needed > 0
    assert page.index("<details>") < page.index('data-item="hq-dorm" data-state="not_needed"')
    assert f'max="{counted}"' in page
    # a blacklist item the student is not on says there is nothing against them, not "done at 01:24"
    fees = page[page.index('data-item="cw-fees"') :]
    assert (
        "Nothing is recorded against you" in fees[: fees.index("</section>")]
        or "没有" in fees[: fees.index("</section>")]
    )


def test_international_student_reads_items_in_english(client, make_student, launch, make_user):
    s = make_student(category="INT_MA")
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    page = client.get(reverse("portal:home")).text
    assert "Library books returned and fines paid" in page
    assert "bring your campus card to settle its balance" in page  # a pending item shows its instructions
    assert "Handled by" in page and "Library" in page

"""Approvals: a college or an advisor approves their own students, one or many, or returns one with a reason;
a department reviews online submissions. Every decision goes through the engine and is audited."""

import pytest
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent, Submission
from lixiao.clearance.submissions import task_submit
from lixiao.directory.models import College, Department, Staff
from tests.conftest import task_of


@pytest.fixture
def college_world(campaign, make_student, launch, make_user):
    mine = [make_student(category="UG", college="化工学院") for _ in range(3)]
    other = make_student(category="UG", college="物理学院")
    launch(*mine, other)
    user = make_user("col", college="化工学院")
    desk = DeskScope("college", College.objects.get(code="化工学院").pk, "").key
    return mine, other, user, desk


def test_college_approves_many_at_once(client, college_world):
    mine, other, user, desk = college_world
    client.force_login(user)
    page = client.get(reverse("approvals:index", kwargs={"scope": desk})).text
    assert all(f'data-student="{s.student_no}"' in page for s in mine) and other.student_no not in page
    ids = [task_of(s, "yx-review").pk for s in mine[:2]] + [task_of(other, "yx-review").pk]
    client.post(reverse("approvals:approve", kwargs={"scope": desk}), {"task": ids})
    assert [task_of(s, "yx-review").state for s in mine] == ["done", "done", "pending"]
    assert task_of(other, "yx-review").state == "pending"  # not theirs: silently not touched
    assert AuditEvent.objects.filter(action="clear", channel="approval").count() == 2


def test_college_returns_one_with_a_reason(client, college_world):
    mine, _other, user, desk = college_world
    client.force_login(user)
    t = task_of(mine[0], "yx-review")
    client.post(reverse("approvals:reject", kwargs={"scope": desk, "task_id": t.pk}), {"reason": ""})
    assert task_of(mine[0], "yx-review").state == "pending"  # a reason is required
    client.post(reverse("approvals:reject", kwargs={"scope": desk, "task_id": t.pk}), {"reason": "学籍材料未交"})
    t.refresh_from_db()
    assert (t.state, t.reason) == ("blocked", "学籍材料未交")


def test_others_cannot_approve(client, college_world, make_user):
    mine, _other, _user, desk = college_world
    client.force_login(make_user("col2", college="物理学院"))
    assert client.get(reverse("approvals:index", kwargs={"scope": desk})).status_code == 404
    t = task_of(mine[0], "yx-review")
    assert client.post(reverse("approvals:approve", kwargs={"scope": desk}), {"task": [t.pk]}).status_code == 404
    assert task_of(mine[0], "yx-review").state == "pending"


def test_advisor_approves_own_students_only(client, campaign, make_student, launch, make_user):
    adv = Staff.objects.create(staff_no="T9", name="导师")
    mine, other = make_student(category="PHD", advisor=adv), make_student(category="PHD")
    launch(mine, other)
    adv.user = make_user("T9")
    adv.save(update_fields=["user"])
    client.force_login(adv.user)
    desk = DeskScope("advisor", adv.pk, "").key
    ids = [task_of(mine, "ds-signoff").pk, task_of(other, "ds-signoff").pk]
    client.post(reverse("approvals:approve", kwargs={"scope": desk}), {"task": ids})
    assert task_of(mine, "ds-signoff").state == "done" and task_of(other, "ds-signoff").state == "pending"


def test_archives_review_an_online_submission(client, campaign, make_student, launch, make_user):
    s = make_student(category="MD")
    launch(s)
    sub, _ = task_submit(
        task=task_of(s, "da-archive"),
        actor=None,
        data={"destination": "就业单位", "unit": "某公司", "address": "某地", "phone": "13800138000"},
    )
    client.force_login(make_user("dag", department="m-dag"))
    desk = DeskScope("department", Department.objects.get(code="m-dag").pk, "").key
    page = client.get(reverse("approvals:index", kwargs={"scope": desk})).text
    assert f'data-submission="{sub.pk}"' in page and "某公司" in page
    url = reverse("approvals:review", kwargs={"scope": desk, "submission_id": sub.pk, "decision": "reject"})
    client.post(url, {"reason": "地址不完整"})
    t = task_of(s, "da-archive")
    assert (t.state, t.reason) == ("blocked", "地址不完整")
    # the student fixes it and submits again: waiting for review again
    sub2, _ = task_submit(
        task=t,
        actor=None,
        data={"destination": "就业单位", "unit": "某公司", "address": "大连市 1 号", "phone": "13800138000"},
    )
    assert task_of(s, "da-archive").state == "pending"
    client.post(reverse("approvals:review", kwargs={"scope": desk, "submission_id": sub2.pk, "decision": "approve"}))
    assert task_of(s, "da-archive").state == "done"
    assert list(Submission.objects.order_by("id").values_list("review", flat=True)) == ["rejected", "approved"]
    # another department cannot review
    client.force_login(make_user("lib", department="m-tsg"))
    assert client.get(reverse("approvals:index", kwargs={"scope": desk})).status_code == 404


def test_odd_task_ids_are_ignored_not_a_server_error(client, college_world):
    mine, _other, user, desk = college_world
    client.force_login(user)
    r = client.post(reverse("approvals:approve", kwargs={"scope": desk}), {"task": ["²", "x", "-1"]})
    assert r.status_code == 302
    assert task_of(mine[0], "yx-review").state == "pending"

"""A PhD student's rolling clearance from application to certificates, through the pages, across two processing
windows (the first three working days of January and of February 2026, Beijing time), while the June batch
campaign stays the counters' default."""

import datetime

import pytest
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance import cases
from lixiao.clearance.models import AuditEvent, Campaign, CaseStatus, TaskState
from lixiao.directory.models import Category, Department, Membership, Staff
from tests.conftest import task_of

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
ARCHIVE = {"destination": "就业单位", "unit": "大连化物所", "address": "大连市中山路 457 号", "phone": "13800138000"}


def at(client, user):
    client.force_login(user)
    return client


def desk(kind, pk):
    return DeskScope(kind, pk, "").key


def dept(code):
    return Department.objects.get(code=code)


def test_rolling_phd_case_across_two_windows(client, campaign, make_student, launch, make_user, time_machine):
    def now(*args):
        time_machine.move_to(datetime.datetime(*args, tzinfo=BEIJING), tick=False)

    now(2025, 12, 20, 10, 0)
    launch(make_student(category="UG"))  # the June batch campaign is launched: the counters' default
    rolling = Campaign.objects.create(
        code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="workdays", window_workdays=3
    )
    rolling.categories.set(Category.objects.filter(code="PHD"))
    advisor = Staff.objects.create(staff_no="T100", name="导师乙", user=make_user("T100"))
    phd = make_student(category="PHD", college="化学学院", advisor=advisor)
    phd.user = make_user(phd.student_no)
    phd.save(update_fields=["user"])
    office = make_user("yjsy", department="m-yjsy", role=Membership.Role.OFFICE)
    college = make_user("hx", college="化学学院")
    wxzx, zsjy = make_user("wx", department="m-wxzx"), make_user("jy", department="m-zsjy")
    dag, yjs_clerk = make_user("dag", department="m-dag"), make_user("yjs", department="m-yjsy")

    # The graduate school generates 2026's windows; 2027 is refused (its calendar is not known).
    at(client, office).post(reverse("office:windows_generate", kwargs={"code": rolling.code}), {"year": "2026"})
    assert rolling.windows.count() == 12
    refused = client.post(
        reverse("office:windows_generate", kwargs={"code": rolling.code}), {"year": "2027"}, follow=True
    )
    assert "2027" in refused.text and rolling.windows.count() == 12

    # The student applies; the college approves; the graduate school admits.
    home = at(client, phd.user).get(reverse("portal:home")).text
    apply_url = reverse("portal:apply", kwargs={"campaign_id": rolling.pk})
    assert apply_url in home
    client.post(apply_url, {"note": "答辩已通过"})
    client.post(apply_url, {"note": "答辩已通过"})  # a double submit changes nothing
    case = phd.cases.get(campaign=rolling)
    assert case.status == CaseStatus.APPLIED and not case.tasks.exists()
    assert AuditEvent.objects.filter(case=case, action="apply").count() == 1

    college_desk = desk("college", phd.college_id)
    assert (
        "data-application" in at(client, college).get(reverse("approvals:index", kwargs={"scope": college_desk})).text
    )
    client.post(
        reverse("approvals:application", kwargs={"scope": college_desk, "case_id": case.pk, "decision": "approve"})
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.COLLEGE_OK

    page = at(client, office).get(reverse("office:campaign", kwargs={"code": rolling.code})).text
    assert f'data-application="{phd.student_no}"' in page
    assert "data-no-lists" in page and "图书归还与欠款清缴" in page  # no library list in this campaign yet
    client.post(reverse("office:review", kwargs={"code": rolling.code, "case_id": case.pk}), {"decision": "admit"})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    january = case.window
    assert january.opens_at == datetime.datetime(2026, 1, 4, 8, 30, tzinfo=BEIJING)  # the make-up Sunday
    assert task_of(phd, "wx-account").state == TaskState.PENDING

    # The student sees the window to come and what to do before it.
    home = at(client, phd.user).get(reverse("portal:home")).text
    assert 'data-window-open="no"' in home and 'data-window="2026-01-04,2026-01-05,2026-01-06"' in home
    assert 'data-todo="da-archive"' in home

    # Before the window the network centre's counter refuses (the counter works on June; it serves the PhD case).
    wx_desk = desk("department", dept("m-wxzx").pk)
    wx_task = task_of(phd, "wx-account")
    action = reverse("desk:task_action", kwargs={"scope": wx_desk, "task_id": wx_task.pk, "action": "clear"})
    result = at(client, wxzx).post(action, {"campaign": campaign.code}).text
    assert 'data-result="refused"' in result
    assert task_of(phd, "wx-account").state == TaskState.PENDING
    scan = client.post(
        reverse("desk:scan", kwargs={"scope": wx_desk}), {"q": phd.student_no, "campaign": campaign.code}
    )
    assert f'data-other-campaign="{rolling.code}"' in scan.text

    # The student's own online item is not held to the window.
    at(client, phd.user).post(reverse("portal:fill", kwargs={"task_id": task_of(phd, "da-archive").pk}), ARCHIVE)

    # Window 1 (Monday 5 January 2026): the counter and the advisor clear; the rest waits.
    now(2026, 1, 5, 9, 0)
    home = at(client, phd.user).get(reverse("portal:home")).text
    assert 'data-window-open="yes"' in home
    at(client, wxzx).post(action, {"campaign": campaign.code})
    assert task_of(phd, "wx-account").state == TaskState.DONE
    at(client, advisor.user).post(
        reverse("approvals:approve", kwargs={"scope": desk("advisor", advisor.pk)}),
        {"task": [task_of(phd, "ds-signoff").pk], "campaign": campaign.code},
    )
    assert task_of(phd, "ds-signoff").state == TaskState.DONE

    # Between windows (20 January): the career office is refused; the student is told February's window.
    now(2026, 1, 20, 10, 0)
    jy_desk = desk("department", dept("m-zsjy").pk)
    jy_action = reverse(
        "desk:task_action", kwargs={"scope": jy_desk, "task_id": task_of(phd, "jy-destination").pk, "action": "clear"}
    )
    assert 'data-result="refused"' in at(client, zsjy).post(jy_action, {"campaign": campaign.code}).text
    assert task_of(phd, "jy-destination").state == TaskState.PENDING
    home = at(client, phd.user).get(reverse("portal:home")).text
    assert 'data-window-open="no"' in home
    assert 'data-window="2026-02-02,2026-02-03,2026-02-04"' in home  # February's make-up days are outside
    assert 'data-todo="da-archive"' in home  # submitted, waiting for the archives' review

    # Window 2 (Tuesday 3 February 2026; 2026's February make-up days fall outside it): everything else.
    now(2026, 2, 3, 14, 0)
    at(client, zsjy).post(jy_action, {"campaign": campaign.code})
    assert task_of(phd, "jy-destination").state == TaskState.DONE
    at(client, college).post(
        reverse("approvals:approve", kwargs={"scope": college_desk}),
        {"task": [task_of(phd, "yx-review").pk], "campaign": campaign.code},
    )
    dag_desk = desk("department", dept("m-dag").pk)
    submission = task_of(phd, "da-archive").submissions.get()
    at(client, dag).post(
        reverse("approvals:review", kwargs={"scope": dag_desk, "submission_id": submission.pk, "decision": "approve"}),
        {"campaign": campaign.code},
    )
    open_must = [
        t.item.code
        for t in case.tasks.select_related("item")
        if t.required and not t.item.final and t.state not in (TaskState.DONE, TaskState.WAIVED, TaskState.NOT_NEEDED)
    ]
    assert open_must == []

    # Certificates at the graduate school's desk (it too works on June by default).
    office_id = dept("m-yjsy").pk
    cert = task_of(phd, "yjs-cert")
    desk_page = at(client, yjs_clerk).get(
        reverse("certificates:office", kwargs={"office_id": office_id}), {"student": phd.student_no}
    )
    assert f'data-other-campaign="{rolling.code}"' in desk_page.text
    client.post(
        reverse("certificates:collect", kwargs={"office_id": office_id, "task_id": cert.pk}),
        {"id_type": "resident_id", "id_last4": "123x", "identity_checked": "on", "collector": "in_person"},
    )
    assert task_of(phd, "yjs-cert").state == TaskState.DONE
    windows_used = {
        e.created_at.astimezone(BEIJING).date().isoformat()
        for e in AuditEvent.objects.filter(case=case, action="clear")
    }
    assert "2026-01-05" in windows_used and "2026-02-03" in windows_used


def test_a_counter_serves_a_student_moved_from_june_to_rolling(client, campaign, make_student, launch, make_user):
    """Removed from the June roster, admitted to the rolling campaign: the network centre's counter, still set to
    June, shows the rolling task, not the closed June one."""
    rolling = Campaign.objects.create(code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="none")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    rolling.college_approval = rolling.office_review = False
    rolling.save()
    phd = make_student(category="PHD")
    launch(phd)
    cases.case_set_status(case=phd.cases.get(), status="removed", actor=None, channel="admin", reason="转滚动离校")
    cases.case_apply(campaign=rolling, student=phd, actor=None, channel="portal")
    wx_desk = desk("department", dept("m-wxzx").pk)
    scan = at(client, make_user("wx", department="m-wxzx")).post(
        reverse("desk:scan", kwargs={"scope": wx_desk}), {"q": phd.student_no, "campaign": campaign.code}
    )
    rolling_task = phd.cases.get(campaign=rolling).tasks.get(item__code="wx-account")
    assert f'data-other-campaign="{rolling.code}"' in scan.text
    assert f'data-task="{rolling_task.pk}"' in scan.text

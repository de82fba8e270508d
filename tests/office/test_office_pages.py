"""The managing office's campaign and case pages: stages gate and can be extended, windows are generated or refused,
a student is deferred or moved after launch with done work kept and the history saying why."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lixiao.clearance import services
from lixiao.clearance.cases import case_apply, case_set_status
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import AuditEvent, Campaign, Channel, TaskState
from lixiao.directory.models import Category, Membership
from lixiao.rules.models import DepartureType
from tests.conftest import task_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(reference, make_user, client):
    user = make_user("yjsy", department="m-yjsy", role=Membership.Role.OFFICE)
    client.force_login(user)
    return user


def page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


def test_office_sees_stages_and_extends_one(campaign, office, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC), tick=False)
    Campaign.objects.filter(pk=campaign.pk).update(
        roster_from=datetime.date(2026, 5, 1),
        data_from=datetime.date(2026, 5, 15),
        launch_on=datetime.date(2026, 6, 1),
        processing_from=datetime.date(2026, 6, 10),
        departure_on=datetime.date(2026, 7, 3),
    )
    url = reverse("office:campaign", kwargs={"code": campaign.code})
    html = page(client, url)
    assert 'aria-current="step" class="current" data-stage="data"' in html

    # Launching in data preparation is refused, with the stages it is allowed in.
    resp = client.post(reverse("office:launch", kwargs={"code": campaign.code}), follow=True)
    assert 'class="flash error"' in resp.content.decode()
    campaign.refresh_from_db()
    assert campaign.launched_at is None

    # A reason is needed; with one, data preparation gets a week more and every later stage moves.
    ext = reverse("office:extend", kwargs={"code": campaign.code})
    client.post(ext, {"stage": "data", "days": "7", "reason": ""})
    campaign.refresh_from_db()
    assert campaign.launch_on == datetime.date(2026, 6, 1)
    client.post(ext, {"stage": "data", "days": "7", "reason": "图书馆系统升级，名单晚到"})
    campaign.refresh_from_db()
    assert (campaign.launch_on, campaign.processing_from, campaign.departure_on) == (
        datetime.date(2026, 6, 8),
        datetime.date(2026, 6, 17),
        datetime.date(2026, 7, 10),
    )
    event = AuditEvent.objects.get(action="extend_stage")
    assert event.detail["before"]["launch_on"] == "2026-06-01" and event.detail["after"]["launch_on"] == "2026-06-08"
    assert event.actor == office

    # The roster stage is over: it cannot be extended.
    resp = client.post(ext, {"stage": "roster", "days": "3", "reason": "x"}, follow=True)
    campaign.refresh_from_db()
    assert campaign.launch_on == datetime.date(2026, 6, 8)
    assert AuditEvent.objects.filter(action="extend_stage").count() == 1


def test_launch_from_the_page_in_the_launch_stage(campaign, office, client, make_student, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 2, 2, tzinfo=datetime.UTC), tick=False)
    Campaign.objects.filter(pk=campaign.pk).update(launch_on=datetime.date(2026, 6, 1))
    s = make_student(category="MD")
    services.enroll_students(campaign=campaign, students=[s], actor=office)
    client.post(reverse("office:launch", kwargs={"code": campaign.code}))
    campaign.refresh_from_db()
    assert campaign.launched_at is not None
    assert s.cases.get().tasks.count() > 0


def test_deferral_through_the_case_page_keeps_done_work(campaign, office, client, make_student, launch):
    s = make_student(category="MD")
    launch(s)
    assert task_of(s, "tsg-books").state == TaskState.DONE  # a blacklist item: done at launch
    case = s.cases.get()
    open_before = case.tasks.filter(state__in=[TaskState.PENDING, TaskState.BLOCKED]).count()
    assert open_before > 0

    url = reverse("office:case_status", kwargs={"case_id": case.pk})
    client.post(url, {"status": "deferred", "reason": ""})  # no reason: nothing changes
    case.refresh_from_db()
    assert case.status == "active"
    client.post(url, {"status": "deferred", "reason": "论文答辩推迟到12月"})
    case.refresh_from_db()
    assert case.status == "deferred"
    assert task_of(s, "tsg-books").state == TaskState.DONE
    assert case.tasks.filter(state__in=[TaskState.PENDING, TaskState.BLOCKED]).count() == 0
    closed = case.tasks.filter(state=TaskState.NOT_NEEDED, reason__contains="论文答辩推迟到12月").count()
    assert closed == open_before

    html = page(client, reverse("office:case", kwargs={"case_id": case.pk}))
    assert 'data-case-status="deferred"' in html
    assert html.count('data-action="rebuild"') == open_before
    assert 'data-action="defer"' in html and "论文答辩推迟到12月" in html

    # The counter is refused on a deferred case; putting the student back reopens what was closed.
    other = case.tasks.filter(state=TaskState.NOT_NEEDED).first()
    with pytest.raises(ClearanceError) as refused:
        services.task_block(task=other, actor=office, channel=Channel.COUNTER, reason="欠费")
    assert refused.value.code == "case_inactive"
    client.post(url, {"status": "active", "reason": "答辩通过，恢复离校"})
    case.refresh_from_db()
    assert case.status == "active"
    assert case.tasks.filter(state__in=[TaskState.PENDING, TaskState.BLOCKED]).count() == open_before
    assert task_of(s, "tsg-books").state == TaskState.DONE


def test_category_change_after_launch_shows_why_in_the_history(campaign, office, client, make_student, launch):
    """A master's student moves from the two-certificate to the degree-only category after launch: the dorm and
    household-registration items no longer apply (closed as not needed, audited with the cause), the degree-only
    certificate item is added, the library work done stays done."""
    s = make_student(category="MD")
    launch(s)
    assert task_of(s, "tsg-books").state == TaskState.DONE
    assert task_of(s, "yjs-cert").state == TaskState.PENDING
    closing = list(
        s.cases.get()
        .tasks.exclude(state=TaskState.NOT_NEEDED)
        .filter(item__code__in=["hq-dorm", "bw-hukou", "yjs-cert", "jy-destination", "ds-signoff"])
    )
    s.category = Category.objects.get(code="MS")
    s.save(update_fields=["category"])
    services.enroll_students(campaign=campaign, students=[s], actor=office)
    case = s.cases.get()
    assert task_of(s, "tsg-books").state == TaskState.DONE
    for task in closing:
        assert task_of(s, task.item.code).state == TaskState.NOT_NEEDED
    assert task_of(s, "yjs-cert-degree").state == TaskState.PENDING
    html = page(client, reverse("office:case", kwargs={"case_id": case.pk}))
    assert html.count("双证硕士 → 单证硕士") == 1 + len(closing)  # the move itself and each task it closed
    assert 'data-action="move"' in html


def test_a_move_that_changes_no_task_is_still_recorded(campaign, office, make_student, launch):
    """硕转博: in the seed masters and doctorates have the same items, so no task changes; the move is audited."""
    s = make_student(category="MD")
    launch(s)
    states = dict(s.cases.get().tasks.values_list("item__code", "state"))
    s.category = Category.objects.get(code="PHD")
    s.save(update_fields=["category"])
    services.enroll_students(campaign=campaign, students=[s], actor=office)
    assert dict(s.cases.get().tasks.values_list("item__code", "state")) == states
    event = AuditEvent.objects.get(case=s.cases.get(), action="move")
    assert (event.detail["cause"], event.detail["from"], event.detail["to"]) == ("category", "双证硕士", "博士")
    assert event.actor == office


def test_windows_for_an_unknown_year_are_refused_on_the_page(office, client, reference):
    rolling = Campaign.objects.create(code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="workdays")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    url = reverse("office:windows_generate", kwargs={"code": rolling.code})
    resp = client.post(url, {"year": "2027"}, follow=True)
    html = resp.content.decode()
    assert "2027" in html and rolling.windows.count() == 0
    client.post(url, {"year": "2026"})
    assert rolling.windows.count() == 12
    html = page(client, reverse("office:campaign", kwargs={"code": rolling.code}))
    assert "2026-01-04 08:30" in html  # the January window starts on the make-up Sunday


def test_pages_are_scoped_to_the_office(campaign, make_user, client, make_student, launch):
    s = make_student(category="MD")
    ug = make_student(category="UG")
    launch(s, ug)
    jwc = make_user("jwc", department="m-jwc", role=Membership.Role.OFFICE)
    clerk = make_user("lib", department="m-tsg")
    md_case = reverse("office:case", kwargs={"case_id": s.cases.get().pk})
    ug_case = reverse("office:case", kwargs={"case_id": ug.cases.get().pk})
    client.force_login(jwc)
    assert client.get(ug_case).status_code == 200
    assert client.get(md_case).status_code == 404
    assert (
        client.post(
            reverse("office:case_status", kwargs={"case_id": s.cases.get().pk}), {"status": "removed", "reason": "x"}
        ).status_code
        == 404
    )
    assert s.cases.get().status == "active"
    client.force_login(clerk)
    assert client.get(reverse("office:index")).status_code == 404
    assert client.get(ug_case).status_code == 404
    client.logout()
    assert client.get(ug_case).status_code == 302


def test_restoring_a_removed_student_brings_a_persons_block_back(campaign, office, make_student, launch):
    """A removal by mistake, then a restore: the block a clerk had put on stays a block, reason and amount."""
    s = make_student(category="MD")
    launch(s)
    task = s.cases.get().tasks.filter(state=TaskState.PENDING, item__method="counter", item__final=False).first()
    services.task_block(task=task, actor=office, channel=Channel.COUNTER, reason="损坏家具", amount="120.50")
    case = s.cases.get()
    case_set_status(case=case, status="removed", actor=office, channel=Channel.ADMIN, reason="误删")
    task.refresh_from_db()
    assert task.state == TaskState.NOT_NEEDED
    case_set_status(case=case, status="active", actor=office, channel=Channel.ADMIN, reason="恢复")
    task.refresh_from_db()
    assert (task.state, task.reason, str(task.amount)) == (TaskState.BLOCKED, "损坏家具", "120.50")


def test_campaign_page_queries_do_not_grow_with_students(office, client, reference, make_student):
    rolling = Campaign.objects.create(code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="workdays")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    client.post(reverse("office:windows_generate", kwargs={"code": rolling.code}), {"year": "2026"})
    url = reverse("office:campaign", kwargs={"code": rolling.code})

    def applicants(n):
        for _ in range(n):
            s = make_student(category="PHD")
            change = case_apply_approved(rolling, s, office)
            assert change.case.status == "college_ok"

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": "2026"}).status_code == 200
        return len(ctx)

    applicants(2)
    few = queries()
    applicants(12)
    assert queries() == few


def case_apply_approved(campaign, student, actor):
    return case_apply(campaign=campaign, student=student, actor=actor, channel=Channel.APPROVAL, by_college=True)


def test_the_office_closes_a_window_on_the_page_and_others_cannot(office, client, reference, make_user, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC), tick=False)
    rolling = Campaign.objects.create(code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="workdays")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    client.post(reverse("office:windows_generate", kwargs={"code": rolling.code}), {"year": "2026"})
    again = client.post(
        reverse("office:windows_generate", kwargs={"code": rolling.code}), {"year": "2026"}, follow=True
    )
    assert rolling.windows.count() == 12 and 'class="flash info"' in again.text
    april = rolling.windows.get(opens_at__month=4)
    url = reverse("office:window_close", kwargs={"code": rolling.code, "window_id": april.pk})
    client.force_login(make_user("jwc", department="m-jwc", role=Membership.Role.OFFICE))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(office)
    client.post(url, {"reason": ""})
    assert rolling.windows.filter(pk=april.pk).exists()
    client.post(url, {"reason": "清明调整"})
    assert not rolling.windows.filter(pk=april.pk).exists()
    assert AuditEvent.objects.get(action="close_window").actor == office


def test_the_admin_refuses_window_settings_that_cannot_be_followed(reference, make_user, client):
    client.force_login(make_user("root", superuser=True))
    data = {
        "code": "phd-x",
        "name": "博士滚动离校",
        "departure_type": DepartureType.objects.get(code="graduation").pk,
        "kind": "rolling",
        "categories": [Category.objects.get(code="PHD").pk],
        "window_rule": "dates",
        "window_dates": "2026-12-40, hello",
        "window_workdays": "3",
        "window_opens": "17:00",
        "window_closes": "08:30",
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    resp = client.post(reverse("admin:clearance_campaign_add"), data)
    assert resp.status_code == 200
    errors = resp.context["adminform"].form.errors
    assert "2026-12-40" in str(errors["window_dates"]) and "window_closes" in errors
    assert not Campaign.objects.filter(code="phd-x").exists()
    data |= {"window_dates": "2026-12-07, 2026-12-08", "window_opens": "08:30", "window_closes": "17:00"}
    assert client.post(reverse("admin:clearance_campaign_add"), data).status_code == 302


def test_an_office_finds_only_its_own_categories_students(campaign, make_user, client, make_student, launch):
    phd, ug = make_student(category="PHD", name="博士甲"), make_student(category="UG", name="本科乙")
    launch(phd, ug)
    client.force_login(make_user("jwc", department="m-jwc", role=Membership.Role.OFFICE))
    page = client.get(reverse("office:campaign", kwargs={"code": campaign.code}), {"q": "2026"}).text
    assert ug.student_no in page and phd.student_no not in page

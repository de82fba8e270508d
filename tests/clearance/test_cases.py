"""A case as a whole: deferral, removal and restoring after launch, a category change, and rolling campaigns
(applications, the college's approval, the office's review, processing windows)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from lixiao.clearance import cases, services, stages
from lixiao.clearance.models import (
    AuditEvent,
    Campaign,
    Case,
    CaseStatus,
    Channel,
    ProcessingWindow,
    Task,
    TaskState,
    WindowRule,
)
from lixiao.clearance.services import ClearanceError, ListRow
from lixiao.directory.models import Category
from lixiao.imports.forms import RosterUploadForm
from lixiao.rules.models import CalendarDay, CalendarYear, Item
from tests.conftest import case_of, task_of

BEIJING = stages.BEIJING


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def at(moment):
    return time_machine.travel(moment, tick=False)


def refused(code, fn, **kwargs):
    with pytest.raises(ClearanceError) as exc:
        fn(**kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


def states(student):
    return dict(Task.objects.filter(case__student=student).values_list("item__code", "state"))


# --- deferral, removal, restoring (batch campaign) ---------------------------------------------------------


@pytest.fixture
def underway(campaign, make_student, launch):
    """An undergraduate some way through: the network account done at the counter, the fees blocked by the finance
    list, the career destination and the college's review still pending."""
    s = make_student(category="UG")
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="cw-fees"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="学费未缴", amount=Decimal("4800"))],
    )
    launch(s)
    services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)
    before = states(s)
    assert (before["wx-account"], before["cw-fees"], before["jy-destination"], before["yx-review"]) == (
        TaskState.DONE,
        TaskState.BLOCKED,
        TaskState.PENDING,
        TaskState.PENDING,
    )
    return s


@pytest.mark.parametrize(("status", "cause"), [(CaseStatus.DEFERRED, "defer"), (CaseStatus.REMOVED, "remove")])
def test_deferring_or_removing_closes_the_open_tasks_and_keeps_done_work(underway, make_user, status, cause):
    s, office = underway, make_user("office")
    before = states(s)
    open_codes = {code for code, state in before.items() if state in (TaskState.PENDING, TaskState.BLOCKED)}
    assert open_codes >= {"cw-fees", "jy-destination", "yx-review", "jwc-cert"}
    r = cases.case_set_status(case=case_of(s), status=status, actor=office, channel=Channel.ADMIN, reason="论文未通过")
    assert r.changed
    case = case_of(s)
    assert (case.status, case.status_reason) == (status, "论文未通过")
    after = states(s)
    for code, state in before.items():
        assert after[code] == (TaskState.NOT_NEEDED if code in open_codes else state), code
    fees = task_of(s, "cw-fees")
    assert "论文未通过" in fees.reason and fees.amount is None
    events = AuditEvent.objects.filter(case=case, action="rebuild")
    assert sorted(e.task.item.code for e in events) == sorted(open_codes)
    for e in events:
        assert e.state_after == TaskState.NOT_NEEDED and e.actor == office
        assert (e.detail["cause"], e.detail["from"], e.detail["to"]) == (cause, "active", status)
    fees_event = events.get(task=fees)
    assert fees_event.state_before == TaskState.BLOCKED and "论文未通过" in fees_event.reason
    case_event = AuditEvent.objects.get(case=case, task=None, action=cause)
    assert (case_event.state_before, case_event.state_after, case_event.reason, case_event.channel) == (
        "active",
        status,
        "论文未通过",
        Channel.ADMIN,
    )
    assert case_event.detail["tasks_closed"] == len(open_codes)


def test_nothing_more_is_done_on_a_deferred_case(underway):
    s = underway
    clear = AuditEvent.objects.get(task=task_of(s, "wx-account"), action="clear")
    cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期毕业")
    count = AuditEvent.objects.count()
    refused(
        "case_inactive",
        services.task_block,
        task=task_of(s, "wx-account"),
        actor=None,
        channel=Channel.COUNTER,
        reason="x",
    )
    refused(
        "case_inactive",
        services.task_waive,
        task=task_of(s, "jy-destination"),
        actor=None,
        channel=Channel.ADMIN,
        reason="x",
    )
    refused("case_inactive", services.task_undo, event=clear, actor=None, channel=Channel.COUNTER, reason="刷错")
    # clearing at the counter changes nothing either: the closed task stays closed (today the engine answers "not
    # needed" before it looks at the case; refusing it as case_inactive would do as well)
    try:
        assert not services.task_clear(task=task_of(s, "jy-destination"), actor=None, channel=Channel.COUNTER).changed
    except ClearanceError as exc:
        assert exc.code == "case_inactive"
    assert task_of(s, "jy-destination").state == TaskState.NOT_NEEDED
    assert task_of(s, "wx-account").state == TaskState.DONE
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("status", [CaseStatus.DEFERRED, CaseStatus.REMOVED])
def test_restoring_reopens_what_was_closed_and_done_work_stays_done(underway, status):
    s = underway
    before = states(s)
    closed = sum(state in (TaskState.PENDING, TaskState.BLOCKED) for state in before.values())
    cases.case_set_status(case=case_of(s), status=status, actor=None, channel=Channel.ADMIN, reason="延期")
    r = cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="补答辩通过")
    assert r.changed and case_of(s).status == CaseStatus.ACTIVE
    assert states(s) == before
    fees = task_of(s, "cw-fees")  # blocked again by the finance list, with its reason and amount
    assert (fees.reason, fees.amount) == ("学费未缴", Decimal("4800.00"))
    assert task_of(s, "jy-destination").reason == ""
    reopened = AuditEvent.objects.filter(case__student=s, action="rebuild", detail__cause="restore")
    assert reopened.count() == closed
    restore = AuditEvent.objects.get(case__student=s, task=None, action="restore")
    assert (restore.state_before, restore.state_after) == (status, "active")
    assert restore.detail["tasks_reopened"] == reopened.count()
    # and the counters work again
    assert services.task_clear(task=task_of(s, "cw-fees"), actor=None, channel=Channel.COUNTER).changed


def test_lists_uploaded_while_deferred_count_when_restored(campaign, underway):
    s = underway
    cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期")
    fees, careers = Item.objects.get(code="cw-fees"), Item.objects.get(code="jy-destination")
    services.apply_list(campaign=campaign, item=fees, actor=None, rows=[])  # paid meanwhile: off the finance list
    services.apply_list(campaign=campaign, item=careers, actor=None, rows=[ListRow(student_no=s.student_no)])
    assert task_of(s, "cw-fees").state == task_of(s, "jy-destination").state == TaskState.NOT_NEEDED
    cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="恢复")
    assert task_of(s, "cw-fees").state == TaskState.DONE
    assert task_of(s, "jy-destination").state == TaskState.DONE


def test_a_block_made_at_the_counter_comes_back_on_restore(underway):
    s = underway
    services.task_block(
        task=task_of(s, "yx-review"), actor=None, channel=Channel.APPROVAL, reason="论文未提交", amount="0"
    )
    cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期")
    assert task_of(s, "yx-review").state == TaskState.NOT_NEEDED
    cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="恢复")
    review = task_of(s, "yx-review")
    assert (review.state, review.reason, review.amount) == (TaskState.BLOCKED, "论文未提交", Decimal("0.00"))


def test_setting_the_same_status_twice_changes_nothing(underway):
    s = underway
    first = cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期")
    tasks, events = states(s), AuditEvent.objects.count()
    again = cases.case_set_status(
        case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="又延期"
    )
    assert first.changed and not again.changed
    assert (states(s), AuditEvent.objects.count()) == (tasks, events)
    assert case_of(s).status_reason == "延期"
    active = cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="恢复")
    assert active.changed
    assert not cases.case_set_status(
        case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="x"
    ).changed


def test_a_status_change_needs_a_reason_and_a_known_status(underway):
    s = underway
    refused(
        "reason_required",
        cases.case_set_status,
        case=case_of(s),
        status="deferred",
        actor=None,
        channel="admin",
        reason=" ",
    )
    refused(
        "bad_status", cases.case_set_status, case=case_of(s), status="applied", actor=None, channel="admin", reason="x"
    )
    assert case_of(s).status == CaseStatus.ACTIVE
    assert task_of(s, "jy-destination").state == TaskState.PENDING


def test_a_student_deferred_before_launch_gets_tasks_only_when_restored(campaign, make_student, launch):
    s, other = make_student(), make_student()
    services.enroll_students(campaign=campaign, students=[s, other], actor=None)
    cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="休学")
    services.launch_campaign(campaign=campaign, actor=None)
    assert not Task.objects.filter(case__student=s).exists()
    assert Task.objects.filter(case__student=other).exists()
    r = cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="复学")
    assert r.changed
    assert states(s) == states(other)
    assert AuditEvent.objects.get(task=None, action="restore").detail["tasks_created"] == len(states(s))


# --- a category change after launch ------------------------------------------------------------------------


def test_a_category_change_keeps_done_work_closes_what_no_longer_applies_and_adds_what_is_new(
    campaign, make_student, launch
):
    s = make_student(category="MS", campus="M")  # 单证硕士
    launch(s)
    services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)
    before = states(s)
    assert "yjs-cert" not in before and "ds-signoff" not in before
    s.category = Category.objects.get(code="PHD")  # 博士
    s.save(update_fields=["category"])
    r = services.enroll_students(campaign=campaign, students=[s], actor=None)
    after = states(s)
    assert r.updated == 1 and r.tasks_closed == 1
    assert after["wx-account"] == TaskState.DONE  # applies to both: done stays done
    assert after["yjs-cert-degree"] == TaskState.NOT_NEEDED  # the degree certificate alone: masters only
    event = AuditEvent.objects.get(task=task_of(s, "yjs-cert-degree"), action="rebuild")
    assert (event.state_before, event.state_after) == (TaskState.PENDING, TaskState.NOT_NEEDED)
    assert (event.detail["cause"], event.detail["from"], event.detail["to"]) == ("category", "单证硕士", "博士")
    new = set(after) - set(before)
    assert new == {"yjs-cert", "ds-signoff", "jy-destination", "hq-dorm", "bw-hukou"}
    assert r.tasks_created == len(new)
    assert (after["yjs-cert"], after["ds-signoff"], after["jy-destination"]) == ("pending", "pending", "pending")
    assert after["hq-dorm"] == TaskState.NOT_NEEDED  # a scope list: only the listed residents check out
    assert set(before) - {"yjs-cert-degree"} <= set(after)
    assert all(after[c] == before[c] for c in before if c != "yjs-cert-degree")


def test_a_category_change_while_deferred_waits_for_the_restore(campaign, make_student, launch):
    s = make_student(category="MS", campus="M")
    launch(s)
    cases.case_set_status(case=case_of(s), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期")
    s.category = Category.objects.get(code="PHD")
    s.save(update_fields=["category"])
    r = services.enroll_students(campaign=campaign, students=[s], actor=None)
    assert r.updated == 1 and r.tasks_created == 0
    assert not Task.objects.filter(case__student=s, state__in=["pending", "blocked"]).exists()
    cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="恢复")
    after = states(s)
    assert after["yjs-cert-degree"] == TaskState.NOT_NEEDED  # no longer applies: not reopened
    assert after["yjs-cert"] == after["ds-signoff"] == after["wx-account"] == TaskState.PENDING


# --- rolling campaigns: windows ----------------------------------------------------------------------------


@pytest.fixture
def rolling(reference):
    c = Campaign.objects.create(
        code="phd-rolling", name="博士随到随办", kind=Campaign.Kind.ROLLING, window_rule=WindowRule.WORKDAYS
    )
    c.categories.set(Category.objects.filter(code="PHD"))
    return c


def test_windows_for_2026_are_the_first_three_working_days_of_each_month(rolling, make_user):
    office = make_user("office")
    created = cases.windows_generate(campaign=rolling, year=2026, actor=office)
    assert len(created) == 12
    windows = list(ProcessingWindow.objects.filter(campaign=rolling).order_by("opens_at"))
    assert len(windows) == 12
    january = windows[0]
    assert january.days == ["2026-01-04", "2026-01-05", "2026-01-06"]  # Sunday the 4th: a make-up working day
    assert january.opens_at == beijing(2026, 1, 4, 8, 30)
    assert january.closes_at == beijing(2026, 1, 6, 17, 0)
    assert (january.source, january.created_by) == (ProcessingWindow.Source.RULE, office)
    october = windows[9]  # the National Day holiday runs to the 7th; Saturday the 10th is a make-up working day
    assert october.days == ["2026-10-08", "2026-10-09", "2026-10-10"]
    assert AuditEvent.objects.get(action="windows").detail == {"year": 2026, "created": 12, "cases": 0}
    assert cases.windows_generate(campaign=rolling, year=2026, actor=office) == []
    assert ProcessingWindow.objects.filter(campaign=rolling).count() == 12


def test_windows_follow_the_campaigns_hours_and_number_of_days(rolling):
    rolling.window_workdays, rolling.window_opens, rolling.window_closes = 2, time(9), time(16, 30)
    rolling.save()
    cases.windows_generate(campaign=rolling, year=2026, actor=None)
    january = ProcessingWindow.objects.filter(campaign=rolling).order_by("opens_at").first()
    assert (january.opens_at, january.closes_at) == (beijing(2026, 1, 4, 9), beijing(2026, 1, 5, 16, 30))


def test_an_unknown_year_is_refused_until_its_notice_is_entered(rolling):
    message = refused("unknown_year", cases.windows_generate, campaign=rolling, year=2027, actor=None)
    assert "2027" in message
    assert not ProcessingWindow.objects.exists()
    assert not AuditEvent.objects.filter(action="windows").exists()
    CalendarYear.objects.create(year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")  # a Friday
    created = cases.windows_generate(campaign=rolling, year=2027, actor=None)
    assert len(created) == 12
    january = min(created, key=lambda w: w.opens_at)
    assert january.days == ["2027-01-04", "2027-01-05", "2027-01-06"]


def test_windows_from_a_list_of_dates(rolling):
    rolling.window_rule = WindowRule.DATES
    rolling.window_dates = "2026-03-03，2026-03-02\n2026-04-07、2025-12-30 2027-01-05"
    rolling.save()
    created = cases.windows_generate(campaign=rolling, year=2026, actor=None)
    windows = sorted(created, key=lambda w: w.opens_at)
    assert [w.days for w in windows] == [["2026-03-02", "2026-03-03"], ["2026-04-07"]]  # consecutive days: one
    assert windows[0].opens_at == beijing(2026, 3, 2, 8, 30) and windows[0].closes_at == beijing(2026, 3, 3, 17)
    assert {w.source for w in windows} == {ProcessingWindow.Source.LIST}
    assert cases.windows_generate(campaign=rolling, year=2026, actor=None) == []


def test_window_rules_that_cannot_be_followed_are_refused(rolling):
    rolling.window_rule, rolling.window_dates = WindowRule.DATES, "2026-03-02, 3月5日"
    rolling.save()
    assert "3月5日" in refused("bad_dates", cases.windows_generate, campaign=rolling, year=2026, actor=None)
    rolling.window_rule = WindowRule.NONE
    rolling.save()
    refused("no_window_rule", cases.windows_generate, campaign=rolling, year=2026, actor=None)
    rolling.window_rule, rolling.window_workdays = WindowRule.WORKDAYS, 0
    rolling.save()
    refused("bad_window_rule", cases.windows_generate, campaign=rolling, year=2026, actor=None)
    rolling.window_workdays, rolling.window_opens, rolling.window_closes = 1, time(17), time(8, 30)  # swapped hours
    rolling.save()
    refused("bad_window_rule", cases.windows_generate, campaign=rolling, year=2026, actor=None)
    assert not ProcessingWindow.objects.exists()


# --- rolling campaigns: applying, approving, reviewing ---------------------------------------------------


@pytest.fixture
def windows(rolling):
    cases.windows_generate(campaign=rolling, year=2026, actor=None)
    return {w.opens_at.astimezone(BEIJING).month: w for w in ProcessingWindow.objects.filter(campaign=rolling)}


BETWEEN = beijing(2026, 3, 10, 10)  # after the March window, before April's
APRIL_INSIDE = beijing(2026, 4, 2, 10)


def test_an_application_becomes_a_case_with_tasks_only_once_the_office_admits_it(
    rolling, windows, make_student, make_user
):
    s, college, office = make_student(category="PHD"), make_user("college"), make_user("office")
    with at(BETWEEN):
        r = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL, note="  已答辩 ")
        assert r.changed and r.case.status == CaseStatus.APPLIED and r.case.status_reason == "已答辩"
        assert not Task.objects.exists()
        again = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        assert not again.changed and Case.objects.filter(student=s).count() == 1
        r = cases.case_college_decision(case=case_of(s), actor=college, approve=True)
        assert r.changed and case_of(s).status == CaseStatus.COLLEGE_OK
        assert not Task.objects.exists()
        assert not cases.case_college_decision(case=case_of(s), actor=college, approve=True).changed
        r = cases.case_review(case=case_of(s), actor=office, approve=True)
    case = case_of(s)
    assert r.changed and case.status == CaseStatus.ACTIVE
    assert case.window == windows[4]  # the next window: April's
    assert "2026-04-01 08:30" in r.message
    assert Task.objects.filter(case=case).count() > 0
    assert task_of(s, "yjs-cert").state == TaskState.PENDING
    actions = list(AuditEvent.objects.filter(case=case, task=None).order_by("id").values_list("action", "state_after"))
    assert actions == [("apply", "applied"), ("college_ok", "college_ok"), ("admit", "active")]
    admit = AuditEvent.objects.get(case=case, action="admit")
    assert (admit.actor, admit.detail["window_id"]) == (office, windows[4].pk)
    assert admit.detail["window"] == "2026-04-01 08:30 – 2026-04-03 17:00"  # Beijing time, as the office reads it


def test_an_application_admitted_during_a_window_joins_it(rolling, windows, make_student):
    s = make_student(category="PHD")
    with at(APRIL_INSIDE):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        cases.case_college_decision(case=case_of(s), actor=None, approve=True)
        cases.case_review(case=case_of(s), actor=None, approve=True)
    assert case_of(s).window == windows[4]


@pytest.mark.parametrize("returned_by", ["college", "office"])
def test_a_returned_application_needs_a_reason_and_may_be_sent_again(rolling, windows, make_student, returned_by):
    s = make_student(category="PHD")
    with at(BETWEEN):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        decide = cases.case_college_decision
        if returned_by == "office":
            cases.case_college_decision(case=case_of(s), actor=None, approve=True)
            decide = cases.case_review
        waiting = case_of(s).status
        refused("reason_required", decide, case=case_of(s), actor=None, approve=False, reason=" ")
        assert case_of(s).status == waiting
        assert decide(case=case_of(s), actor=None, approve=False, reason="学位论文未归档").changed
        case = case_of(s)
        assert (case.status, case.status_reason) == (CaseStatus.RETURNED, "学位论文未归档")
        assert AuditEvent.objects.get(case=case, action="return").reason == "学位论文未归档"
        assert not Task.objects.exists()
        assert not cases.case_review(case=case, actor=None, approve=True).changed  # nothing to admit
        r = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL, note="已归档")
        assert r.changed and case_of(s).status == CaseStatus.APPLIED
        assert Case.objects.filter(student=s).count() == 1


def test_only_the_campaigns_categories_may_apply(rolling, make_student, campaign):
    ug = make_student(category="UG")
    message = refused("wrong_category", cases.case_apply, campaign=rolling, student=ug, actor=None, channel="portal")
    assert rolling.name in message
    refused(
        "not_rolling",
        cases.case_apply,
        campaign=campaign,
        student=make_student(category="PHD"),
        actor=None,
        channel="portal",
    )
    assert not Case.objects.exists()


def test_without_the_colleges_approval_the_office_reviews_at_once(rolling, windows, make_student):
    rolling.college_approval = False
    rolling.save()
    s = make_student(category="PHD")
    with at(BETWEEN):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        assert case_of(s).status == CaseStatus.COLLEGE_OK and not Task.objects.exists()
        cases.case_review(case=case_of(s), actor=None, approve=True)
    assert case_of(s).status == CaseStatus.ACTIVE and Task.objects.filter(case__student=s).exists()


def test_without_the_offices_review_the_colleges_approval_admits(rolling, windows, make_student):
    rolling.office_review = False
    rolling.save()
    s = make_student(category="PHD")
    with at(BETWEEN):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        assert case_of(s).status == CaseStatus.APPLIED
        cases.case_college_decision(case=case_of(s), actor=None, approve=True)
    assert case_of(s).status == CaseStatus.ACTIVE and case_of(s).window == windows[4]
    assert Task.objects.filter(case__student=s).exists()


def test_with_neither_step_an_application_is_admitted_at_once(rolling, windows, make_student):
    rolling.college_approval = rolling.office_review = False
    rolling.save()
    s = make_student(category="PHD")
    with at(BETWEEN):
        r = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
    assert r.changed and case_of(s).status == CaseStatus.ACTIVE and case_of(s).window == windows[4]
    assert Task.objects.filter(case__student=s).exists()
    actions = list(
        AuditEvent.objects.filter(case__student=s, task=None).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["apply", "college_ok", "admit"]


def test_an_application_is_not_deferred_but_decided(rolling, make_student):
    s = make_student(category="PHD")
    cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
    refused(
        "not_on_roster",
        cases.case_set_status,
        case=case_of(s),
        status="deferred",
        actor=None,
        channel="admin",
        reason="x",
    )
    assert case_of(s).status == CaseStatus.APPLIED


# --- rolling campaigns: departments act inside windows -------------------------------------------------


@pytest.fixture
def admitted(rolling, windows, make_student):
    rolling.college_approval = rolling.office_review = False
    rolling.save()
    s = make_student(category="PHD")
    with at(BETWEEN):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
    assert case_of(s).status == CaseStatus.ACTIVE
    return s


def test_departments_act_on_a_rolling_case_only_inside_a_window(admitted):
    s = admitted
    with at(BETWEEN):
        message = refused(
            "outside_window", services.task_clear, task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER
        )
        assert "2026-04-01 08:30" in message and "2026-04-03 17:00" in message
        refused(
            "outside_window",
            services.task_block,
            task=task_of(s, "wx-account"),
            actor=None,
            channel=Channel.API,
            reason="欠费",
        )
    assert task_of(s, "wx-account").state == TaskState.PENDING
    with at(beijing(2026, 4, 3, 17, 0)):  # the window closes at five
        refused("outside_window", services.task_clear, task=task_of(s, "wx-account"), actor=None, channel="counter")
    with at(beijing(2026, 4, 1, 8, 30)):  # and opens at half past eight
        assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER).changed
    assert task_of(s, "wx-account").state == TaskState.DONE


def test_the_students_own_items_are_not_held_to_windows(admitted):
    s = admitted
    task = task_of(s, "da-archive")
    assert task.item.handler == Item.Handler.STUDENT
    with at(BETWEEN):
        assert services.task_clear(task=task, actor=None, channel=Channel.PORTAL).changed
    assert task_of(s, "da-archive").state == TaskState.DONE


def test_an_extra_window_opens_the_counters(admitted, rolling, make_user):
    s, office = admitted, make_user("office")
    with at(BETWEEN):
        refused(
            "reason_required",
            cases.window_open_extra,
            campaign=rolling,
            actor=office,
            closes_at=BETWEEN + timedelta(hours=2),
        )
        refused(
            "bad_window",
            cases.window_open_extra,
            campaign=rolling,
            actor=office,
            closes_at=BETWEEN - timedelta(hours=1),
            note="x",
        )
        window = cases.window_open_extra(
            campaign=rolling, actor=office, closes_at=BETWEEN + timedelta(hours=2), note="毕业派遣截止"
        )
        assert (window.opens_at, window.source) == (BETWEEN, ProcessingWindow.Source.EXTRA)
        assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER).changed
        event = AuditEvent.objects.get(action="extra_window")
        assert (event.actor, event.reason, event.detail["window_id"]) == (office, "毕业派遣截止", window.pk)
        assert event.detail["window"] == "2026-03-10 10:00 – 2026-03-10 12:00"
    with at(BETWEEN + timedelta(hours=2)):
        refused("outside_window", services.task_clear, task=task_of(s, "jy-destination"), actor=None, channel="counter")


def test_without_any_window_planned_the_departments_are_told_to_ask_the_office(rolling, make_student):
    rolling.college_approval = rolling.office_review = False
    rolling.save()
    s = make_student(category="PHD")
    with translation.override("en"):
        r = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
    assert case_of(s).window is None
    assert "no processing window" in r.message  # not told that the departments can process the case
    refused("outside_window", services.task_clear, task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)
    assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.ADMIN).changed


def test_a_rolling_campaign_without_a_window_rule_is_always_open(rolling, make_student):
    rolling.window_rule, rolling.college_approval, rolling.office_review = WindowRule.NONE, False, False
    rolling.save()
    s = make_student(category="PHD")
    cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
    with at(beijing(2026, 3, 10, 3)):
        assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER).changed


def test_an_extra_window_opening_in_the_past_opens_now_and_a_double_submit_makes_one(admitted, rolling, windows):
    """Stretching April's window from its opening (already past): the extra window opens now; the same form sent
    twice makes one window; a window of more than a month is refused."""
    with at(APRIL_INSIDE):
        first = cases.window_open_extra(
            campaign=rolling,
            actor=None,
            opens_at=beijing(2026, 4, 1, 8, 30),
            closes_at=beijing(2026, 4, 10, 17),
            note="延长四月窗口",
        )
        assert first.opens_at == APRIL_INSIDE.replace(second=0, microsecond=0)
        again = cases.window_open_extra(
            campaign=rolling, actor=None, closes_at=beijing(2026, 4, 10, 17), note="延长四月窗口"
        )
        assert again == first and ProcessingWindow.objects.filter(source="extra").count() == 1
        refused(
            "bad_window",
            cases.window_open_extra,
            campaign=rolling,
            actor=None,
            closes_at=beijing(2026, 6, 1, 17),
            note="太长",
        )
    with at(beijing(2026, 4, 8, 10)):
        assert stages.open_window(rolling) == first
        assert services.task_clear(task=task_of(admitted, "wx-account"), actor=None, channel=Channel.COUNTER).changed


def test_the_office_closes_a_window_or_cancels_one_to_come(admitted, rolling, windows):
    with at(APRIL_INSIDE):
        may = ProcessingWindow.objects.get(campaign=rolling, opens_at__month=5)
        refused("reason_required", cases.window_close, window=may, actor=None, reason="")
        cases.window_close(window=may, actor=None, reason="五一调整")
        assert not ProcessingWindow.objects.filter(pk=may.pk).exists()
        april = stages.open_window(rolling)
        cases.window_close(window=april, actor=None, reason="系统维护")
        assert stages.open_window(rolling) is None
        refused(
            "outside_window",
            services.task_clear,
            task=task_of(admitted, "wx-account"),
            actor=None,
            channel=Channel.COUNTER,
        )
    assert AuditEvent.objects.filter(action="close_window").count() == 2


def test_a_list_naming_a_removed_student_leaves_their_case_closed(campaign, underway):
    """Removed after launch, then named on the library's blacklist: nothing is reopened on a case off the roster."""
    s = underway
    assert task_of(s, "tsg-books").state == TaskState.DONE
    cases.case_set_status(case=case_of(s), status="removed", actor=None, channel=Channel.ADMIN, reason="退学")
    services.apply_list(
        campaign=campaign, item=Item.objects.get(code="tsg-books"), actor=None, rows=[ListRow(student_no=s.student_no)]
    )
    assert task_of(s, "tsg-books").state == TaskState.DONE
    assert not case_of(s).tasks.filter(state__in=[TaskState.PENDING, TaskState.BLOCKED]).exists()
    # back on the roster, the list counts
    cases.case_set_status(case=case_of(s), status="active", actor=None, channel=Channel.ADMIN, reason="误操作")
    services.apply_list(
        campaign=campaign, item=Item.objects.get(code="tsg-books"), actor=None, rows=[ListRow(student_no=s.student_no)]
    )
    assert task_of(s, "tsg-books").state == TaskState.BLOCKED


def test_a_window_reads_in_beijing_time(rolling, settings):
    settings.TIME_ZONE = "America/New_York"
    window = ProcessingWindow.objects.create(
        campaign=rolling, opens_at=beijing(2026, 4, 1, 8, 30), closes_at=beijing(2026, 4, 3, 17, 0)
    )
    assert str(window) == "2026-04-01 08:30 – 2026-04-03 17:00"


def test_the_windows_command_creates_a_year_or_refuses_it(rolling):
    out = StringIO()
    call_command("generate_windows", campaign=rolling.code, year=2026, stdout=out)
    assert "2026-01-04 08:30 – 2026-01-06 17:00" in out.getvalue() and rolling.windows.count() == 12
    with pytest.raises(CommandError, match="2027"):
        call_command("generate_windows", campaign=rolling.code, year=2027, stdout=out)
    assert rolling.windows.count() == 12


def test_a_window_is_open_during_its_days_hours_not_through_the_night(admitted, rolling, windows):
    with at(beijing(2026, 4, 1, 23, 0)):  # between the first and second day of April's window
        message = refused(
            "outside_window", services.task_clear, task=task_of(admitted, "wx-account"), actor=None, channel="counter"
        )
        assert "2026-04-02 08:30" in message  # the next opening is tomorrow morning, not the window's first day
    with at(beijing(2026, 4, 2, 8, 30)):
        assert services.task_clear(task=task_of(admitted, "wx-account"), actor=None, channel=Channel.COUNTER).changed


def test_a_student_on_another_roster_cannot_apply(rolling, campaign, make_student, launch):
    s = make_student(category="PHD")
    launch(s)  # on the June roster
    message = refused("active_elsewhere", cases.case_apply, campaign=rolling, student=s, actor=None, channel="portal")
    assert campaign.name in message and not Case.objects.filter(campaign=rolling).exists()
    cases.case_set_status(case=case_of(s), status="removed", actor=None, channel=Channel.ADMIN, reason="转滚动离校")
    assert cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL).changed


def test_a_roster_cannot_put_students_on_a_rolling_campaign(rolling, make_student):
    s = make_student(category="PHD")
    refused("rolling_roster", services.enroll_students, campaign=rolling, students=[s], actor=None)
    assert not Case.objects.filter(campaign=rolling).exists()
    assert rolling not in RosterUploadForm().fields["campaign"].queryset


def test_control_characters_in_free_text_are_dropped_not_a_database_error(rolling, make_student):
    """PostgreSQL refuses a NUL in text: a note or reason with one is stored without it."""
    s = make_student(category="PHD")
    note = "答辩\x00已通过\x07"
    change = cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL, note=note)
    assert change.case.status_reason == "答辩 已通过"
    returned = cases.case_college_decision(case=change.case, actor=None, approve=False, reason="材料\x00不全")
    assert returned.case.status_reason == "材料 不全"


def test_a_student_admitted_with_no_window_joins_the_next_one_opened(rolling, make_student):
    rolling.college_approval = rolling.office_review = False
    rolling.save()
    s = make_student(category="PHD")
    with at(beijing(2026, 3, 20, 10)):
        cases.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL)
        assert case_of(s).window is None
        extra = cases.window_open_extra(campaign=rolling, actor=None, closes_at=beijing(2026, 3, 27, 17), note="补办")
        assert case_of(s).window == extra

"""A batch campaign's stages: what each stage allows, on the Beijing calendar day, and extending a stage."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance import cases, services, stages
from lixiao.clearance.models import AuditEvent, Campaign, Channel, ListEntry, Task, TaskState
from lixiao.clearance.services import ClearanceError, ListRow
from lixiao.clearance.submissions import task_submit
from lixiao.directory.models import Department
from lixiao.rules.models import Item
from tests.conftest import task_of

Stage = Campaign.Stage

# The June campaign's calendar (each date the first day of its stage).
DATES = {
    "roster_from": date(2026, 5, 1),
    "data_from": date(2026, 5, 15),
    "launch_on": date(2026, 6, 1),
    "processing_from": date(2026, 6, 10),
    "departure_on": date(2026, 6, 25),
    "closes_on": date(2026, 7, 10),
}
# A working hour on a day of each stage.
IN_STAGE = {
    Stage.ROSTER: datetime(2026, 5, 10, 10, tzinfo=stages.BEIJING),
    Stage.DATA: datetime(2026, 5, 20, 10, tzinfo=stages.BEIJING),
    Stage.LAUNCH: datetime(2026, 6, 3, 10, tzinfo=stages.BEIJING),
    Stage.PROCESSING: datetime(2026, 6, 15, 10, tzinfo=stages.BEIJING),
    Stage.DEPARTURE: datetime(2026, 6, 30, 10, tzinfo=stages.BEIJING),
    Stage.CLOSED: datetime(2026, 7, 15, 10, tzinfo=stages.BEIJING),
}


@pytest.fixture
def dated(campaign):
    for field, day in DATES.items():
        setattr(campaign, field, day)
    campaign.save()
    return campaign


def at(moment):
    return time_machine.travel(moment, tick=False)


def beijing_noon(*day):
    return datetime(*day, 12, tzinfo=stages.BEIJING)


def refused(code, fn, **kwargs):
    with pytest.raises(ClearanceError) as exc:
        fn(**kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


def labels(*stage_list):
    return [str(Stage(s).label) for s in stage_list]


# --- the stage from the dates ------------------------------------------------------------------------------


def test_the_stage_turns_at_midnight_beijing_time_whatever_the_server_zone(dated, settings):
    settings.TIME_ZONE = "UTC"
    with at(datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC)):  # 23:59:59 on May 31 in Beijing
        assert stages.current_stage(dated) == Stage.DATA
    with at(datetime(2026, 5, 31, 16, 30, tzinfo=UTC)):  # 00:30 on June 1 in Beijing, still May 31 in UTC
        assert stages.current_stage(dated) == Stage.LAUNCH
        assert stages.beijing_today() == date(2026, 6, 1)
        assert stages.may(dated, "launch") and not stages.may(dated, "certificates")


def test_the_stage_of_each_day(dated):
    assert stages.current_stage(dated, date(2026, 4, 30)) == ""  # before the roster stage: nothing started
    assert stages.current_stage(dated, date(2026, 5, 1)) == Stage.ROSTER
    assert stages.current_stage(dated, date(2026, 6, 9)) == Stage.LAUNCH
    assert stages.current_stage(dated, date(2026, 6, 10)) == Stage.PROCESSING
    assert stages.current_stage(dated, date(2026, 7, 9)) == Stage.DEPARTURE
    assert stages.current_stage(dated, date(2027, 1, 1)) == Stage.CLOSED
    plan = stages.stage_plan(dated, date(2026, 6, 12))
    assert [(s, start, end, current) for s, _label, start, end, current in plan] == [
        (Stage.ROSTER, date(2026, 5, 1), date(2026, 5, 14), False),
        (Stage.DATA, date(2026, 5, 15), date(2026, 5, 31), False),
        (Stage.LAUNCH, date(2026, 6, 1), date(2026, 6, 9), False),
        (Stage.PROCESSING, date(2026, 6, 10), date(2026, 6, 24), True),
        (Stage.DEPARTURE, date(2026, 6, 25), date(2026, 7, 9), False),
        (Stage.CLOSED, date(2026, 7, 10), None, False),
    ]


def test_before_the_first_stage_even_the_roster_waits(dated, make_student):
    with at(datetime(2026, 4, 20, 10, tzinfo=stages.BEIJING)):
        message = refused(
            "stage_closed", services.enroll_students, campaign=dated, students=[make_student()], actor=None
        )
    assert str(Stage.ROSTER.label) in message


def test_a_campaign_without_dates_is_not_gated(campaign, make_student, launch):
    """The June campaign has no dates: lists, the launch, counters and certificates work whenever."""
    s = make_student(category="MS")  # 单证硕士: few items, the degree certificate
    assert stages.current_stage(campaign) is None
    with at(datetime(2020, 1, 1, 3, tzinfo=stages.BEIJING)):
        services.apply_list(
            campaign=campaign,
            item=Item.objects.get(code="cw-fees"),
            actor=None,
            rows=[ListRow(student_no=s.student_no, reason="学费")],
        )
        services.enroll_students(campaign=campaign, students=[s], actor=None)
        assert cases.campaign_launch(campaign=campaign, actor=None).tasks_created > 0
        for task in Task.objects.filter(case__student=s, required=True, item__final=False, state="blocked"):
            services.task_clear(task=task, actor=None, channel=Channel.COUNTER)
        for task in Task.objects.filter(case__student=s, required=True, item__final=False, state="pending"):
            channel = Channel.PORTAL if task.item.handler == Item.Handler.STUDENT else Channel.COUNTER
            services.task_clear(task=task, actor=None, channel=channel)
        assert services.task_clear(task=task_of(s, "yjs-cert-degree"), actor=None, channel=Channel.COUNTER).changed


# --- what each stage allows ----------------------------------------------------------------------------------


def test_lists_are_refused_while_the_roster_is_prepared(dated, make_student):
    s = make_student()
    item = Item.objects.get(code="tsg-books")
    with at(IN_STAGE[Stage.ROSTER]):
        message = refused(
            "stage_closed",
            services.apply_list,
            campaign=dated,
            item=item,
            actor=None,
            rows=[ListRow(student_no=s.student_no, reason="未还 1 册")],
        )
    assert dated.name in message
    for label in labels(Stage.DATA, Stage.LAUNCH, Stage.PROCESSING, Stage.DEPARTURE):
        assert label in message
    allowed = message.split(str(Stage.ROSTER.label), 1)[1]  # what follows the present stage: when lists are allowed
    assert str(Stage.ROSTER.label) not in allowed and str(Stage.CLOSED.label) not in allowed
    assert not ListEntry.objects.exists()
    with at(IN_STAGE[Stage.DATA]):
        r = services.apply_list(
            campaign=dated, item=item, actor=None, rows=[ListRow(student_no=s.student_no, reason="未还 1 册")]
        )
    assert r.entries_added == 1


def test_lists_are_refused_once_the_campaign_is_closed(dated, make_student, launch):
    s = make_student()
    with at(IN_STAGE[Stage.PROCESSING]):
        launch(s)
    with at(IN_STAGE[Stage.CLOSED]):
        refused(
            "stage_closed",
            services.apply_list,
            campaign=dated,
            item=Item.objects.get(code="tsg-books"),
            actor=None,
            rows=[ListRow(student_no=s.student_no, reason="未还 1 册")],
        )
    assert task_of(s, "tsg-books").state == TaskState.DONE


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        (Stage.DATA, False),
        (Stage.LAUNCH, True),
        (Stage.PROCESSING, True),
        (Stage.DEPARTURE, True),
        (Stage.CLOSED, False),
    ],
)
def test_counters_work_from_the_launch_to_departure(dated, make_student, launch, stage, allowed):
    s = make_student()
    with at(IN_STAGE[Stage.DATA]):
        launch(s)  # the engine's own launch is not gated: the tasks exist
    task = task_of(s, "wx-account")
    with at(IN_STAGE[stage]):
        if allowed:
            assert services.task_clear(task=task, actor=None, channel=Channel.COUNTER).changed
        else:
            message = refused("stage_closed", services.task_clear, task=task, actor=None, channel=Channel.COUNTER)
            assert str(Stage(stage).label) in message and str(Stage.LAUNCH.label) in message
    expected = TaskState.DONE if allowed else TaskState.PENDING
    assert task_of(s, "wx-account").state == expected
    assert AuditEvent.objects.filter(task=task, action="clear").exists() == allowed


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.API, Channel.APPROVAL])
def test_block_and_waive_are_gated_like_clearing(dated, make_student, launch, channel):
    s = make_student()
    with at(IN_STAGE[Stage.LAUNCH]):
        launch(s)
    task = task_of(s, "wx-account")
    with at(IN_STAGE[Stage.CLOSED]):
        refused("stage_closed", services.task_block, task=task, actor=None, channel=channel, reason="欠费")
        refused("stage_closed", services.task_waive, task=task, actor=None, channel=channel, reason="特批")
    assert task_of(s, "wx-account").state == TaskState.PENDING
    assert not AuditEvent.objects.filter(task=task).exclude(action="create").exists()


def test_an_undo_is_gated_too_but_the_administration_may_correct(dated, make_student, launch):
    s = make_student()
    with at(IN_STAGE[Stage.LAUNCH]):
        launch(s)
    with at(datetime(2026, 7, 9, 20, tzinfo=stages.BEIJING)):  # the last evening of departure
        services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)
    event = AuditEvent.objects.get(action="clear")
    with at(datetime(2026, 7, 10, 9, tzinfo=stages.BEIJING)):  # next morning: closed, but within the undo day
        refused("stage_closed", services.task_undo, event=event, actor=None, channel=Channel.COUNTER, reason="刷错")
        assert task_of(s, "wx-account").state == TaskState.DONE
        services.task_undo(event=event, actor=None, channel=Channel.ADMIN, reason="刷错")
    assert task_of(s, "wx-account").state == TaskState.PENDING


def test_certificates_are_handed_out_from_processing_on(dated, make_student, launch):
    s = make_student(category="UG")
    with at(IN_STAGE[Stage.LAUNCH]):
        launch(s)
        for task in Task.objects.filter(case__student=s, required=True, item__final=False, state="pending"):
            services.task_clear(task=task, actor=None, channel=Channel.COUNTER)  # counters work in the launch stage
        message = refused(
            "stage_closed", services.task_clear, task=task_of(s, "jwc-cert"), actor=None, channel=Channel.COUNTER
        )
    assert str(Stage.PROCESSING.label) in message
    assert task_of(s, "jwc-cert").state == TaskState.PENDING
    with at(IN_STAGE[Stage.PROCESSING]):
        assert services.task_clear(task=task_of(s, "jwc-cert"), actor=None, channel=Channel.COUNTER).changed
    assert task_of(s, "jwc-cert").state == TaskState.DONE


@pytest.mark.parametrize(("stage", "allowed"), [(Stage.DATA, False), (Stage.LAUNCH, True), (Stage.CLOSED, False)])
def test_students_do_their_own_items_online_from_the_launch(dated, make_student, launch, stage, allowed):
    s = make_student(category="MD")
    with at(IN_STAGE[Stage.DATA]):
        launch(s)
    task = task_of(s, "da-archive")
    assert task.item.handler == Item.Handler.STUDENT
    with at(IN_STAGE[stage]):
        if allowed:
            assert services.task_clear(task=task, actor=None, channel=Channel.PORTAL).changed
        else:
            message = refused("stage_closed", services.task_clear, task=task, actor=None, channel=Channel.PORTAL)
            assert str(Stage.LAUNCH.label) in message
    assert task_of(s, "da-archive").state == (TaskState.DONE if allowed else TaskState.PENDING)


@pytest.mark.parametrize("stage", [Stage.DATA, Stage.CLOSED])
def test_the_administration_is_never_gated(dated, make_student, launch, stage):
    s = make_student()
    with at(IN_STAGE[Stage.DATA]):
        launch(s)
    with at(IN_STAGE[stage]):
        assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.ADMIN).changed
        assert services.task_waive(task=task_of(s, "jy-destination"), actor=None, channel=Channel.ADMIN, reason="x")
        services.task_block(task=task_of(s, "cw-fees"), actor=None, channel=Channel.COMMAND, reason="学费")
    assert task_of(s, "wx-account").state == TaskState.DONE
    assert task_of(s, "jy-destination").state == TaskState.WAIVED
    assert task_of(s, "cw-fees").state == TaskState.BLOCKED


def test_the_roster_cannot_change_once_the_campaign_is_closed(dated, make_student, launch):
    s = make_student()
    with at(IN_STAGE[Stage.PROCESSING]):
        launch(s)
    with at(IN_STAGE[Stage.CLOSED]):
        refused("stage_closed", services.enroll_students, campaign=dated, students=[make_student()], actor=None)
        refused(
            "stage_closed",
            cases.case_set_status,
            case=task_of(s, "wx-account").case,
            status="deferred",
            actor=None,
            channel=Channel.ADMIN,
            reason="延期",
        )
    assert task_of(s, "wx-account").case.status == "active"


# --- launching ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        (Stage.ROSTER, False),
        (Stage.DATA, False),
        (Stage.LAUNCH, True),
        (Stage.PROCESSING, True),
        (Stage.DEPARTURE, False),
    ],
)
def test_the_office_launches_in_the_launch_or_processing_stage(dated, make_student, stage, allowed):
    s = make_student()
    with at(IN_STAGE[Stage.ROSTER]):
        services.enroll_students(campaign=dated, students=[s], actor=None)
    with at(IN_STAGE[stage]):
        if allowed:
            assert cases.campaign_launch(campaign=dated, actor=None).tasks_created > 0
        else:
            message = refused("stage_closed", cases.campaign_launch, campaign=dated, actor=None)
            assert str(Stage.LAUNCH.label) in message and str(Stage.PROCESSING.label) in message
    dated.refresh_from_db()
    assert (dated.launched_at is not None) == allowed
    assert Task.objects.filter(case__student=s).exists() == allowed


# --- extending a stage ---------------------------------------------------------------------------------------


def test_extending_a_stage_moves_every_later_date_and_is_audited(dated, make_user):
    office = make_user("office")
    with at(IN_STAGE[Stage.DATA]):
        cases.campaign_extend_stage(campaign=dated, stage=Stage.DATA, days=7, actor=office, reason="财务处名单未齐")
    dated.refresh_from_db()
    assert (dated.roster_from, dated.data_from) == (date(2026, 5, 1), date(2026, 5, 15))  # earlier dates stay
    assert (dated.launch_on, dated.processing_from, dated.departure_on, dated.closes_on) == (
        date(2026, 6, 8),
        date(2026, 6, 17),
        date(2026, 7, 2),
        date(2026, 7, 17),
    )
    assert stages.current_stage(dated, date(2026, 6, 5)) == Stage.DATA  # would have been the launch
    event = AuditEvent.objects.get(action="extend_stage")
    assert (event.campaign_id, event.actor, event.reason, event.channel) == (
        dated.pk,
        office,
        "财务处名单未齐",
        Channel.ADMIN,
    )
    assert event.detail == {
        "stage": "data",
        "days": 7,
        "before": {
            "launch_on": "2026-06-01",
            "processing_from": "2026-06-10",
            "departure_on": "2026-06-25",
            "closes_on": "2026-07-10",
        },
        "after": {
            "launch_on": "2026-06-08",
            "processing_from": "2026-06-17",
            "departure_on": "2026-07-02",
            "closes_on": "2026-07-17",
        },
    }


def test_a_later_stage_may_be_extended_ahead(dated):
    with at(IN_STAGE[Stage.ROSTER]):
        cases.campaign_extend_stage(campaign=dated, stage=Stage.PROCESSING, days=3, actor=None, reason="答辩推迟")
    dated.refresh_from_db()
    assert (dated.processing_from, dated.departure_on, dated.closes_on) == (
        date(2026, 6, 10),
        date(2026, 6, 28),
        date(2026, 7, 13),
    )


def test_a_stage_that_is_over_cannot_be_extended(dated):
    with at(IN_STAGE[Stage.LAUNCH]):
        refused(
            "stage_over", cases.campaign_extend_stage, campaign=dated, stage=Stage.DATA, days=3, actor=None, reason="迟"
        )
    dated.refresh_from_db()
    assert dated.launch_on == date(2026, 6, 1)
    assert not AuditEvent.objects.filter(action="extend_stage").exists()


@pytest.mark.parametrize(
    ("stage", "days", "reason", "code"),
    [
        (Stage.DATA, 3, "  ", "reason_required"),
        (Stage.DATA, 0, "迟", "bad_extension"),
        (Stage.DATA, 400, "迟", "bad_extension"),
        (Stage.CLOSED, 3, "迟", "bad_extension"),  # the last stage has nothing after it
        ("someday", 3, "迟", "bad_extension"),
    ],
)
def test_an_extension_needs_a_reason_a_stage_and_sensible_days(dated, stage, days, reason, code):
    with at(IN_STAGE[Stage.DATA]):
        refused(code, cases.campaign_extend_stage, campaign=dated, stage=stage, days=days, actor=None, reason=reason)
    dated.refresh_from_db()
    assert dated.launch_on == date(2026, 6, 1) and dated.closes_on == date(2026, 7, 10)


def test_a_campaign_without_dates_has_nothing_to_extend(campaign):
    refused(
        "bad_extension", cases.campaign_extend_stage, campaign=campaign, stage="data", days=3, actor=None, reason="迟"
    )


def test_undoing_a_list_is_refused_once_the_campaign_is_closed(dated, make_student, launch):
    s = make_student(category="UG")
    books = Item.objects.get(code="tsg-books")
    with at(beijing_noon(2026, 6, 20)):
        launch(s)
        services.apply_list(
            campaign=dated, item=books, actor=None, rows=[ListRow(student_no=s.student_no)], ref="import:1"
        )
        assert task_of(s, "tsg-books").state == TaskState.BLOCKED
    with at(beijing_noon(2026, 7, 20)):
        refused(
            "stage_closed",
            services.undo_list_apply,
            campaign=dated,
            item=books,
            ref="import:1",
            actor=None,
            reason="名单有误",
        )
    assert task_of(s, "tsg-books").state == TaskState.BLOCKED


def test_an_online_submission_is_refused_once_the_campaign_is_closed(dated, make_student, launch):
    s = make_student(category="MD")
    with at(beijing_noon(2026, 6, 20)):
        launch(s)
    answers = {"destination": "就业单位", "unit": "某公司", "address": "大连市", "phone": "13800138000"}
    with at(beijing_noon(2026, 7, 20)):
        refused("stage_closed", task_submit, task=task_of(s, "da-archive"), actor=None, data=answers)
    assert not task_of(s, "da-archive").submissions.exists()


def test_the_counter_says_the_stage_refuses_the_stage_refuses_before_anyone_tries(dated, client, make_user):
    client.force_login(make_user("lib", department="m-tsg"))
    desk = DeskScope("department", Department.objects.get(code="m-tsg").pk, "").key
    with at(beijing_noon(2026, 5, 20)):  # data preparation: counters wait for the launch
        page = client.get(reverse("desk:counter", kwargs={"scope": desk})).text
        assert "data-stage-closed" in page
    with at(beijing_noon(2026, 6, 12)):  # processing
        assert "data-stage-closed" not in client.get(reverse("desk:counter", kwargs={"scope": desk})).text

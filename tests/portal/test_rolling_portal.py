"""Rolling campaigns on the student's page: apply (again, once returned), see where the application stands, and
once admitted the processing window (Beijing time) and what to do before it. Deferred or removed: a notice."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lixiao.clearance import cases as case_engine
from lixiao.clearance.models import AuditEvent, Campaign, Case, Channel, ProcessingWindow, WindowRule
from lixiao.clearance.services import ListRow, apply_list
from lixiao.clearance.stages import BEIJING
from lixiao.directory.models import Category
from lixiao.portal.rolling import window_label
from lixiao.rules.models import Item

HOME = "/me/"


@pytest.fixture
def rolling(reference):
    c = Campaign.objects.create(
        code="phd-rolling", name="PhD rolling 2026", kind=Campaign.Kind.ROLLING, window_rule=WindowRule.WORKDAYS
    )
    c.categories.set(Category.objects.filter(code="PHD"))
    return c


def _login(client, make_user, student):
    student.user = make_user(student.student_no)
    student.save(update_fields=["user"])
    client.force_login(student.user)
    return student


@pytest.fixture
def phd(client, make_student, make_user):
    return _login(client, make_user, make_student(category="PHD", college="化工学院"))


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": HOME})


def apply_url(campaign):
    return reverse("portal:apply", kwargs={"campaign_id": campaign.pk})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_student_applies_and_sees_the_status_a_double_submit_is_harmless(client, rolling, phd):
    english(client)
    page = client.get(HOME).text
    assert f'data-campaign="{rolling.code}" data-case-status="none"' in page and "data-apply-form" in page
    assert "You are not on any clearance roster yet" not in page
    r = client.post(apply_url(rolling), {"note": "  答辩已通过  "}, follow=True)
    case = Case.objects.get(student=phd)
    assert (case.campaign, case.status, case.status_reason, case.college.code) == (
        rolling,
        "applied",
        "答辩已通过",
        "化工学院",
    )
    assert AuditEvent.objects.get(case=case, action="apply").channel == Channel.PORTAL
    assert 'data-case-status="applied"' in r.text and "waiting for your college" in r.text
    assert "data-apply-form" not in r.text and "答辩已通过" in r.text
    r = client.post(apply_url(rolling), {"note": "again"}, follow=True)  # the double submit
    assert r.status_code == 200 and any("Already applied" in m for m in messages_of(r))
    assert Case.objects.filter(student=phd).count() == 1
    assert Case.objects.get(student=phd).status_reason == "答辩已通过"
    assert AuditEvent.objects.filter(action="apply").count() == 1


def test_applying_needs_post_and_the_csrf_token(rolling, phd):
    c = Client(enforce_csrf_checks=True)
    c.force_login(phd.user)
    assert 'name="csrfmiddlewaretoken"' in c.get(HOME).text
    assert c.post(apply_url(rolling)).status_code == 403
    assert c.get(apply_url(rolling)).status_code == 405
    assert not Case.objects.exists()


def test_college_approval_then_office_wait_is_shown(client, rolling, phd):
    english(client)
    client.post(apply_url(rolling))
    case_engine.case_college_decision(case=Case.objects.get(student=phd), actor=None, approve=True)
    page = client.get(HOME).text
    assert 'data-case-status="college_ok"' in page and "Approved by your college: waiting for" in page
    assert "data-apply-form" not in page


def test_wrong_category_gets_no_apply_form_and_cannot_apply(client, rolling, campaign, make_student, make_user):
    ug = _login(client, make_user, make_student(category="UG", college="化工学院"))
    page = client.get(HOME).text
    assert "data-apply-form" not in page and rolling.code not in page
    assert client.post(apply_url(rolling)).status_code == 404
    assert client.post(apply_url(campaign)).status_code == 404  # a batch campaign takes no applications
    assert not Case.objects.filter(student=ug).exists()


def test_closed_campaign_takes_no_application(client, rolling, phd):
    rolling.closes_on = datetime(2026, 1, 1).date()
    rolling.save(update_fields=["closes_on"])
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING), tick=False):
        assert "data-apply-form" not in client.get(HOME).text
        r = client.post(apply_url(rolling), follow=True)  # an old form: refused with the engine's reason
        assert messages_of(r) and not Case.objects.exists()


def test_returned_application_shows_the_reason_and_can_be_sent_again(client, rolling, phd):
    client.post(apply_url(rolling))
    case_engine.case_college_decision(
        case=Case.objects.get(student=phd), actor=None, approve=False, reason="缺少学位论文答辩决议书"
    )
    page = client.get(HOME).text
    assert 'data-case-status="returned"' in page and "缺少学位论文答辩决议书" in page and "data-apply-form" in page
    client.post(apply_url(rolling), {"note": "已补交决议书"})
    case = Case.objects.get(student=phd)
    assert (case.status, case.status_reason) == ("applied", "已补交决议书")
    assert list(AuditEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True)) == [
        "apply",
        "return",
        "apply",
    ]
    assert 'data-case-status="applied"' in client.get(HOME).text


@pytest.mark.parametrize("status", ["deferred", "removed"])
def test_deferred_or_removed_case_shows_a_notice_not_a_todo_list(client, make_student, make_user, launch, status):
    s = _login(client, make_user, make_student(category="UG"))
    launch(s)
    case_engine.case_set_status(
        case=Case.objects.get(student=s), status=status, actor=None, channel=Channel.ADMIN, reason="学籍异动，暂缓毕业"
    )
    page = client.get(HOME).text
    assert f'data-case-status="{status}"' in page and "学籍异动，暂缓毕业" in page
    assert "data-item=" not in page and "data-clearance-form" not in page and "data-apply-form" not in page


def _admit(campaign, student):
    change = case_engine.case_apply(campaign=campaign, student=student, actor=None, channel=Channel.PORTAL)
    case_engine.case_college_decision(case=change.case, actor=None, approve=True)
    return case_engine.case_review(case=change.case, actor=None, approve=True).case


def test_admitted_case_shows_its_window_and_what_to_do_before_it(client, rolling, phd):
    english(client)
    with time_machine.travel(datetime(2026, 1, 2, 10, 0, tzinfo=BEIJING), tick=False):
        case_engine.windows_generate(campaign=rolling, year=2026, actor=None)
        apply_list(
            campaign=rolling,
            item=Item.objects.get(code="tsg-books"),
            actor=None,
            rows=[ListRow(student_no=phd.student_no, reason="未还图书 1 册")],
        )
        case = _admit(rolling, phd)
        assert case.window.opens_at == datetime(2026, 1, 4, 8, 30, tzinfo=BEIJING)  # a make-up working Sunday
        page = client.get(HOME).text
        assert 'data-case-status="active"' in page and "Admitted" in page
        assert 'data-window-open="no"' in page and "4–6 January 2026, 08:30–17:00" in page
        todo = page[page.index('data-window-open="no"') : page.index("</section>")]
        assert 'data-todo="da-archive"' in todo  # the student's own must-do item
        assert 'data-todo="tsg-books" data-state="blocked"' in todo and "未还图书 1 册" in todo
        assert 'data-todo="wx-account"' not in todo  # a department's item: nothing for the student to do
        assert 'data-item="wx-account"' in page  # the full list follows
        archive = case.tasks.get(item__code="da-archive")
        assert client.get(reverse("portal:fill", kwargs={"task_id": archive.pk})).status_code == 200
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=BEIJING), tick=False):
        page = client.get(HOME).text
        assert 'data-window-open="yes"' in page and "4–6 January 2026, 08:30–17:00" in page
    with time_machine.travel(datetime(2026, 1, 7, 9, 0, tzinfo=BEIJING), tick=False):
        page = client.get(HOME).text  # the window is over and the case not finished: the next one
        assert 'data-window-open="no"' in page and "2–4 February 2026, 08:30–17:00" in page


def test_admitted_without_any_window_planned(client, rolling, phd):
    english(client)
    with time_machine.travel(datetime(2026, 1, 2, 10, 0, tzinfo=BEIJING), tick=False):
        _admit(rolling, phd)
        page = client.get(HOME).text
    assert 'data-case-status="active"' in page and "No processing window is planned yet" in page


def test_window_labels_in_beijing_time(rolling):
    def label(opens, closes):
        w = ProcessingWindow(campaign=rolling, opens_at=opens, closes_at=closes)
        with translation.override("en"):
            return window_label(w)

    b = BEIJING
    assert label(datetime(2026, 1, 4, 8, 30, tzinfo=b), datetime(2026, 1, 6, 17, tzinfo=b)) == (
        "4–6 January 2026, 08:30–17:00"
    )
    assert label(datetime(2026, 3, 2, 8, 30, tzinfo=b), datetime(2026, 3, 2, 17, tzinfo=b)) == (
        "2 March 2026, 08:30–17:00"
    )
    # stored in UTC, shown in Beijing time: 2026-01-30 00:30 UTC is 08:30 in Beijing
    assert label(datetime(2026, 1, 30, 0, 30, tzinfo=UTC), datetime(2026, 2, 3, 9, tzinfo=UTC)) == (
        "30 January–3 February 2026, 08:30–17:00"
    )
    assert label(datetime(2026, 12, 31, 8, 30, tzinfo=b), datetime(2027, 1, 4, 17, tzinfo=b)) == (
        "31 December 2026–4 January 2027, 08:30–17:00"
    )


def test_a_student_on_the_june_roster_is_not_offered_the_rolling_campaign(
    client, campaign, make_student, launch, make_user
):
    rolling = Campaign.objects.create(code="phd-x", name="博士滚动离校X", kind="rolling", window_rule="none")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    s = make_student(category="PHD")
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    apply_url = reverse("portal:apply", kwargs={"campaign_id": rolling.pk})
    assert apply_url in client.get(reverse("portal:home")).text
    launch(s)
    assert apply_url not in client.get(reverse("portal:home")).text

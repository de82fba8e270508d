"""A PhD student on a phone applies for rolling clearance, then sees the processing window and what to do before it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lixiao.clearance import cases
from lixiao.clearance.models import Campaign, Channel, ProcessingWindow
from lixiao.directory.models import Category, Membership
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def phd(reference, make_student, make_user):
    rolling = Campaign.objects.create(code="phd-rolling", name="博士滚动离校", kind="rolling", window_rule="dates")
    rolling.categories.set(Category.objects.filter(code="PHD"))
    student = make_student(category="PHD", college="化学学院", name="陈博")
    student.user = make_user(student.student_no)
    student.save(update_fields=["user"])
    return rolling, student


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_phd_student_applies_on_a_phone_and_sees_the_window(browser, live_server, phd, make_user):
    rolling, student = phd
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login") + "?next=" + reverse("portal:home"))
    page.fill("input[name=username]", student.student_no)
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")

    page.fill("textarea[name=note], input[name=note]", "答辩已通过")
    page.get_by_role("button", name="申请离校").click()
    page.wait_for_selector("text=申请已提交，等待学院审核")
    assert fits_the_phone(page)
    case = student.cases.get(campaign=rolling)
    assert case.status == "applied"

    # The college approves, the graduate school admits; a window opens tomorrow (Beijing).
    tomorrow = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=8))).date() + datetime.timedelta(1)
    opens = datetime.datetime.combine(
        tomorrow, datetime.time(8, 30), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    ProcessingWindow.objects.create(
        campaign=rolling,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=8, minutes=30),
        days=[str(tomorrow)],
    )
    office = make_user("yjsy", department="m-yjsy", role=Membership.Role.OFFICE)
    cases.case_college_decision(case=case, actor=make_user("hx", college="化学学院"), approve=True)
    cases.case_review(case=case, actor=office, approve=True, channel=Channel.ADMIN)

    page.reload()
    page.wait_for_selector('[data-window-open="no"]')
    text = page.inner_text("main")
    assert "您的办理窗口" in text and "08:30–17:00" in text
    assert "窗口开放前请完成" in text and "档案去向确认" in text  # the student's own item, doable now
    assert fits_the_phone(page)
    context.close()

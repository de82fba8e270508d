"""The library counter in a real browser, with a simulated keyboard-wedge card reader.

Debian's chromium (/usr/bin/chromium) driven by Playwright (the `playwright` Python package; this suite pins
playwright==1.65.2). Both are optional: without them these tests are skipped, saying why. A reader "types" the
card number and presses Enter (some send CR+LF: two Enters in a burst); the clerk works with the keyboard only
(F2 clears, F4 goes to the block reason, Esc back to the swipe box, which has focus after every action).
"""

import pytest
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent
from lixiao.clearance.services import ListRow, apply_list
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Campus, Card, CardForm, Category, Department
from lixiao.rules.models import Item, ItemScope
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import task_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library(campaign, make_student, make_user, launch):
    """The library's counter station, its clerk, and students with cards. Besides the blacklist item tsg-books
    (which a swipe never clears: listed students are blocked until the clerk clears them), the library takes
    back the borrowing card at the desk: a counter item a swipe clears."""
    department = Department.objects.get(code="m-tsg")
    item = Item.objects.create(code="tsg-card", name="借阅证注销", department=department, method=Item.Method.COUNTER)
    ItemScope.objects.create(item=item, campus=Campus.objects.get(code="M"), category=Category.objects.get(code="UG"))
    Station.objects.create(code="LIB-1", name="图书馆 1", department=department)
    make_user("lib1", department="m-tsg")
    students = {}
    for key, face, uid in [
        ("wang", "000118", "51E69621"),
        ("li", "000119", "0A4D7603"),
        ("zhang", "000120", "7C1E3000"),
    ]:
        student = make_student()
        CardForm.objects.rebuild([Card.objects.create(number=face, uid=uid, student=student)])
        students[key] = student
    # 孙浩然 owes a book: blocked at tsg-books; tsg-card does not apply to him (another category).
    students["blocked"] = make_student(category="MD", name="孙浩然")
    apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=students["blocked"].student_no, reason="未还图书 1 册")],
    )
    CardForm.objects.rebuild([Card.objects.create(number="000122", uid="04A1B2C3D4E580", student=students["blocked"])])
    launch(*students.values())
    return DeskScope("department", department.pk, "").key, students


@pytest.fixture
def counter(browser, live_server, library):
    """A logged-in page at the library counter (logged in through the login page, as a clerk does)."""
    desk, students = library
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login") + "?next=" + reverse("desk:counter", kwargs={"scope": desk}))
    page.fill("input[name=username]", "lib1")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_selector("#q")
    assert focused(page) == "q"  # the swipe box has focus when the counter opens
    scans = []
    page.on("requestfinished", lambda request: scans.append(request) if "/scan/" in request.url else None)
    yield page, students, scans
    context.close()


def focused(page):
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.className)")


def result(page, expected, showing=None):
    """Wait for the result panel to say `expected` (about `showing`, when given); return its text."""
    page.locator(f'#result [data-result="{expected}"]', has_text=showing).wait_for()
    return page.inner_text("#result")


def wait_until(page, condition, seconds=5):
    for _ in range(seconds * 20):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out")


def reader(page, keystrokes):
    """A keyboard-wedge reader: the digits as fast keystrokes, then Enter (CR, or CR+LF as two Enters)."""
    number = keystrokes.rstrip("\r\n")
    page.keyboard.type(number)
    for _ in keystrokes[len(number) :]:
        page.keyboard.press("Enter")


def test_a_swipe_clears_and_the_box_keeps_focus(counter):
    page, students, scans = counter
    reader(page, "0563537489\r")
    text = result(page, "cleared")
    assert students["wang"].name in text and "借阅证注销" in text
    assert focused(page) == "q" and page.input_value("#q") == ""
    assert task_of(students["wang"], "tsg-card").state == "done"

    reader(page, "0058084618\r\n")  # CR+LF: one read, the LF's Enter on the emptied box sends nothing
    result(page, "cleared", showing=students["li"].student_no)
    page.wait_for_timeout(300)
    assert len(scans) == 2
    assert focused(page) == "q"

    reader(page, "\r")  # an empty Enter: nothing sent, the student stays on screen
    page.wait_for_timeout(200)
    assert len(scans) == 2 and students["li"].name in page.inner_text("#result")

    reader(page, "1234567890\r")  # an unknown card: a clear answer, the box ready for a typed lookup
    assert "1234567890" in result(page, "unknown")
    assert focused(page) == "q"
    page.keyboard.type(students["zhang"].student_no)
    page.keyboard.press("Enter")
    result(page, "shown", showing=students["zhang"].student_no)  # typed: looked up, not cleared
    assert task_of(students["zhang"], "tsg-card").state == "pending"
    assert focused(page) == "q"
    assert list(Scan.objects.order_by("id").values_list("raw", "result")) == [
        ("0563537489", "cleared"),
        ("0058084618", "cleared"),
        ("1234567890", "unknown"),
        (students["zhang"].student_no, "shown"),
    ]
    assert AuditEvent.objects.filter(action="clear").count() == 2


def test_a_double_swipe_within_the_debounce_window_acts_once(counter, settings):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 1500
    page, students, scans = counter
    reader(page, "0563537489\r")
    reader(page, "51E69621\r")  # the same card again at once, in another form
    result(page, "cleared", showing=students["wang"].student_no)
    wait_until(page, lambda: len(scans) >= 2)
    page.wait_for_timeout(200)
    assert len(scans) == 2
    assert students["wang"].student_no in result(page, "cleared")  # the ignored repeat leaves the panel as it was
    assert focused(page) == "q" and page.input_value("#q") == ""
    assert list(Scan.objects.order_by("id").values_list("result", flat=True)) == ["cleared", "ignored"]
    assert AuditEvent.objects.filter(action="clear", task__case__student=students["wang"]).count() == 1


def test_f2_clears_a_blocked_student_and_the_keys_move_focus(counter):
    page, students, _scans = counter
    reader(page, "80E5D4C3B2A104\r")
    text = result(page, "blocked")
    assert students["blocked"].name in text and "未还图书 1 册" in text
    assert focused(page) == "q"
    page.keyboard.press("F4")  # to the block reason...
    assert "js-reason" in focused(page)
    page.keyboard.press("Escape")  # ...and back
    assert focused(page) == "q"
    page.keyboard.press("F2")  # clear the first open item: the blocked book item, after the clerk checked
    result(page, "cleared")
    page.wait_for_selector('#result tr[data-state="done"]')
    assert task_of(students["blocked"], "tsg-books").state == "done"
    assert focused(page) == "q"
    assert AuditEvent.objects.filter(action="clear").count() == 1

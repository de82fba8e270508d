"""Certificate collection at the managing office, through HTTP as the registrar's clerk works."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lixiao.certificates.models import Collection
from lixiao.certificates.services import collect_certificates
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import AuditEvent
from tests.certificates.conftest import (
    IN_PERSON,
    PDF_BYTES,
    PNG_BYTES,
    block_books,
    clear_must_do,
    collect_url,
    office_url,
    pdf_letter,
    proxy_form,
)
from tests.conftest import task_of


def clears(task):
    return AuditEvent.objects.filter(task=task, action="clear")


def test_lookup_shows_what_is_still_open_with_reasons(client, campaign, ug):
    s, clerk = ug
    block_books(s)
    client.force_login(clerk)
    r = client.get(office_url("m-jwc", q=s.student_no))
    assert r.status_code == 200
    assert f'data-student="{s.student_no}"' in r.text
    assert 'data-collection="refused"' in r.text
    assert 'data-open="tsg-books"' in r.text and "未还图书 2 册" in r.text and "35.80" in r.text
    assert 'data-open="wx-account"' in r.text  # pending at the IT centre
    assert 'data-open="jwc-courses"' not in r.text  # done: not listed
    assert "collect/" not in r.text  # no collection form while something is open


def test_collection_refused_while_a_must_do_item_is_open(client, ug):
    s, clerk = ug
    client.force_login(clerk)
    task = task_of(s, "jwc-cert")
    r = client.post(collect_url("m-jwc", task), IN_PERSON)
    assert r.status_code == 200
    assert "data-error" in r.text
    assert "网络账号与校园卡结算" in r.text  # the message names the open item
    assert task_of(s, "jwc-cert").state == "pending"
    assert not Collection.objects.exists()
    assert not clears(task).exists()


def test_in_person_collection_is_recorded_and_audited_once(client, ug):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    r = client.get(office_url("m-jwc", q=s.student_no))
    assert 'data-collection="ready"' in r.text
    task = task_of(s, "jwc-cert")
    r = client.post(collect_url("m-jwc", task), IN_PERSON)
    assert r.status_code == 302
    assert task_of(s, "jwc-cert").state == "done"
    c = Collection.objects.get()
    assert (c.task_id, c.method, c.id_type, c.id_last4, c.clerk, c.proxy_name) == (
        task.pk,
        "in_person",
        "resident_id",
        "123X",
        clerk,
        "",
    )
    assert c.office.code == "m-jwc" and not c.letter
    event = clears(task).get()
    assert (event.actor, event.channel, event.reason) == (clerk, "counter", "in person")
    page = client.get(r["Location"]).text
    assert 'data-collection="done"' in page and "123X" in page
    assert f'data-recent="{s.student_no}"' in page


def test_proxy_collection_with_a_letter(client, settings, ug):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    task = task_of(s, "jwc-cert")
    r = client.post(collect_url("m-jwc", task), proxy_form(pdf_letter()))
    assert r.status_code == 302
    c = Collection.objects.get()
    assert (c.method, c.proxy_name, c.proxy_relation, c.proxy_id_no, c.id_last4) == (
        "proxy",
        "李四",
        "父亲",
        "210202196501015678",
        "5678",
    )
    assert c.letter_content_type == "application/pdf"
    stored = Path(c.letter.path)
    assert stored.is_file() and stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == PDF_BYTES
    assert "授权书" not in c.letter.name  # stored under a name of our own
    assert clears(task).get().reason == "proxy: 李四 (父亲)"
    r = client.get(reverse("certificates:letter", kwargs={"collection_id": c.pk}))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content) == PDF_BYTES
    page = client.get(office_url("m-jwc", student=s.student_no)).text
    assert "李四" in page and "父亲" in page


def test_a_png_letter_is_accepted(client, ug):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    letter = pdf_letter(name="letter.PNG", content=PNG_BYTES, content_type="image/png")
    assert client.post(collect_url("m-jwc", task_of(s, "jwc-cert")), proxy_form(letter)).status_code == 302
    assert Collection.objects.get().letter_content_type == "image/png"


@pytest.mark.usefixtures("english")
def test_a_second_submit_is_answered_already_collected(client, ug):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    task = task_of(s, "jwc-cert")
    client.post(collect_url("m-jwc", task), proxy_form(pdf_letter()))
    r = client.post(collect_url("m-jwc", task), proxy_form(pdf_letter()), follow=True)
    assert r.status_code == 200
    assert "Already collected" in r.text
    assert Collection.objects.count() == 1
    assert clears(task).count() == 1
    assert Collection.objects.get().method == "proxy"


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.exe", b"MZ\x90\x00" + b"\x00" * 60, "must be a PDF or an image"),
        ("letter.pdf", b"MZ\x90\x00" + b"\x00" * 60, "must be a PDF or an image"),  # the name lies
        ("letter.txt", PDF_BYTES, "must be a PDF or an image"),
        ("letter.pdf", PDF_BYTES + b"\x00" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_a_wrong_letter_is_refused(client, settings, ug, name, content, message):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    task = task_of(s, "jwc-cert")
    r = client.post(collect_url("m-jwc", task), proxy_form(pdf_letter(name=name, content=content)))
    assert r.status_code == 200
    assert message in r.text
    assert 'value="李四"' in r.text  # what was typed is shown again
    assert task_of(s, "jwc-cert").state == "pending"
    assert not Collection.objects.exists() and not clears(task).exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("form", "message"),
    [
        (IN_PERSON | {"identity_checked": ""}, "tick that it was checked"),
        (IN_PERSON | {"id_last4": "12"}, "last 4 characters"),
        (IN_PERSON | {"id_type": "library_card"}, "type of identity document"),
        (proxy_form(None, proxy_name=""), "relation to the student and ID number"),
        (proxy_form(None, id_last4="9999"), "are not those of the proxy"),
        (proxy_form(None), "Upload the signed authorisation letter"),
    ],
)
def test_identity_and_proxy_details_are_required(client, ug, form, message):
    s, clerk = ug
    clear_must_do(s)
    client.force_login(clerk)
    form = {k: v for k, v in form.items() if v is not None}
    r = client.post(collect_url("m-jwc", task_of(s, "jwc-cert")), form)
    assert r.status_code == 200 and message in r.text
    assert not Collection.objects.exists()


def test_lookup_by_card_and_by_name(client, make_student, launch, make_user):
    a = make_student(category="UG", name="王五", card="0900001")
    b = make_student(category="UG", name="王五")
    master = make_student(category="MD", name="王五")
    launch(a, b, master)
    client.force_login(make_user("jwc", department="m-jwc"))
    r = client.get(office_url("m-jwc", q="0900001"))
    assert f'data-student="{a.student_no}"' in r.text
    r = client.get(office_url("m-jwc", q="王五"))
    assert f'data-candidate="{a.student_no}"' in r.text and f'data-candidate="{b.student_no}"' in r.text
    assert f'data-candidate="{master.student_no}"' not in r.text  # the graduate school's student
    assert client.get(office_url("m-jwc", student=master.student_no)).status_code == 200
    assert "data-student" not in client.get(office_url("m-jwc", student=master.student_no)).text


def test_single_degree_master_collects_the_degree_certificate_at_the_graduate_school(
    client, make_student, launch, make_user
):
    s = make_student(category="MS")
    launch(s)
    clear_must_do(s)
    task = task_of(s, "yjs-cert-degree")
    client.force_login(make_user("jwc", department="m-jwc"))
    assert client.post(collect_url("m-jwc", task), IN_PERSON).status_code == 404
    client.force_login(make_user("yjs", department="m-yjsy"))
    r = client.post(collect_url("m-yjsy", task), IN_PERSON)
    assert r.status_code == 302
    assert Collection.objects.get().task == task
    assert Collection.objects.get().office.code == "m-yjsy"


def test_service_refuses_a_task_that_is_not_a_certificate(ug):
    s, clerk = ug
    with pytest.raises(ClearanceError) as exc:
        collect_certificates(task=task_of(s, "wx-account"), actor=clerk, identity_checked=True, id_last4="1234")
    assert exc.value.code == "not_certificate_item"


def test_service_refusal_codes_are_stable(ug):
    s, clerk = ug
    with pytest.raises(ClearanceError) as exc:
        collect_certificates(task=task_of(s, "jwc-cert"), actor=clerk, identity_checked=True, id_last4="1234")
    assert exc.value.code == "must_do_open"
    clear_must_do(s)
    with pytest.raises(ClearanceError) as exc:
        collect_certificates(task=task_of(s, "jwc-cert"), actor=clerk, identity_checked=False, id_last4="1234")
    assert exc.value.code == "identity_not_checked"


def test_office_page_queries_do_not_grow_with_collections(client, campaign, make_student, launch, make_user):
    students = [make_student(category="UG") for _ in range(6)]
    launch(*students)
    clerk = make_user("jwc", department="m-jwc")
    client.force_login(clerk)

    def collect(s):
        clear_must_do(s)
        collect_certificates(
            task=task_of(s, "jwc-cert"), actor=clerk, identity_checked=True, id_last4="1234", id_type="passport"
        )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(office_url("m-jwc", q=students[0].student_no))
        assert r.status_code == 200
        return len(ctx.captured_queries), r.text.count("data-recent=")

    collect(students[0])
    small, shown = count()
    assert shown == 1
    for s in students[1:]:
        collect(s)
    large, shown = count()
    assert shown == 6
    assert large == small

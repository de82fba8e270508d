"""The clearance form (PDF) and its public verification page, through HTTP."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from lixiao.certificates.clearance_form import TOKEN_SALT, form_token, read_form_token
from lixiao.certificates.services import collect_certificates
from tests.certificates.conftest import block_books, clear_must_do
from tests.conftest import case_of, task_of


def form_url(student):
    return reverse("certificates:form", kwargs={"case_id": case_of(student).pk})


def pdf_text(response):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def blocked_student(campaign, ug):
    s, clerk = ug
    s.phone = "13800001234"
    s.save(update_fields=["phone"])
    block_books(s)
    return s, clerk


def test_student_downloads_own_form(client, blocked_student):
    s, _clerk = blocked_student
    client.force_login(s.user)
    assert "data-clearance-form" in client.get(reverse("portal:home")).text
    r = client.get(form_url(s))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert "attachment" in r["Content-Disposition"] and s.student_no in r["Content-Disposition"]
    text = pdf_text(r)
    assert s.student_no in text and "张三" in text
    assert "本科" in text and "主校区" in text and "化工学院" in text
    assert "图书归还与欠款清缴" in text and "未还图书 2 册" in text  # every item, with its reason
    assert "领取毕业证书和学位证书" in text
    assert "Asia/Shanghai" in text
    assert "http://testserver/verify/" in text


def test_qr_link_verifies_the_form_and_shows_nothing_else(client, blocked_student):
    s, _clerk = blocked_student
    client.force_login(s.user)
    text = pdf_text(client.get(form_url(s)))
    url = re.search(r"http://testserver/verify/[^\s/]+/", text.replace("\n", "")).group(0)
    assert read_form_token(urlsplit(url).path.split("/")[2])[0] == case_of(s).pk
    client.logout()  # the page is public
    r = client.get(urlsplit(url).path)
    assert r.status_code == 200
    page = r.text
    assert "张三" in page and s.student_no in page
    assert 'data-must-do="open"' in page and 'data-collected="no"' in page
    for secret in ["未还图书", "35.80", "13800001234", "化工学院", "图书归还", "本科", "2026 June"]:
        assert secret not in page, secret


def test_verification_shows_the_state_as_of_now(client, ug):
    s, clerk = ug
    token = form_token(case_of(s), issued_at=task_of(s, "jwc-cert").updated_at)
    url = reverse("verify_form", kwargs={"token": token})
    assert 'data-collected="no"' in client.get(url).text
    clear_must_do(s)
    collect_certificates(task=task_of(s, "jwc-cert"), actor=clerk, identity_checked=True, id_last4="1234")
    page = client.get(url).text
    assert 'data-must-do="done"' in page and 'data-collected="yes"' in page


@pytest.mark.usefixtures("english")
def test_form_says_the_certificates_were_collected(client, ug):
    s, clerk = ug
    clear_must_do(s)
    collect_certificates(task=task_of(s, "jwc-cert"), actor=clerk, identity_checked=True, id_last4="1234")
    client.force_login(clerk)
    text = pdf_text(client.get(form_url(s)))
    assert "collected in person" in text


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        "{good}x",
        "{good_other_case}",
        "{other_salt}",
    ],
)
def test_a_tampered_or_unknown_token_is_not_a_valid_form(client, ug, token):
    s, _clerk = ug
    case = case_of(s)
    good = form_token(case, issued_at=task_of(s, "jwc-cert").updated_at)
    token = token.format(
        good=good,
        good_other_case=signing.dumps({"case": case.pk + 1000, "at": 0}, salt=TOKEN_SALT),
        other_salt=signing.dumps({"case": case.pk, "at": 0}, salt="something-else"),
    )
    r = client.get(reverse("verify_form", kwargs={"token": token}))
    assert r.status_code == 404
    assert "not a valid clearance form" in r.text
    assert s.student_no not in r.text


def test_pdf_queries_do_not_grow_with_items(client, campaign, make_student, launch, make_user):
    ug, phd = make_student(category="UG"), make_student(category="PHD")
    launch(ug, phd)
    client.force_login(make_user("admin", superuser=True))

    def count(s):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(form_url(s)).status_code == 200
        return len(ctx.captured_queries)

    count(ug)  # warm the user's cached roles
    assert count(ug) == count(phd)

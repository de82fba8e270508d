"""Chinese by default whatever the browser asks; English for international students; the switch wins."""

from django.urls import reverse


def _lang(response):
    return response.text.split('<html lang="')[1].split('"')[0]


def test_chinese_by_default_even_for_an_english_browser(client, db):
    r = client.get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert _lang(r) == "zh-hans" and r["Content-Language"] == "zh-hans"


def test_international_student_gets_english(client, make_student, launch, make_user):
    s = make_student(category="INT_MA")
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    assert _lang(client.get(reverse("portal:home"))) == "en"


def test_the_language_switch_wins(client, make_student, launch, make_user):
    s = make_student(category="INT_MA")
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    client.force_login(s.user)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/me/"})
    assert _lang(client.get(reverse("portal:home"))) == "zh-hans"

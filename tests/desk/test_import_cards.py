"""manage.py import_cards: the card register, all or nothing, idempotent, every error named by row."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from lixiao.directory.models import Card, CardForm
from tests.conftest import SAMPLES

FIELD = SAMPLES / "field"
HEADER = '学号,姓名,物理卡号UID_hex,校园卡号(卡面),10D_reversed,8H,8H_reversed,10D_forward,"W26_FC,CN",W26_8D'
WANG = '2021010001,王小明,51E69621,000118,0563537489,51E69621,2196E651,1374066209,"150,58961",09889361'
LI = '2021010002,李晓红,0A4D7603,000119,0058084618,0A4D7603,03764D0A,0172848643,"118,19722",07752970'


def run(path, *args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_cards", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, *lines, name="cards.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def register_students(make_student):
    if not (FIELD / "cards_master.csv").exists():
        pytest.skip(f"the field samples are not there ({FIELD})")
    people = [
        ("2021010001", "王小明"),
        ("2021010002", "李晓红"),
        ("2021010020", "张伟"),
        ("2021010021", "张伟"),
        ("B2020030007", "孙浩然"),
    ]
    return {no: make_student(student_no=no, name=name) for no, name in people}


def test_the_field_register_loads_and_loading_it_again_changes_nothing(register_students):
    out = run(FIELD / "cards_master.csv")
    assert "added 5" in out
    wang = Card.objects.get(number="000118")
    assert (wang.uid, wang.student.student_no) == ("51E69621", "2021010001")
    assert dict(wang.forms.values_list("kind", "value")) == {
        "8H": "51E69621",
        "8H_reversed": "2196E651",
        "10D": "1374066209",
        "10D_reversed": "563537489",
        "W26": "150,58961",
        "W26_8D": "9889361",
        "W34": "8598,58961",
    }
    sun = Card.objects.get(number="000122")
    assert set(sun.forms.values_list("kind", "value")) == {
        ("14H", "04A1B2C3D4E580"),
        ("14H_reversed", "80E5D4C3B2A104"),
    }
    assert CardForm.objects.count() == 4 * 7 + 2
    # A student may hold several cards: the fixture's own card stays.
    assert register_students["2021010001"].cards.count() == 2
    before = list(CardForm.objects.order_by("id").values_list("id", "card_id", "kind", "value"))
    out = run(FIELD / "cards_master.csv")
    assert "added 0" in out and "updated 0" in out and "unchanged 5" in out
    assert list(CardForm.objects.order_by("id").values_list("id", "card_id", "kind", "value")) == before


def test_a_new_uid_for_a_known_card_replaces_its_forms(tmp_path, register_students):
    run(write(tmp_path, WANG))
    out = run(write(tmp_path, WANG.replace("51E69621", "51e69633").split(",0563537489")[0] + ",,,,,,,"))
    assert "updated 1" in out
    card = Card.objects.get(number="000118")
    assert card.uid == "51E69633"
    assert dict(card.forms.values_list("kind", "value"))["10D_reversed"] == "865527377"
    assert card.forms.count() == 7


def test_dry_run_writes_nothing(tmp_path, register_students):
    out = run(write(tmp_path, WANG, LI), "--dry-run")
    assert "added 2" in out and "nothing was written" in out
    assert not Card.objects.filter(number__in=["000118", "000119"]).exists()


def refused(path):
    with pytest.raises(CommandError) as caught:
        run(path)
    return str(caught.value)


def test_every_error_is_named_by_row_and_nothing_is_imported(tmp_path, register_students, make_student):
    other = make_student(card="0000777")
    path = write(
        tmp_path,
        WANG,  # row 2: fine, but not imported because of the others
        LI.replace("0058084618", "0058084619"),  # row 3: a derived column that does not match
        "2099000001,查无此人,11223344,000200,,,,,,",  # row 4: nobody with that number
        "2021010020,张伟,7C1E30,000120,,,,,,",  # row 5: a UID of 3 bytes
        "2021010021,张伟,,0000777,,,,,,",  # row 6: another student's card number
        "2021010001,王小明,,000118,,,,,,",  # row 7: the same card number as row 2
        "B2020030007,孙浩然,04A1B2C3D4E580,000122,0000000001,,,,,",  # row 8: a decimal form for a 7-byte UID
        "2021010020,李四,,000300,,,,,,",  # row 9: not that student's name
    )
    message = refused(path)
    assert "nothing was imported" in message
    assert "cards.csv:3:10D_reversed: 0058084619 does not match UID 0A4D7603 (computed: 0058084618)" in message
    assert "cards.csv:4:学号:" in message and "2099000001" in message
    assert "cards.csv:5:物理卡号UID_hex:" in message and "7C1E30" in message
    assert "cards.csv:6:校园卡号(卡面): Card number 0000777 already belongs to student " + other.student_no in message
    assert "cards.csv:7:校园卡号(卡面): Card number 000118 is also on row 2" in message
    assert "cards.csv:8:10D_reversed:" in message
    assert "cards.csv:9:姓名:" in message
    assert not Card.objects.filter(number__in=["000118", "000119", "000120"]).exists()
    assert not CardForm.objects.exists()


def test_a_uid_already_on_another_card_is_refused(tmp_path, register_students):
    run(write(tmp_path, WANG))
    message = refused(
        write(tmp_path, LI.replace("0A4D7603,000119,0058084618,0A4D7603,03764D0A,0172848643", "51E69621,000119,,,,"))
    )
    assert "cards.csv:2:物理卡号UID_hex: UID 51E69621 is already card 000118 of student 2021010001" in message


def test_a_missing_column_refuses_the_file(tmp_path, register_students):
    path = tmp_path / "cards.csv"
    path.write_text("学号,姓名\n2021010001,王小明\n", encoding="utf-8")
    assert "missing" in refused(path)

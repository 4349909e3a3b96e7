"""The working-day calendar (rules.md, "Working days"): the package's holidays and make-up days,
the override table, the provisional state of a year nobody has loaded yet, loading a year (service,
command, admin upload), the administrators' warning, and the recomputation after commit.

The schedules for 2027 below are made up for the tests; they are not the official 2027 schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bureau import workdays
from bureau.models import CalendarDay, CalendarYear, DayKind, Role, User
from bureau.workdays import (
    Deadline,
    WorkdayCalendar,
    add_workdays,
    admin_warnings,
    calendar_warnings,
    load_year,
    parse_schedule,
    workdays_between,
    year_is_official,
)

D = dt.date.fromisoformat

# Made up for the tests: New Year's Day off, a Monday off and the Saturday before it worked.
SAMPLE_2027 = """\
# Illustrative schedule for tests only, NOT the official 2027 schedule.
2027-01-01,holiday,元旦
2027-02-06,班,示例调休
2027-02-08,休,示例假日
"""


@pytest.fixture
def recorded() -> Iterator[list[list[int]]]:
    """A registered recomputer that records its calls; unregistered afterwards."""
    calls: list[list[int]] = []

    def recompute(years: list[int]) -> None:
        calls.append(list(years))

    workdays.register_recomputer(recompute)
    try:
        yield calls
    finally:
        workdays._recomputers.remove(recompute)


def load_sample_2027() -> CalendarYear:
    return load_year(year=2027, days=parse_schedule(SAMPLE_2027, 2027), source="测试用示例")


# --- rules.md test vectors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-09-26", 5, "2025-10-10"),  # over the National Day week, 2025-09-28 a make-up Sunday
        ("2026-09-28", 5, "2026-10-10"),  # lands on a make-up Saturday
        ("2026-03-02", 60, "2026-05-28"),
        ("2026-03-02", 90, "2026-07-10"),
    ],
)
def test_rules_vectors(db, start, days, expected):
    assert add_workdays(D(start), days) == Deadline(D(expected), provisional=False)
    assert workdays_between(D(start), D(expected)) == (days, False)


def test_a_deadline_can_fall_on_a_make_up_saturday(db):
    deadline = add_workdays(D("2026-09-28"), 5).date
    assert deadline.weekday() == 5
    assert WorkdayCalendar().is_workday(deadline)


def test_the_first_day_is_not_counted(db):
    assert add_workdays(D("2026-06-01"), 0).date == D("2026-06-01")
    assert add_workdays(D("2026-06-01"), 1).date == D("2026-06-02")  # Monday receipt: Tuesday
    assert add_workdays(D("2026-06-05"), 1).date == D("2026-06-08")  # Friday receipt: Monday
    # A Friday before National Day: the next working day is the make-up Sunday.
    assert add_workdays(D("2025-09-26"), 1).date == D("2025-09-28")


def test_a_datetime_counts_as_its_local_day(db):
    # 2026-06-01 20:00 UTC is 2026-06-02 04:00 in Beijing.
    received = dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.UTC)
    assert add_workdays(received, 1).date == D("2026-06-03")
    local = dt.datetime(2026, 6, 1, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert add_workdays(local, 1).date == D("2026-06-02")
    CalendarDay.objects.create(date=D("2026-06-02"), kind=DayKind.HOLIDAY, name="测试")
    assert add_workdays(local, 1).date == D("2026-06-03")  # the override is seen


# --- known days of 2024-2026 -----------------------------------------------------------------

MAKE_UP_WEEKEND_DAYS = ["2024-02-04", "2024-02-18", "2025-01-26", "2025-02-08", "2026-01-04", "2026-02-14"]
NATIONAL_DAY_WEEKS = [("2024-10-01", "2024-10-07"), ("2025-10-01", "2025-10-08"), ("2026-10-01", "2026-10-07")]
SPRING_FESTIVAL_WEEKDAYS_OFF = ["2024-02-12", "2024-02-16", "2025-01-28", "2025-02-04", "2026-02-16", "2026-02-23"]


@pytest.mark.parametrize("day", MAKE_UP_WEEKEND_DAYS)
def test_a_make_up_weekend_day_is_a_working_day(db, day):
    date = D(day)
    assert date.weekday() >= 5
    assert chinese_calendar.is_workday(date)  # what the package says, pinned
    assert WorkdayCalendar().day(date) == (True, False)


@pytest.mark.parametrize(("first", "last"), NATIONAL_DAY_WEEKS)
def test_the_national_day_week_is_not_worked(db, first, last):
    calendar = WorkdayCalendar()
    date = D(first)
    while date <= D(last):
        assert calendar.day(date) == (False, False), date
        date += dt.timedelta(days=1)
    assert calendar.is_workday(date)  # the day after the holiday


@pytest.mark.parametrize("day", SPRING_FESTIVAL_WEEKDAYS_OFF)
def test_spring_festival_weekdays_are_off(db, day):
    assert D(day).weekday() < 5
    assert not WorkdayCalendar().is_workday(D(day))


def test_workdays_between(db):
    assert workdays_between(D("2025-09-26"), D("2025-10-10")) == (5, False)
    assert workdays_between(D("2025-10-10"), D("2025-09-26")) == (-5, False)
    assert workdays_between(D("2025-10-10"), D("2025-10-10")) == (0, False)
    assert workdays_between(D("2025-09-30"), D("2025-10-08")) == (0, False)  # the holiday itself
    assert workdays_between(D("2026-03-02"), D("2026-07-10")).days == 90
    count = workdays_between(D("2024-12-31"), D("2025-12-31"))
    assert count == (count.days, False)
    assert count.days == 248  # 2025: 261 weekdays, 18 of them off, 5 make-up weekend days


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    n=st.integers(min_value=0, max_value=120),
)
def test_between_undoes_add(db, start, n):
    deadline = add_workdays(start, n)
    assert workdays_between(start, deadline.date).days == n
    assert workdays_between(deadline.date, start).days == -n


# --- years the package does not cover --------------------------------------------------------


def test_2027_is_provisional_until_loaded(db):
    assert year_is_official(2026)
    assert year_is_official(2004)
    assert not year_is_official(2027)
    assert not year_is_official(2003)
    # A case accepted 2026-12-15: 12 working days are left in 2026, 48 fall in 2027 (Mon-Fri).
    assert add_workdays(D("2026-12-15"), 12) == Deadline(D("2026-12-31"), provisional=False)
    assert add_workdays(D("2026-12-15"), 60) == Deadline(D("2027-03-09"), provisional=True)
    assert workdays_between(D("2026-12-15"), D("2027-03-09")) == (60, True)
    assert WorkdayCalendar().day(D("2027-01-01")) == (True, True)


def test_nothing_blocks_in_a_year_far_ahead(db):
    deadline = add_workdays(D("2029-12-20"), 400)
    assert deadline.provisional
    assert deadline.date.year == 2031
    assert workdays_between(D("2029-12-20"), deadline.date) == (400, True)


def test_loading_2027_ends_the_provisional_state(db):
    load_sample_2027()
    assert year_is_official(2027)
    assert add_workdays(D("2026-12-15"), 60) == Deadline(D("2027-03-10"), provisional=False)
    calendar = WorkdayCalendar()
    assert calendar.day(D("2027-01-01")) == (False, False)
    assert calendar.day(D("2027-02-06")) == (True, False)  # the (made-up) make-up Saturday
    assert calendar.day(D("2027-02-08")) == (False, False)
    assert calendar.day(D("2027-02-09")) == (True, False)  # plain days of a loaded year are sure


def test_loading_a_year_again_replaces_its_days(db):
    load_sample_2027()
    load_year(year=2027, days=parse_schedule("2027-10-01,holiday,国庆节\n", 2027), source="第二版")
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D("2027-10-01")]
    assert CalendarYear.objects.get().source == "第二版"


def test_load_year_refuses_days_of_another_year(db):
    with pytest.raises(ValueError, match="outside 2027"):
        load_year(year=2027, days=parse_schedule("2028-01-03,holiday,x\n", 2028))
    assert not CalendarYear.objects.exists()


def test_an_override_wins_over_the_package(db):
    assert add_workdays(D("2026-05-29"), 1).date == D("2026-06-01")
    CalendarDay.objects.create(date=D("2026-06-01"), kind=DayKind.HOLIDAY, name="测试用休息日")
    assert add_workdays(D("2026-05-29"), 1).date == D("2026-06-02")
    # And the other way: a package holiday (2026-10-05, Monday) made a working day.
    assert workdays_between(D("2026-09-30"), D("2026-10-07")).days == 0
    CalendarDay.objects.create(date=D("2026-10-05"), kind=DayKind.WORKDAY, name="测试用上班日")
    assert workdays_between(D("2026-09-30"), D("2026-10-07")).days == 1


# --- the schedule file -----------------------------------------------------------------------


def test_parse_schedule_reads_the_format():
    text = "\ufeff日期,类型,名称\n\n# comment\n2027-01-01,Holiday,元旦\n2027/2/6,班,示例调休\n2027年2月8日,休,\n"
    days = parse_schedule(text, 2027)
    assert [(d.date, d.kind, d.name) for d in days] == [
        (D("2027-01-01"), DayKind.HOLIDAY, "元旦"),
        (D("2027-02-06"), DayKind.WORKDAY, "示例调休"),
        (D("2027-02-08"), DayKind.HOLIDAY, ""),
    ]


def test_parse_schedule_lists_every_bad_line():
    text = "\n".join(
        [
            "# header comment",  # 1
            "2027-13-01,holiday,bad month",  # 2
            "tomorrow,holiday,not a date",  # 3
            "2026-12-31,holiday,wrong year",  # 4
            "2027-01-01,vacation,bad kind",  # 5
            "2027-01-01,holiday,ok",  # 6
            "2027-01-01,休,duplicate",  # 7
            "2027-01-04,workday,a Monday is already worked",  # 8
        ]
    )
    with pytest.raises(ValidationError) as info:
        parse_schedule(text, 2027)
    messages = info.value.messages
    assert len(messages) == 6
    assert messages[0].startswith("第2行") and "2027-13-01" in messages[0]
    assert messages[1].startswith("第3行") and "tomorrow" in messages[1]
    assert messages[2].startswith("第4行") and "2027年" in messages[2]
    assert messages[3].startswith("第5行") and "vacation" in messages[3]
    assert messages[4].startswith("第7行") and "重复" in messages[4]
    assert messages[5].startswith("第8行") and "本是工作日" in messages[5]


def test_parse_schedule_refuses_an_empty_file():
    with pytest.raises(ValidationError, match="没有任何日期"):
        parse_schedule("# nothing\n\n", 2027)


def test_the_example_in_the_administrators_guide_parses():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "calendar.md").read_text(encoding="utf-8")
    example = guide.split("```csv\n", 1)[1].split("```", 1)[0]
    days = parse_schedule(example, 2099)
    assert [d.kind for d in days] == [DayKind.HOLIDAY, DayKind.HOLIDAY, DayKind.HOLIDAY, DayKind.WORKDAY]


def test_decode_schedule_accepts_excel_gbk():
    assert workdays.decode_schedule("2027-01-01,休,元旦\n".encode("gb18030")) == "2027-01-01,休,元旦\n"
    assert workdays.decode_schedule("\ufeff2027-01-01,休,元旦".encode()) == "2027-01-01,休,元旦"


# --- the management command ------------------------------------------------------------------


def test_load_holidays_command(db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SAMPLE_2027, encoding="utf-8")
    out = StringIO()
    call_command("load_holidays", "2027", str(path), "--source", "测试用示例", stdout=out)
    assert "3个日期" in out.getvalue()
    assert "2个法定节假日" in out.getvalue()
    assert "1个调休上班日" in out.getvalue()
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "测试用示例"
    assert year.loaded_by is None
    assert add_workdays(D("2026-12-15"), 60) == Deadline(D("2027-03-10"), provisional=False)


def test_load_holidays_command_reads_an_excel_gbk_file(db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(("日期,类型,名称\r\n" + SAMPLE_2027.replace("\n", "\r\n")).encode("gb18030"))
    call_command("load_holidays", "2027", str(path), stdout=StringIO())
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["元旦", "示例调休", "示例假日"]


def test_load_holidays_command_lists_bad_lines_and_loads_nothing(db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("2027-01-01,holiday,元旦\n2027-02-30,休,x\n2027-01-02,maybe,y\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("load_holidays", "2027", str(path), stdout=StringIO())
    assert "第2行" in str(info.value)
    assert "第3行" in str(info.value)
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()


def test_load_holidays_command_refuses_a_missing_file_and_a_silly_year(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        call_command("load_holidays", "2027", str(tmp_path / "missing.csv"))
    path = tmp_path / "1999.csv"
    path.write_text("1999-10-01,holiday,国庆节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1999"):
        call_command("load_holidays", "1999", str(path))
    assert not CalendarYear.objects.exists()


# --- the admin upload ------------------------------------------------------------------------


def test_admin_add_form_upload_loads_the_year(db):
    superuser = User.objects.create_superuser(username="root", password="Correct-Horse-9", name="root")
    client = Client()
    client.force_login(superuser)
    upload = SimpleUploadedFile("2027.csv", SAMPLE_2027.encode("utf-8"), content_type="text/csv")
    response = client.post(
        reverse("admin:bureau_calendaryear_add"),
        {"year": "2027", "source": "测试用示例", "schedule_file": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert year.loaded_by == superuser
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    assert add_workdays(D("2026-12-15"), 60) == Deadline(D("2027-03-10"), provisional=False)


def test_admin_add_form_shows_the_bad_lines(db):
    superuser = User.objects.create_superuser(username="root", password="Correct-Horse-9", name="root")
    client = Client()
    client.force_login(superuser)
    upload = SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,x\n2027-01-04,workday,y\n", content_type="text/csv")
    response = client.post(reverse("admin:bureau_calendaryear_add"), {"year": "2027", "schedule_file": upload})
    assert response.status_code == 200
    assert "第2行" in response.content.decode()
    assert not CalendarYear.objects.exists()


# --- the administrators' warning -------------------------------------------------------------


def test_admin_warning_in_november_until_next_year_is_loaded(staff, tree, make_user):
    city_admin = make_user("admin_city", tree.city, Role.ADMIN)
    november = D("2026-11-22")
    warnings = admin_warnings(city_admin, today=november)
    assert [w.code for w in warnings] == ["calendar_year_missing"]
    assert "2027年" in str(warnings[0].message)
    assert admin_warnings(staff["window_a"], today=november) == []
    # the calendar is national: a county's administrator neither keeps it nor is warned
    assert admin_warnings(staff["admin_a"], today=november) == []
    assert admin_warnings(city_admin, today=D("2026-06-01")) == []
    load_sample_2027()
    assert admin_warnings(city_admin, today=november) == []


def test_the_current_year_is_warned_about_all_year(db):
    assert [w.code for w in calendar_warnings(today=D("2027-03-01"))] == ["calendar_year_missing"]
    assert calendar_warnings(today=D("2025-12-01")) == []  # 2025 and 2026 are in the package


# --- recomputation after commit --------------------------------------------------------------


def test_loading_a_year_runs_the_recomputers_once_after_commit(db, recorded, django_capture_on_commit_callbacks):
    signals: list[list[int]] = []

    def receiver(sender, years, **kwargs):
        signals.append(years)

    workdays.calendar_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            load_sample_2027()
            assert recorded == []  # nothing before commit
    finally:
        workdays.calendar_changed.disconnect(receiver)
    assert len(callbacks) == 1
    assert recorded == [[2027]]
    assert signals == [[2027]]


def test_a_day_typed_in_the_admin_also_triggers_recomputation(db, recorded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=D("2026-06-01"), kind=DayKind.HOLIDAY, name="测试")
    assert recorded == [[2026]]


def test_a_failing_broker_does_not_undo_the_load(db, recorded, django_capture_on_commit_callbacks, monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from bureau.tasks import recompute_deadlines

    def broken_delay(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_deadlines, "delay", broken_delay)
    with django_capture_on_commit_callbacks(execute=True):
        load_sample_2027()
    assert year_is_official(2027)
    assert recorded == []
    assert "recompute_deadlines" in caplog.text


def test_the_api_answers_n_working_days_after_a_date(staff, api):
    client = api(staff["window_a"])
    body = client.get("/api/v1/workdays/", {"start": "2026-09-28", "days": 5}).json()
    assert body == {"start": "2026-09-28", "days": 5, "end": "2026-10-10", "provisional": False}
    late = client.get("/api/v1/workdays/", {"start": "2026-12-15", "days": 60}).json()
    assert late["provisional"] is True
    assert late["end"] > "2027-01-01"


def test_the_api_counts_working_days_between_two_dates(staff, api):
    body = api(staff["window_a"]).get("/api/v1/workdays/", {"start": "2025-09-26", "end": "2025-10-10"}).json()
    assert body["days"] == 5
    assert body["provisional"] is False


def test_the_api_refuses_a_question_without_days_or_end_and_anonymous_callers(staff, api):
    response = api(staff["window_a"]).get("/api/v1/workdays/", {"start": "2026-01-05"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "days_or_end"
    bad = api(staff["window_a"]).get("/api/v1/workdays/", {"start": "2026-02-30", "days": 3})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "start"
    assert api(None).get("/api/v1/workdays/", {"start": "2026-01-05", "days": 3}).status_code == 401


def test_the_api_refuses_dates_outside_the_calendar_and_spans_over_ten_years(staff, api):
    client = api(staff["window_a"])
    far = client.get("/api/v1/workdays/", {"start": "9999-12-30", "days": 5})
    assert far.status_code == 400
    assert far.json()["errors"][0]["code"] == "date_out_of_range"
    long = client.get("/api/v1/workdays/", {"start": "2001-01-01", "end": "2099-12-31"})
    assert long.status_code == 400
    assert long.json()["errors"][0]["code"] == "span_too_long"

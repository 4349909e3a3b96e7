"""The group-complaint roster (集体投诉名单): the Excel template, reading a filled roster from
.xlsx, CSV or typed rows with every bad row reported by its row number and code, and the API
that checks a roster and registers or finds its workers, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, include, path
from openpyxl import Workbook, load_workbook

from bureau import services as core
from bureau.models import AccessAction, PersonalDataAccess, User, Worker, WorkerRegistration
from complaints import roster
from complaints.api.roster import RosterCheckView, RosterRegisterWorkersView, RosterTemplateView
from complaints.models import Category, Complainant, Complaint
from complaints.services import complaint_register
from tests.conftest import Tree, make_id_number

# The routes as complaints/api/urls.py is to declare them, ahead of the project's own URLs, so
# that these tests do not depend on that file being wired yet.
ROSTER_URLS: list[URLPattern | URLResolver] = [
    path("complaints/roster/template/", RosterTemplateView.as_view(), name="complaint-roster-template"),
    path("complaints/roster/check/", RosterCheckView.as_view(), name="complaint-roster-check"),
    path(
        "complaints/roster/register-workers/",
        RosterRegisterWorkersView.as_view(),
        name="complaint-roster-register-workers",
    ),
]
urlpatterns = [path("api/v1/", include(ROSTER_URLS)), path("", include("bureau.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TEMPLATE_URL = "/api/v1/complaints/roster/template/"
CHECK_URL = "/api/v1/complaints/roster/check/"
REGISTER_URL = "/api/v1/complaints/roster/register-workers/"
HEADER = ["序号", "姓名", "身份证号码", "手机号码", "诉求金额（元）", "欠薪起始日", "欠薪截止日", "备注"]
TODAY = dt.date(2026, 3, 1)


def person_id(n: int) -> str:
    """A valid ID number, different for each n < 1000, of someone born 1980-1989."""
    birth = dt.date(1980 + n % 10, 1 + n % 12, 1 + n % 28)
    return make_id_number("339901", birth.strftime("%Y%m%d"), f"{n:03d}")


def person(n: int, **changes: Any) -> list[Any]:
    """A row of the template's columns, valid unless changed."""
    values = {
        "seq": n,
        "name": f"工人{n:03d}",
        "id_number": person_id(n),
        "phone": f"1391234{n:04d}",
        "amount_claimed": Decimal("8000.50"),
        "period_from": dt.date(2025, 9, 1),
        "period_to": dt.date(2025, 12, 31),
        "note": "",
    }
    values.update(changes)
    return [values[key] for key, _header, _width in roster.COLUMNS]


def xlsx(rows: list[list[Any]], header: list[Any] | None = None, above: list[list[Any]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in above or []:
        sheet.append(line)
    sheet.append(header or HEADER)
    for line in rows:
        sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(lines: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(line) for line in lines).encode(encoding)


def problems(result: roster.RosterResult) -> dict[int, set[tuple[str | None, str]]]:
    """{row number: {(field, code)}} of the rows with errors."""
    return {row.row: {(e["field"], e["code"]) for e in row.errors} for row in result.rows if row.errors}


def typed(n: int, **changes: Any) -> dict[str, Any]:
    """A row as the intake form sends it (strings, dates in ISO)."""
    row = {
        "name": f"工人{n:03d}",
        "id_number": person_id(n),
        "phone": f"1391234{n:04d}",
        "amount_claimed": "8000.50",
        "period_from": "2025-09-01",
        "period_to": "2025-12-31",
    }
    row.update(changes)
    return row


# --- the template ----------------------------------------------------------------------------


def test_the_template_opens_with_openpyxl_with_the_headers_and_text_formatted_id_and_phone_columns() -> None:
    workbook = load_workbook(io.BytesIO(roster.roster_template()))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.column_dimensions["C"].number_format == "@"  # 身份证号码
    assert sheet.column_dimensions["D"].number_format == "@"  # 手机号码
    assert sheet.column_dimensions["F"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["G"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["C"].width >= 20
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1, "no example row in the data sheet"


def test_the_template_explains_itself_on_a_second_sheet_whose_example_is_never_read() -> None:
    data = roster.roster_template()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[1] == "填写说明"
    guide = workbook["填写说明"]
    text = "\n".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value)
    assert "示例" in text and "文本" in text and "11010519491231002X" in text
    with pytest.raises(roster.RosterError) as caught:
        roster.parse_roster(data, today=TODAY)
    assert caught.value.code == "roster_empty"


def test_a_filled_in_template_reads_back_with_its_text_id_numbers() -> None:
    workbook = load_workbook(io.BytesIO(roster.roster_template()))
    sheet = workbook.worksheets[0]
    for line in (person(1), person(2, id_number="11010519491231002X")):
        sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    result = roster.parse_roster(output.getvalue(), today=TODAY)
    assert result.ok, problems(result)
    assert [row.id_number for row in result.rows] == [person_id(1), "11010519491231002X"]


# --- reading a roster ------------------------------------------------------------------------


def test_a_valid_roster_of_50_generated_workers_parses_ok_with_normalized_values() -> None:
    result = roster.parse_roster(xlsx([person(n) for n in range(1, 51)]), today=TODAY)
    assert result.ok, problems(result)
    assert (result.source, len(result.rows), result.errors_count) == ("xlsx", 50, 0)
    assert [row.row for row in result.rows] == list(range(2, 52))  # Excel row numbers, header = 1
    first = result.rows[0]
    assert first.values == {
        "name": "工人001",
        "id_number": person_id(1),
        "phone": "+8613912340001",
        "amount_claimed": "8000.50",
        "period_from": "2025-09-01",
        "period_to": "2025-12-31",
        "note": "",
    }
    assert (first.amount_claimed, first.period_from, first.birth_date) == (
        Decimal("8000.50"),
        dt.date(2025, 9, 1),
        dt.date(1981, 2, 2),
    )


BAD_ROWS = [
    ({"name": None}, "name", "required"),
    ({"name": "张" * 51}, "name", "max_length"),
    ({"name": "\u200b"}, "name", "required"),
    ({"id_number": None}, "id_number", "required"),
    ({"id_number": "330106198503151230"}, "id_number", "id_number_check_digit"),
    ({"id_number": "33010619850315123"}, "id_number", "id_number_length"),
    ({"id_number": "330106850315123"}, "id_number", "id_number_legacy"),
    ({"id_number": "33010619850315123A"}, "id_number", "id_number_format"),
    ({"id_number": make_id_number("339901", "19851315", "123")}, "id_number", "id_number_birth_date"),
    ({"id_number": make_id_number("339901", "20270101", "123")}, "id_number", "id_number_birth_future"),
    ({"phone": "12345"}, "phone", "phone_invalid"),
    ({"amount_claimed": -1}, "amount_claimed", "min_value"),
    ({"amount_claimed": "10000000.01"}, "amount_claimed", "max_value"),
    ({"amount_claimed": "12.345"}, "amount_claimed", "max_decimal_places"),
    ({"amount_claimed": "八千"}, "amount_claimed", "invalid"),
    ({"period_from": dt.date(2026, 3, 2), "period_to": None}, "period_from", "date_in_future"),
    ({"period_to": "2026-03-02"}, "period_to", "date_in_future"),
    ({"period_to": "2025/13/40"}, "period_to", "date_invalid"),
    ({"period_from": "明年"}, "period_from", "date_invalid"),
    ({"period_from": dt.date(2025, 12, 1), "period_to": dt.date(2025, 11, 1)}, "period_to", "period_order"),
    # born 1981-02-02 (person_id(1)): 16 on 1997-02-02
    ({"period_from": dt.date(1997, 2, 1), "period_to": dt.date(1997, 3, 1)}, "period_from", "before_working_age"),
]


@pytest.mark.parametrize(("changes", "field", "code"), BAD_ROWS, ids=[f"{f}-{c}" for _ch, f, c in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_with_its_row_number_field_and_code(
    changes: dict[str, Any], field: str, code: str
) -> None:
    result = roster.parse_roster(xlsx([person(5), person(1, **changes), person(7)]), today=TODAY)
    assert not result.ok
    assert problems(result) == {3: {(field, code)}}
    error = result.rows[1].errors[0]
    assert error["message"] and isinstance(error["message"], str)


def test_every_error_of_a_row_is_reported_not_only_the_first() -> None:
    bad = person(1, name="", id_number="123", phone="abc", amount_claimed=-5, period_from="2027-01-01")
    result = roster.parse_roster(xlsx([bad]), today=TODAY)
    assert problems(result) == {
        2: {
            ("name", "required"),
            ("id_number", "id_number_length"),
            ("phone", "phone_invalid"),
            ("amount_claimed", "min_value"),
            ("period_from", "date_in_future"),
            ("period_to", "period_order"),
        }
    }
    assert result.errors_count == 6 and result.bad_rows == [2]


def test_a_duplicate_id_number_is_reported_on_every_row_involved() -> None:
    twin = person_id(3)
    rows = [person(1), person(2, id_number=twin), person(3), person(4), person(5, id_number=twin.lower() + " ")]
    result = roster.parse_roster(xlsx(rows), today=TODAY)
    assert problems(result) == {row: {("id_number", "duplicate")} for row in (3, 4, 6)}
    messages = {row.row: row.errors[0]["message"] for row in result.rows if row.errors}
    assert "4、6" in messages[3] and "3、6" in messages[4] and "3、4" in messages[6]


def test_an_id_number_excel_stored_as_a_number_is_reported_as_lost_and_a_numeric_phone_is_recovered() -> None:
    # What Excel keeps of 18 digits typed into a number cell: 15 significant digits.
    rounded = float(f"{float(person_id(1)):.14e}")
    result = roster.parse_roster(xlsx([person(1, id_number=rounded, phone=13812345678.0)]), today=TODAY)
    assert problems(result) == {2: {("id_number", "id_number_excel_rounded")}}
    row = result.rows[0]
    assert "文本" in row.errors[0]["message"]
    assert row.values["phone"] == "+8613812345678"


def test_id_numbers_and_phones_given_as_exact_numbers_are_recovered() -> None:
    numeric = next(n for n in range(1, 50) if not person_id(n).endswith("X"))
    result = roster.parse_roster(
        [typed(numeric, id_number=int(person_id(numeric)), phone=13812345678, amount_claimed=1200.5)], today=TODAY
    )
    assert result.ok, problems(result)
    assert result.rows[0].values["id_number"] == person_id(numeric)
    assert result.rows[0].values["phone"] == "+8613812345678"
    assert result.rows[0].amount_claimed == Decimal("1200.50")


def test_an_id_number_in_scientific_notation_from_a_csv_is_reported_as_lost() -> None:
    data = csv_bytes([HEADER, ["1", "张三", "3.39901E+17", "1.38123E+10", "100", "", "", ""]])
    result = roster.parse_roster(data, today=TODAY)
    assert problems(result) == {2: {("id_number", "id_number_excel_rounded"), ("phone", "phone_excel_rounded")}}


def test_amounts_keep_their_cents_through_excel_float_noise_and_accept_commas_and_yuan() -> None:
    rows = [
        person(1, amount_claimed=0.1 + 0.2),  # 0.30000000000000004
        person(2, amount_claimed="12,000.50元"),
        person(3, amount_claimed="￥300"),
        person(4, amount_claimed=None),
        person(5, amount_claimed=1234.567),
    ]
    result = roster.parse_roster(xlsx(rows), today=TODAY)
    assert [row.values["amount_claimed"] for row in result.rows[:4]] == ["0.30", "12000.50", "300.00", "0.00"]
    assert problems(result) == {6: {("amount_claimed", "max_decimal_places")}}


def test_dates_are_read_as_excel_dates_iso_text_slashes_chinese_and_compact_forms() -> None:
    forms = [
        dt.date(2025, 1, 5),
        dt.datetime(2025, 1, 5, 0, 0),  # as openpyxl reads a date cell
        "2025-01-05",
        "2025/1/5",
        "2025年1月5日",
        "２０２５年１月５日",
        "2025.1.5",
        "20250105",
        20250105,
        45662,  # the serial number of 2025-01-05 in a cell not formatted as a date
        "2025-01-05 00:00:00",
    ]
    rows = [person(n, period_from=form, period_to=None) for n, form in enumerate(forms, start=1)]
    result = roster.parse_roster(xlsx(rows), today=TODAY)
    assert result.ok, problems(result)
    assert {row.period_from for row in result.rows} == {dt.date(2025, 1, 5)}
    assert {row.values["period_from"] for row in result.rows} == {"2025-01-05"}


def test_headers_are_matched_by_name_in_any_order_with_spaces_and_half_width_brackets() -> None:
    header = ["手机号码", " 身份证号码 ", "诉求金额(元)", "姓 名*", "欠薪截止日", "欠薪起始日", "工种"]
    line = ["13912340001", person_id(1), "500", "王五", "2025-12-31", "2025-09-01", "木工"]
    result = roster.parse_roster(xlsx([line], header=header, above=[["某某公司欠薪人员名单"]]), today=TODAY)
    assert result.ok, problems(result)
    assert result.rows[0].row == 3  # below a title row
    assert result.rows[0].values["name"] == "王五"
    assert result.rows[0].values["amount_claimed"] == "500.00"
    assert result.ignored_columns == ["工种"]


def test_a_roster_without_the_id_number_column_is_refused_naming_the_missing_column() -> None:
    with pytest.raises(roster.RosterError) as caught:
        roster.parse_roster(xlsx([["张三", "100"]], header=["姓名", "诉求金额（元）"]), today=TODAY)
    assert caught.value.code == "roster_columns_missing"
    assert "身份证号码" in caught.value.message


def test_a_sheet_without_a_header_is_refused() -> None:
    with pytest.raises(roster.RosterError) as caught:
        roster.parse_roster(xlsx([person(1)], header=["a", "b", "c"]), today=TODAY)
    assert caught.value.code == "roster_header"


def test_a_column_given_twice_is_refused() -> None:
    with pytest.raises(roster.RosterError) as caught:
        roster.parse_roster(xlsx([], header=["姓名", "身份证号码", "身份证号"]), today=TODAY)
    assert caught.value.code == "roster_header_duplicate"


def test_blank_rows_a_numbered_empty_row_and_a_total_row_are_skipped_and_row_numbers_stay_excel_ones() -> None:
    rows = [
        person(1),
        [None] * 8,
        [3, None, None, None, None, None, None, None],  # 序号 filled in down the sheet
        person(4),
        [None, "合计", None, None, Decimal("16001.00"), None, None, None],
    ]
    result = roster.parse_roster(xlsx(rows), today=TODAY)
    assert result.ok, problems(result)
    assert [row.row for row in result.rows] == [2, 5]


def test_a_csv_saved_by_excel_in_gbk_is_read() -> None:
    lines = [HEADER] + [
        [str(n), f"工人{n:03d}", person_id(n), f"1391234{n:04d}", "8000", "2025/9/1", "2025/12/31", "备注"]
        for n in range(1, 4)
    ]
    result = roster.parse_roster(csv_bytes(lines, "gbk"), today=TODAY)
    assert result.ok, problems(result)
    assert result.source == "csv"
    assert [row.values["name"] for row in result.rows] == ["工人001", "工人002", "工人003"]
    assert result.rows[0].values["note"] == "备注"


def test_a_csv_in_utf8_with_bom_and_phones_saved_with_a_decimal_point_is_read() -> None:
    lines = [HEADER, ["1", "张三", person_id(1), "13812345678.0", "100.5", "2025-09-01", "2025-10-01", ""]]
    result = roster.parse_roster(b"\xef\xbb\xbf" + csv_bytes(lines), today=TODAY)
    assert result.ok, problems(result)
    assert result.rows[0].values["phone"] == "+8613812345678"


def test_a_roster_over_the_row_limit_is_refused() -> None:
    rows = [typed(1)] * (roster.MAX_ROWS + 1)
    with pytest.raises(roster.RosterError) as caught:
        roster.parse_roster(rows, today=TODAY)
    assert caught.value.code == "roster_too_many_rows"
    assert str(roster.MAX_ROWS) in caught.value.message


def test_an_old_xls_file_and_a_binary_file_are_refused_as_the_wrong_type() -> None:
    for data in (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, b"MZ\x90\x00\x03\x00\x00\x00"):
        with pytest.raises(roster.RosterError) as caught:
            roster.parse_roster(data, today=TODAY)
        assert caught.value.code == "roster_type"


def test_typed_rows_are_numbered_by_their_position_or_the_row_they_carry_and_unknown_keys_are_errors() -> None:
    result = roster.parse_roster([typed(1), {}, typed(2, row=9, age="30")], today=TODAY)
    assert [row.row for row in result.rows] == [1, 9]
    assert [row.index for row in result.rows] == [0, 2]
    assert problems(result) == {9: {("age", "unknown_field")}}


# --- registering the workers of a roster (service) -------------------------------------------


def test_the_workers_of_a_roster_go_into_a_complaint_registered_with_complaint_register(
    staff: dict[str, User], employer_a: Any, wages: Category
) -> None:
    result = roster.parse_roster([typed(n) for n in range(1, 6)])
    complainants = roster.roster_register(by=staff["window_a"], rows=result.rows)
    complaint = complaint_register(
        by=staff["window_a"], employer=employer_a, categories=[wages], facts="拖欠五人工资", complainants=complainants
    )
    assert Complainant.objects.filter(complaint=complaint).count() == 5
    assert {c.amount_claimed for c in complaint.complainants.all()} == {Decimal("8000.50")}
    assert Complaint.objects.count() == 1


def test_roster_register_refuses_a_roster_with_errors_and_stores_nothing(staff: dict[str, User]) -> None:
    result = roster.parse_roster([typed(1), typed(2, id_number="123")])
    before = Worker.objects.count()
    with pytest.raises(ValidationError) as caught:
        roster.roster_register(by=staff["window_a"], rows=result.rows)
    assert "rows.1.id_number" in caught.value.message_dict
    assert Worker.objects.count() == before


# --- the API ---------------------------------------------------------------------------------


def upload(client: Any, data: bytes, name: str = "名单.xlsx") -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(CHECK_URL, {"file": file}, format="multipart")


def error_fields(response: Any) -> dict[str | None, list[str]]:
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    result: dict[str | None, list[str]] = {}
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"} and error["message"], error
        result.setdefault(error["field"], []).append(error["code"])
    return result


def test_the_template_downloads_as_xlsx_with_its_chinese_file_name_encoded(staff: dict[str, User], api: Any) -> None:
    response = api(staff["window_a"]).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="roster-template.xlsx"' in disposition
    assert (
        "filename*=UTF-8''%E9%9B%86%E4%BD%93%E6%8A%95%E8%AF%89%E5%90%8D%E5%8D%95%E6%A8%A1%E6%9D%BF.xlsx" in disposition
    )
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["C1"].value == "身份证号码"


def test_the_template_is_served_to_a_client_that_asks_for_xlsx_only(staff: dict[str, User], api: Any) -> None:
    response = api(staff["window_a"]).get(TEMPLATE_URL, HTTP_ACCEPT=roster.XLSX_CONTENT_TYPE)
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_checking_an_uploaded_roster_reports_each_row_and_stores_nothing(
    staff: dict[str, User], api: Any, tree: Tree
) -> None:
    known, _created = core.worker_register(by=staff["window_a"], name="工人002", id_number=person_id(2))
    rows = [person(1), person(2), person(3, phone="123"), person(4, id_number=person_id(1))]
    workers, registrations = Worker.objects.count(), WorkerRegistration.objects.count()
    response = upload(api(staff["window_a"]), xlsx(rows))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["ok"], body["source"], body["row_count"], body["errors_count"]) == (False, "xlsx", 4, 3)
    assert body["bad_rows"] == [2, 4, 5]
    assert body["rows"][0] == {
        "row": 2,
        "values": {
            "name": "工人001",
            "id_number": person_id(1),
            "phone": "+8613912340001",
            "amount_claimed": "8000.50",
            "period_from": "2025-09-01",
            "period_to": "2025-12-31",
            "note": "",
        },
        "errors": [
            {"field": "id_number", "code": "duplicate", "message": "与第5行的身份证号码重复。"},
        ],
        "worker": None,
    }
    assert body["rows"][1]["worker"] == {"id": known.pk, "name": "工人002"}
    assert body["rows"][2]["errors"] == [{"field": "phone", "code": "phone_invalid", "message": "电话号码格式不正确。"}]
    assert (Worker.objects.count(), WorkerRegistration.objects.count()) == (workers, registrations)
    seen = PersonalDataAccess.objects.get(user=staff["window_a"], action=AccessAction.LIST)
    assert seen.object_ids == [known.pk]


def test_checking_rows_typed_in_the_form(staff: dict[str, User], api: Any, tree: Tree) -> None:
    rows = [typed(1), typed(2, amount_claimed="-1", period_to="2025年8月1日")]
    response = api(staff["window_a"]).post(CHECK_URL, {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is False and body["source"] == "rows"
    assert [(r["row"], [(e["field"], e["code"]) for e in r["errors"]]) for r in body["rows"]] == [
        (1, []),
        (2, [("amount_claimed", "min_value"), ("period_to", "period_order")]),
    ]


def test_checking_a_csv_upload_in_gbk(staff: dict[str, User], api: Any, tree: Tree) -> None:
    lines = [HEADER, ["1", "张三", person_id(1), "13912340001", "8000", "2025年9月1日", "2025年12月31日", ""]]
    response = upload(api(staff["window_a"]), csv_bytes(lines, "gbk"), name="名单.csv")
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True


def test_check_flags_a_name_that_differs_from_the_one_registered_for_the_id_number(
    staff: dict[str, User], api: Any, tree: Tree
) -> None:
    core.worker_register(by=staff["window_a"], name="李四", id_number=person_id(1))
    core.worker_register(by=staff["window_b"], name="赵六", id_number=person_id(2))
    response = api(staff["window_a"]).post(CHECK_URL, {"rows": [typed(1), typed(2)]}, format="json")
    rows = response.json()["rows"]
    assert [(e["field"], e["code"]) for e in rows[0]["errors"]] == [("name", "name_mismatch")]
    assert "李四" in rows[0]["errors"][0]["message"]
    assert [(e["field"], e["code"]) for e in rows[1]["errors"]] == [("name", "name_mismatch")]
    assert "赵六" not in rows[1]["errors"][0]["message"], "another county's data is not shown"
    assert rows[1]["worker"] is None


@pytest.mark.parametrize(
    ("name", "data", "code", "status"),
    [
        ("名单.pdf", b"%PDF-1.4", "roster_type", 415),
        ("名单.exe", b"MZ\x90\x00", "roster_type", 415),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "roster_type", 415),
        ("名单.xlsx", b"PK\x03\x04 not really a zip", "roster_unreadable", 400),
        ("名单.csv", "姓名,年龄\n张三,30\n".encode(), "roster_header", 400),
    ],
)
def test_a_file_of_the_wrong_type_or_unreadable_is_refused_with_its_code(
    staff: dict[str, User], api: Any, tree: Tree, name: str, data: bytes, code: str, status: int
) -> None:
    response = upload(api(staff["window_a"]), data, name=name)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert error_fields(response) == {"file": [code]}


def test_an_upload_over_2_mb_is_refused_with_roster_too_large(staff: dict[str, User], api: Any, tree: Tree) -> None:
    response = upload(api(staff["window_a"]), b"a" * (roster.MAX_UPLOAD_BYTES + 1), name="名单.csv")
    assert response.status_code == 413
    assert response.json()["code"] == "roster_too_large"
    assert "2 MB" in response.json()["message"]


def test_an_uploaded_roster_over_the_row_limit_is_refused(staff: dict[str, User], api: Any, tree: Tree) -> None:
    lines = [HEADER] + [[str(n), "张三", person_id(1), "", "", "", "", ""] for n in range(roster.MAX_ROWS + 1)]
    response = upload(api(staff["window_a"]), csv_bytes(lines), name="名单.csv")
    assert response.status_code == 400
    assert error_fields(response) == {"file": ["roster_too_many_rows"]}


def test_checking_without_a_file_or_rows_asks_for_one(staff: dict[str, User], api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(CHECK_URL, {}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"file": ["required"]}


def test_register_workers_creates_missing_reuses_existing_and_links_ones_known_only_to_another_county(
    staff: dict[str, User], api: Any, tree: Tree
) -> None:
    existing, _created = core.worker_register(by=staff["window_a"], name="工人001", id_number=person_id(1))
    elsewhere, _created = core.worker_register(by=staff["window_b"], name="工人002", id_number=person_id(2))
    workers = Worker.objects.count()
    rows = [typed(1), typed(2), typed(3, phone="", amount_claimed="", period_from="", period_to="")]
    response = api(staff["window_a"]).post(REGISTER_URL, {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    new = Worker.objects.get(id_number=person_id(3))
    assert body == [
        {
            "row": 1,
            "worker": {"id": existing.pk, "name": "工人001"},
            "amount_claimed": "8000.50",
            "period_from": "2025-09-01",
            "period_to": "2025-12-31",
        },
        {
            "row": 2,
            "worker": {"id": elsewhere.pk, "name": "工人002"},
            "amount_claimed": "8000.50",
            "period_from": "2025-09-01",
            "period_to": "2025-12-31",
        },
        {
            "row": 3,
            "worker": {"id": new.pk, "name": "工人003"},
            "amount_claimed": "0.00",
            "period_from": None,
            "period_to": None,
        },
    ]
    assert Worker.objects.count() == workers + 1
    assert set(elsewhere.registrations.values_list("region__code", flat=True)) == {"339901", "339902"}
    assert list(existing.registrations.values_list("region__code", flat=True)) == ["339901"]
    assert (new.created_by, new.birth_date) == (staff["window_a"], dt.date(1983, 4, 4))
    assert list(new.registrations.values_list("region__code", flat=True)) == ["339901"]


def test_register_workers_of_50_rows_registers_them_all(staff: dict[str, User], api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(REGISTER_URL, {"rows": [typed(n) for n in range(1, 51)]}, format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()) == 50
    assert Worker.objects.visible_to(staff["window_a"]).count() == 50


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        (typed(2, id_number="123"), "rows.1.id_number", "id_number_length"),
        (typed(1), "rows.1.id_number", "duplicate"),
        (typed(2, amount_claimed="20000000"), "rows.1.amount_claimed", "max_value"),
        (typed(2, name="别人"), "rows.1.name", "name_mismatch"),
    ],
)
def test_register_workers_stores_nothing_when_any_row_is_bad(
    staff: dict[str, User], api: Any, tree: Tree, bad: dict[str, Any], field: str, code: str
) -> None:
    core.worker_register(by=staff["window_b"], name="工人002", id_number=person_id(2))
    counts = (Worker.objects.count(), WorkerRegistration.objects.count())
    response = api(staff["window_a"]).post(REGISTER_URL, {"rows": [typed(1), bad, typed(3)]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert code in error_fields(response)[field]
    message = next(e["message"] for e in response.json()["errors"] if e["field"] == field)
    assert message.startswith("第2行：")
    assert (Worker.objects.count(), WorkerRegistration.objects.count()) == counts


def test_register_workers_refuses_unknown_fields_and_a_roster_over_the_limit(
    staff: dict[str, User], api: Any, tree: Tree
) -> None:
    client = api(staff["window_a"])
    response = client.post(REGISTER_URL, {"rows": [typed(1, age="30")]}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"rows.0.age": ["unknown_field"]}
    response = client.post(REGISTER_URL, {"rows": [typed(1)] * (roster.MAX_ROWS + 1)}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"rows": ["roster_too_many_rows"]}
    assert Worker.objects.count() == 0


def test_register_workers_by_a_city_head_needs_a_county_region(staff: dict[str, User], api: Any, tree: Tree) -> None:
    client = api(staff["city_head"])
    response = client.post(REGISTER_URL, {"rows": [typed(1)]}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"region": ["region_level"]}
    response = client.post(REGISTER_URL, {"rows": [typed(1)], "region": "339902"}, format="json")
    assert response.status_code == 200, response.content
    assert list(Worker.objects.get().registrations.values_list("region__code", flat=True)) == ["339902"]


@pytest.mark.parametrize("who", ["assistant_a1", "admin_a", None])
@pytest.mark.parametrize(("method", "url"), [("get", TEMPLATE_URL), ("post", CHECK_URL), ("post", REGISTER_URL)])
def test_only_staff_who_register_complaints_may_use_the_roster(
    staff: dict[str, User], api: Any, tree: Tree, who: str | None, method: str, url: str
) -> None:
    client = api(staff[who] if who else None)
    response = client.post(url, {"rows": [typed(1)]}, format="json") if method == "post" else client.get(url)
    if who is None:
        assert response.status_code in (401, 403)
        assert response.json()["code"] == "not_authenticated"
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert Worker.objects.count() == 0


def test_the_roster_endpoints_are_described_in_the_openapi_schema_without_warnings() -> None:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include(ROSTER_URLS))]).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    assert set(schema["paths"]) == {TEMPLATE_URL, CHECK_URL, REGISTER_URL}
    check = schema["paths"][CHECK_URL]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(check)

"""GET /api/v1/wage-cases/export.xlsx: every row of the filtered list (not one page), with the
list's totals as numbers to the fen, scoped and recorded like the list."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from bureau.models import AccessAction, PersonalDataAccess
from tests.bureau.conftest import assert_error
from tests.wagecases.conftest import claims_of, days_ago
from wagecases import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/wage-cases/"
EXPORT = "/api/v1/wage-cases/export.xlsx"
MONEY_COLUMNS = slice(10, 16)  # claimed, confirmed, wages, compensation, interest, total paid
WORKERS_PAID, OUTSTANDING = 16, 17


def sheet(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def values(worksheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in worksheet.iter_rows(values_only=True)]


def as_date(value: Any) -> Any:
    return value.date().isoformat() if isinstance(value, dt.datetime) else value


def test_the_export_holds_every_row_of_the_filtered_list_with_the_same_totals(
    make_wagecase: Any, pay: Any, api: Any, staff: Any
) -> None:
    owed = make_wagecase(confirmed=["1000.00", None], opened_on=days_ago(3))
    pay(owed, (claims_of(owed)[0], "333.33", "wages"), (claims_of(owed)[0], "0.01", "interest"))
    make_wagecase(claimed=["0.10"], confirmed=["0.10"], opened_on=days_ago(2))
    paid = make_wagecase(claimed=["5.00"], confirmed=["5.00"], opened_on=days_ago(1))
    pay(paid, (claims_of(paid)[0], "5.00", "wages"), (claims_of(paid)[0], "2.50", "compensation"))
    services.wagecase_close(by=staff["head_a"], case=paid)
    client = api(staff["head_a"])
    query = {"outstanding": "true", "ordering": "-outstanding"}
    listed = client.get(URL, {**query, "page_size": 200}).json()["results"]

    worksheet = sheet(client.get(EXPORT, {**query, "page_size": 1, "page": 2}))
    rows = values(worksheet)

    assert rows[0][:5] == ("案件编号", "状态", "案件来源", "立案日期", "欠薪单位")
    assert len(rows[0]) == 20
    assert len(rows) - 1 == len(listed) == 2
    for line, row in zip(rows[1:], listed, strict=True):
        totals = row["totals"]
        assert (line[0], line[1], line[2], as_date(line[3]), line[4], line[5]) == (
            row["number"],
            row["status_display"],
            row["source_display"],
            row["opened_on"],
            row["employer"]["name"],
            row["employer"]["credit_code"],
        )
        assert (line[8], line[9]) == (totals["workers"], totals["unconfirmed"])
        figures = ("claimed", "confirmed", "wages_paid", "compensation_paid", "interest_paid", "total_paid")
        assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in line[MONEY_COLUMNS]] == [
            Decimal(totals[name]) for name in figures
        ]
        assert line[WORKERS_PAID] == totals["workers_paid"]
        assert Decimal(str(line[OUTSTANDING])).quantize(Decimal("0.01")) == Decimal(totals["outstanding"])
    assert rows[1][0] == owed.number
    assert rows[1][MONEY_COLUMNS][4:] == (0.01, 333.34)  # interest, total paid
    assert rows[1][OUTSTANDING] == 666.67
    # amounts are numbers shown with two decimals
    for cell in worksheet[2][MONEY_COLUMNS]:
        assert isinstance(cell.value, int | float) and cell.number_format == "0.00"


def test_the_export_is_scoped_and_recorded(make_wagecase: Any, api: Any, staff: Any, employer_b: Any) -> None:
    mine = make_wagecase()
    rows = values(sheet(api(staff["window_a"]).get(EXPORT)))
    assert [row[0] for row in rows[1:]] == [mine.number]
    access = PersonalDataAccess.objects.get(action=AccessAction.EXPORT)
    assert (access.user, access.model, access.object_ids) == (staff["window_a"], "wagecases.WageCase", [mine.pk])
    assert values(sheet(api(staff["window_b"]).get(EXPORT)))[1:] == []
    assert values(sheet(api(staff["assistant_a1"]).get(EXPORT)))[1:] == []


def test_text_that_looks_like_a_formula_is_exported_as_text(
    make_wagecase: Any, api: Any, staff: Any, employer_a: Any
) -> None:
    make_wagecase()
    type(employer_a).objects.filter(pk=employer_a.pk).update(name='=HYPERLINK("http://evil","点我")')
    cell = sheet(api(staff["window_a"]).get(EXPORT))["E2"]
    assert cell.value == '=HYPERLINK("http://evil","点我")'
    assert cell.data_type == "s"


def test_a_bad_filter_of_the_export_is_a_json_error(api: Any, staff: Any, tree: Any) -> None:
    assert_error(api(staff["window_a"]).get(EXPORT, {"opened_from": "soon"}), 400, "invalid")
    assert_error(api(None).get(EXPORT), 401, "not_authenticated")

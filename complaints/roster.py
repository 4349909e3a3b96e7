"""The roster of a group complaint (集体投诉名单): the Excel template to fill in, reading a filled
roster (.xlsx, a CSV saved by Excel, or rows typed in the intake form), checking every row and
reporting each problem with its row number, and registering or finding the workers it names.

Nothing here writes until `roster_register`, which takes a roster whose rows are all valid and
registers or links every worker in one transaction (all or nothing).

Row numbers are those the user sees: the Excel row number (the header is row 1) for a file, the
position in the list (from 1, or the `row` a typed row carries) for typed rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import roles
from bureau.identifiers import normalize_id_number, normalize_phone, parse_id_number
from bureau.models import Region, User, Worker
from bureau.services import clean_text, worker_register
from bureau.textfiles import decode_upload
from bureau.xlsx import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # re-exported for the roster view
from complaints.models import MAX_CLAIM
from complaints.services import MIN_WORKING_AGE, ComplainantInput, add_years

MAX_ROWS = 2000  # people on one roster; more is refused (split the roster)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: its contents, unpacked
MAX_SCANNED_ROWS = 20 * MAX_ROWS  # sheet rows read, blank ones included
MAX_COLUMNS = 50
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row or two
NAME_MAX = 50  # Worker.name
NOTE_MAX = 200

TEMPLATE_FILENAME = "集体投诉名单模板.xlsx"
TEMPLATE_ASCII_FILENAME = "roster-template.xlsx"

# The columns of the template, in order: (key, header, width).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("seq", "序号", 6),
    ("name", "姓名", 12),
    ("id_number", "身份证号码", 22),
    ("phone", "手机号码", 15),
    ("amount_claimed", "诉求金额（元）", 15),
    ("period_from", "欠薪起始日", 13),
    ("period_to", "欠薪截止日", 13),
    ("note", "备注", 30),
)
FIELDS = ("name", "id_number", "phone", "amount_claimed", "period_from", "period_to", "note")
REQUIRED_COLUMNS = ("name", "id_number")
# Keys a typed row may have (`row`: the row number to report it under).
ROW_KEYS = frozenset({"row", *FIELDS})

# Header spellings met in rosters, matched after _header_key() (full-width forms, spaces and
# "*" / "(必填)" marks removed). A header not listed here is ignored and reported as such: a
# column "诉求金额（万元）" must not be read as yuan.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "No.", "No"),
    "name": ("姓名", "名字", "劳动者姓名", "投诉人姓名", "工人姓名", "职工姓名"),
    "id_number": ("身份证号码", "身份证号", "身份证", "公民身份号码", "身份号码", "证件号码", "身份证件号码"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话", "电话号码", "联系方式"),
    "amount_claimed": (
        "诉求金额（元）",
        "诉求金额",
        "金额（元）",
        "金额",
        "欠薪金额（元）",
        "欠薪金额",
        "拖欠金额（元）",
        "拖欠金额",
        "拖欠工资（元）",
        "拖欠工资",
        "欠薪数额（元）",
    ),
    "period_from": ("欠薪起始日", "欠薪起始日期", "欠薪开始日", "欠薪开始日期", "起始日", "起始日期", "开始日期"),
    "period_to": ("欠薪截止日", "欠薪截止日期", "欠薪结束日", "欠薪结束日期", "截止日", "截止日期", "结束日期"),
    "note": ("备注", "说明"),
}
TOTAL_ROW_NAMES = frozenset({"合计", "总计", "小计", "共计"})

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
WHOLE_WITH_ZEROS = re.compile(r"^(\d+)\.0+$")
DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


class RosterError(Exception):
    """The roster as a whole cannot be read: wrong file type, no header, too many rows..."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass
class RosterRow:
    row: int  # the row number the user sees
    index: int  # position in the list of typed rows (in the data rows of a file)
    values: dict[str, Any] = field(default_factory=dict)  # normalized when valid, else as given
    errors: list[dict[str, str | None]] = field(default_factory=list)
    name: str = ""
    id_number: str = ""
    phone: str = ""
    amount_claimed: Decimal = Decimal("0.00")
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    birth_date: dt.date | None = None
    # Set by match_workers(): the person already known to the system under this ID number,
    # and whether the user's region sees that record.
    worker: Worker | None = None
    worker_visible: bool = False

    def add_error(self, field_name: str | None, code: str, message: str) -> None:
        self.errors.append({"field": field_name, "code": code, "message": message})

    def has_error(self, field_name: str) -> bool:
        return any(error["field"] == field_name for error in self.errors)

    def as_dict(self) -> dict[str, Any]:
        worker = {"id": self.worker.pk, "name": self.worker.name} if self.worker and self.worker_visible else None
        return {"row": self.row, "values": self.values, "errors": self.errors, "worker": worker}


@dataclass
class RosterResult:
    rows: list[RosterRow]
    source: str  # "xlsx", "csv" or "rows"
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def errors_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    @property
    def bad_rows(self) -> list[int]:
        return [row.row for row in self.rows if row.errors]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "source": self.source,
            "row_count": len(self.rows),
            "errors_count": self.errors_count,
            "bad_rows": self.bad_rows,
            "ignored_columns": self.ignored_columns,
            "rows": [row.as_dict() for row in self.rows],
        }


# --- the template ----------------------------------------------------------------------------


def roster_template() -> bytes:
    """The .xlsx to fill in: the data sheet (header in row 1, ID-number and phone columns as
    text so that Excel keeps all 18 digits, dates as dates, checks on entry) and a second sheet
    "填写说明" with the rules and an example row, which is never read."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("集体投诉名单")
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="999999")
    # Text, so that Excel keeps all 18 digits of an ID number and the leading digits of a phone.
    formats = {
        "name": "@",
        "id_number": "@",
        "phone": "@",
        "amount_claimed": "0.00",
        "period_from": "yyyy-mm-dd",
        "period_to": "yyyy-mm-dd",
        "note": "@",
    }
    for index, (key, header, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = header_font
        cell.fill = header_fill
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = width
        if key in formats:
            # A column style: cells typed into the column later take this format.
            dimension.number_format = formats[key]
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 20

    last = MAX_ROWS + 1
    letters = {key: get_column_letter(index) for index, (key, _header, _width) in enumerate(COLUMNS, start=1)}
    checks = [
        (
            DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True),
            "id_number",
            _("身份证号码应为18位（最后一位可以是X）。"),
        ),
        (
            DataValidation(
                type="decimal", operator="between", formula1="0", formula2=str(int(MAX_CLAIM)), allow_blank=True
            ),
            "amount_claimed",
            _("金额应在0到1000万元之间。"),
        ),
        (
            DataValidation(type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True),
            "period_from",
            _("请填写不晚于今天的日期，如2026-01-05。"),
        ),
        (
            DataValidation(type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True),
            "period_to",
            _("请填写不晚于今天的日期，如2026-01-05。"),
        ),
    ]
    for validation, key, message in checks:
        validation.error = message
        validation.errorTitle = _("输入有误")
        validation.showErrorMessage = True
        validation.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(validation)

    guide = workbook.create_sheet(_("填写说明"))
    guide.column_dimensions["A"].width = 100
    lines = [
        _("集体投诉名单填写说明"),
        "",
        _("1. 请在第一个工作表“集体投诉名单”中填写，每位劳动者一行，从第2行开始；不要修改或删除第1行的列名。"),
        _("2. 姓名、身份证号码必填；手机号码、诉求金额、欠薪起止日期按实际填写。"),
        _(
            "3. 身份证号码须为18位，最后一位可以是X。该列已设为“文本”格式，请勿改为数字格式，"
            "否则Excel会把号码显示为1.1E+17并丢失后几位。"
        ),
        _("4. 诉求金额以元为单位，最多两位小数，每人不超过1000万元。"),
        _(
            "5. 日期写成2026-01-05、2026/1/5或2026年1月5日均可；不能晚于今天，截止日不能早于起始日，"
            "起始日不能早于本人年满16周岁之日。"
        ),
        _("6. 同一身份证号码在名单中只能出现一次。空白行会被跳过；一次最多%(max)s人。") % {"max": MAX_ROWS},
        _("7. 也可以把名单另存为CSV文件（UTF-8或GBK编码）上传，列名相同。"),
        "",
        _("示例（仅供参考，本工作表的内容不会被导入）："),
    ]
    for line in lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    example_header = guide.max_row + 1
    for index, (_key, header, width) in enumerate(COLUMNS, start=1):
        cell = guide.cell(row=example_header, column=index, value=header)
        cell.font = header_font
        cell.fill = header_fill
        if index > 1:
            guide.column_dimensions[get_column_letter(index)].width = width
    example = [
        _("示例"),
        _("张三"),
        "11010519491231002X",
        "13800138000",
        Decimal("12000.00"),
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
        _("示例行，请勿照抄"),
    ]
    example_fill = PatternFill("solid", fgColor="F2F2F2")
    for index, value in enumerate(example, start=1):
        cell = guide.cell(row=example_header + 1, column=index, value=value)
        cell.fill = example_fill
        cell.font = Font(italic=True, color="808080")
        key = COLUMNS[index - 1][0]
        if key in formats:
            cell.number_format = formats[key]

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- reading ---------------------------------------------------------------------------------


def parse_roster(data: bytes | Sequence[Mapping[str, Any]], *, today: dt.date | None = None) -> RosterResult:
    """Read and check a roster: the bytes of an .xlsx (its first sheet) or a CSV file, or rows
    typed in the form (dicts with the keys of FIELDS, and optionally `row`).

    Raises RosterError when the roster as a whole cannot be read; problems of single rows are
    in each row's `errors`. Reads the database not at all (see match_workers)."""
    today = today or timezone.localdate()
    epoch = dt.datetime(1899, 12, 30)  # noqa: DTZ001 -- Excel's serial dates are naive
    ignored: list[str] = []
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_UPLOAD_BYTES:
            raise RosterError(
                "roster_too_large", _("文件不能超过%(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        source, table, epoch = _read_file(bytes(data))
        raw_rows, ignored = _rows_from_table(table)
    else:
        source = "rows"
        raw_rows = _rows_from_dicts(data)

    rows: list[RosterRow] = []
    for number, index, raw, unknown in raw_rows:
        if _blank(raw) and not unknown:
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterError("roster_too_many_rows", _("名单超过%(max)s人，请分批导入。") % {"max": MAX_ROWS})
        row = RosterRow(row=number, index=index)
        for key in unknown:
            row.add_error(key, "unknown_field", _("不允许的字段。"))
        _check_row(row, raw, today=today, epoch=epoch)
        rows.append(row)
    if not rows:
        raise RosterError("roster_empty", _("名单中没有填写任何人员。"))
    _check_duplicates(rows)
    return RosterResult(rows=rows, source=source, ignored_columns=ignored)


RawRow = tuple[int, int, dict[str, Any], list[str]]  # (row number, index, values by key, unknown keys)


def _rows_from_dicts(data: Sequence[Mapping[str, Any]]) -> list[RawRow]:
    result: list[RawRow] = []
    for index, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise RosterError("roster_unreadable", _("名单的每一行应为一个对象。"))
        number = item.get("row")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            number = index + 1
        raw = {key: item.get(key) for key in FIELDS}
        unknown = sorted(str(key) for key in item if key not in ROW_KEYS)
        result.append((number, index, raw, unknown))
    return result


def _read_file(data: bytes) -> tuple[str, Iterator[tuple[int, Sequence[Any]]], dt.datetime]:
    """("xlsx" or "csv", the rows of the sheet with their numbers, the workbook's date epoch)."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterError(
            "roster_type", _("这是旧版Excel（.xls）文件，请在Excel中另存为“Excel工作簿（.xlsx）”后再上传。")
        )
    if b"\x00" in data[:8192]:
        raise RosterError("roster_type", _("只能上传Excel（.xlsx）或CSV文件。"))
    text = decode_upload(data)
    if text is None:
        raise RosterError("roster_unreadable", _("无法识别文件的编码，请另存为UTF-8或GBK编码的CSV文件。"))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise RosterError("roster_unreadable", _("无法读取该CSV文件，请用Excel重新保存后再上传。")) from None

    return "csv", rows(), dt.datetime(1899, 12, 30)  # noqa: DTZ001


def _read_xlsx(data: bytes) -> tuple[str, Iterator[tuple[int, Sequence[Any]]], dt.datetime]:
    unreadable = RosterError("roster_unreadable", _("无法读取该文件，请确认是用Excel保存的.xlsx文件，或使用模板。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    if "xl/workbook.xml" not in names:
        raise RosterError("roster_type", _("只能上传Excel（.xlsx）或CSV文件。"))
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES or len(members) > 1000:
        raise RosterError("roster_too_large", _("文件内容过大，请只保留名单所在的工作表后再上传。"))

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The size a file declares may be wrong (some programs write none or a stale one):
        # read what is there.
        sheet.reset_dimensions()
        epoch = workbook.epoch
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds of error on a damaged file
        raise unreadable from None

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, values[:MAX_COLUMNS]
        except Exception:  # noqa: BLE001
            raise unreadable from None
        finally:
            workbook.close()

    return "xlsx", rows(), epoch


def _header_key(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text))
    value = re.sub(r"\s+", "", value).replace("*", "").rstrip(":")
    value = re.sub(r"\((必填|选填|可选|可不填|非必填)\)", "", value)
    return value.lower()


ALIASES: dict[str, str] = {_header_key(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
HEADERS: dict[str, str] = {key: header for key, header, _width in COLUMNS}


def _rows_from_table(table: Iterator[tuple[int, Sequence[Any]]]) -> tuple[list[RawRow], list[str]]:
    """Find the header among the first rows, then map every later row to {key: value}.
    Returns the rows and the headers that were not recognised (their columns are ignored)."""
    try:
        return _scan(table)
    finally:
        close = getattr(table, "close", None)
        if close is not None:
            close()  # closes the workbook when the header search gave up early


def _scan(table: Iterator[tuple[int, Sequence[Any]]]) -> tuple[list[RawRow], list[str]]:
    columns: dict[str, int] | None = None
    ignored: list[str] = []
    candidate: tuple[int, dict[str, int]] | None = None
    result: list[RawRow] = []
    filled = 0
    too_many = RosterError("roster_too_many_rows", _("名单超过%(max)s人，请分批导入。") % {"max": MAX_ROWS})
    for number, values in table:
        if number > MAX_SCANNED_ROWS:
            raise too_many
        if columns is None:
            if number > HEADER_SEARCH_ROWS:
                break
            found, unknown, duplicate = _match_header(values)
            if duplicate:
                raise RosterError(
                    "roster_header_duplicate",
                    _("列“%(column)s”出现了不止一次，请只保留一列。") % {"column": duplicate},
                )
            if all(key in found for key in REQUIRED_COLUMNS):
                columns, ignored = found, unknown
            elif len(found) >= 2 and candidate is None:
                candidate = (number, found)
            continue
        raw = {key: values[position] if position < len(values) else None for key, position in columns.items()}
        # A column of FIELDS missing from the sheet reads as blank.
        fields = {key: raw.get(key) for key in FIELDS}
        if _blank(fields):
            continue
        filled += 1
        if filled > MAX_ROWS:
            raise too_many  # without reading the rest
        result.append((number, len(result), fields, []))
    if columns is None:
        if candidate is not None:
            missing = "、".join(HEADERS[key] for key in REQUIRED_COLUMNS if key not in candidate[1])
            raise RosterError(
                "roster_columns_missing",
                _("表头（第%(row)s行）缺少必需的列：%(columns)s。请使用模板。")
                % {"row": candidate[0], "columns": missing},
            )
        raise RosterError("roster_header", _("未找到表头。第一行应为“姓名”“身份证号码”等列名，请使用模板。"))
    return result, ignored


def _match_header(values: Sequence[Any]) -> tuple[dict[str, int], list[str], str | None]:
    """({key: column position}, headers not recognised, a header given twice or None)."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    for position, value in enumerate(values):
        if value is None or not str(value).strip():
            continue
        key = ALIASES.get(_header_key(value))
        if key is None:
            unknown.append(str(value).strip())
        elif key in found:
            return found, unknown, str(value).strip()
        else:
            found[key] = position
    return found, unknown, None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _blank(raw: Mapping[str, Any]) -> bool:
    """A row with nothing but perhaps a 序号 or a 备注, or a total (合计) row: skipped."""
    keys = ("name", "id_number", "phone", "amount_claimed", "period_from", "period_to")
    if all(_is_blank(raw.get(key)) for key in keys):
        return True
    name = raw.get("name")
    return isinstance(name, str) and "".join(name.split()) in TOTAL_ROW_NAMES and _is_blank(raw.get("id_number"))


# --- checking a row --------------------------------------------------------------------------


def _check_row(row: RosterRow, raw: Mapping[str, Any], *, today: dt.date, epoch: dt.datetime) -> None:
    _check_name(row, raw.get("name"))
    _check_id_number(row, raw.get("id_number"), today)
    _check_phone(row, raw.get("phone"))
    _check_amount(row, raw.get("amount_claimed"))
    row.period_from = _check_date(row, "period_from", raw.get("period_from"), epoch)
    row.period_to = _check_date(row, "period_to", raw.get("period_to"), epoch)
    _check_period(row, today)
    note = "" if _is_blank(raw.get("note")) else _text(raw.get("note"))
    row.values["note"] = note
    if len(note) > NOTE_MAX:
        row.add_error("note", "max_length", _("备注不能超过%(max)s个字。") % {"max": NOTE_MAX})
    row.values = {key: row.values.get(key) for key in FIELDS}


def _text(value: Any) -> str:
    """A cell as text: a whole number without ".0", dates as ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _unquote(text: str) -> str:
    """Undo the ways people keep Excel from turning digits into a number: a leading
    apostrophe, ="..." or a leading tab."""
    text = text.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.lstrip("'‘’`").strip()


def _check_name(row: RosterRow, value: Any) -> None:
    name = "" if _is_blank(value) else clean_text(_text(value))
    row.name = row.values["name"] = name
    if not name:
        row.add_error("name", "required", _("请填写姓名。"))
    elif len(name) > NAME_MAX:
        row.add_error("name", "max_length", _("姓名不能超过%(max)s个字。") % {"max": NAME_MAX})


def _check_id_number(row: RosterRow, value: Any, today: dt.date) -> None:
    if _is_blank(value):
        row.values["id_number"] = ""
        row.add_error("id_number", "required", _("请填写身份证号码。"))
        return
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _unquote(unicodedata.normalize("NFKC", clean_text(_text(value))))
    digits = normalize_id_number(text)
    row.values["id_number"] = row.id_number = digits
    rounded_message = _(
        "身份证号码被Excel当作数字保存，后几位已经丢失，无法恢复。请把“身份证号码”列设置为“文本”格式"
        "（或使用模板）后重新填写。"
    )
    # A float holds 15 to 17 significant digits, Excel keeps 15: the rest of a longer number
    # is gone, even when what is left happens to pass the check digit.
    if SCIENTIFIC.match(digits) or (isinstance(value, float) and len(digits) > 15):
        row.add_error("id_number", "id_number_excel_rounded", rounded_message)
        row.id_number = ""  # not a number to compare with others
        return
    try:
        parsed = parse_id_number(digits, today=today)
    except ValidationError as exc:
        code = exc.code or "invalid"
        # Digits after the 15th all zero: an ID number that went through a number cell.
        rounded = (
            digits.isdigit()
            and len(digits) > 15
            and set(digits[15:]) == {"0"}
            and (numeric or code == "id_number_check_digit")
        )
        if rounded:
            row.add_error("id_number", "id_number_excel_rounded", rounded_message)
            row.id_number = ""
        else:
            row.add_error("id_number", code, exc.messages[0])
        return
    row.values["id_number"] = row.id_number = parsed.value
    row.birth_date = parsed.birth_date


def _check_phone(row: RosterRow, value: Any) -> None:
    if _is_blank(value):
        row.values["phone"] = row.phone = ""
        return
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = _unquote(unicodedata.normalize("NFKC", clean_text(_text(value))))
        match = WHOLE_WITH_ZEROS.match(text)
        if match:
            text = match.group(1)
    row.values["phone"] = text
    if SCIENTIFIC.match(text):
        row.add_error(
            "phone",
            "phone_excel_rounded",
            _("手机号码被Excel以科学计数法保存（如1.38E+10），无法恢复。请把“手机号码”列设置为“文本”格式后重新填写。"),
        )
        return
    try:
        row.phone = row.values["phone"] = normalize_phone(text)
    except ValidationError as exc:
        row.add_error("phone", exc.code or "phone_invalid", exc.messages[0])


def _check_amount(row: RosterRow, value: Any) -> None:
    cents = Decimal("0.01")
    if _is_blank(value):
        row.amount_claimed = Decimal("0.00")
        row.values["amount_claimed"] = "0.00"
        return
    invalid = _("金额格式不正确，请填写数字，如12000或12000.50。")
    amount: Decimal | None = None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
        if amount.is_finite():
            rounded = amount.quantize(cents) if abs(amount) < MAX_CLAIM * 10 else amount
            # Excel arithmetic leaves binary noise (3000.0000000000005): keep the cents.
            if abs(amount - rounded) < Decimal("0.000001"):
                amount = rounded
    elif isinstance(value, Decimal):
        amount = value
    else:
        text = unicodedata.normalize("NFKC", _text(value))
        text = re.sub(r"[\s,¥元]|RMB|CNY", "", text, flags=re.IGNORECASE)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
    row.values["amount_claimed"] = _text(value)
    if amount is None or not amount.is_finite():
        row.add_error("amount_claimed", "invalid", invalid)
        return
    if amount < 0:
        row.add_error("amount_claimed", "min_value", _("金额不能为负数。"))
        return
    if amount > MAX_CLAIM:
        row.add_error("amount_claimed", "max_value", _("金额超过每人1000万元，请核对。"))
        return
    quantized = amount.quantize(cents)
    if quantized != amount:
        row.add_error("amount_claimed", "max_decimal_places", _("金额最多保留两位小数。"))
        return
    row.amount_claimed = quantized
    row.values["amount_claimed"] = str(quantized)


def _check_date(row: RosterRow, name: str, value: Any, epoch: dt.datetime) -> dt.date | None:
    if _is_blank(value):
        row.values[name] = None
        return None
    day = _to_date(value, epoch)
    if day is None:
        row.values[name] = _text(value)
        row.add_error(name, "date_invalid", _("日期格式不正确，请写成2026-01-05、2026/1/5或2026年1月5日。"))
        return None
    row.values[name] = day.isoformat()
    return day


def _to_date(value: Any, epoch: dt.datetime) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | dt.time):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a serial date with a time of day
        number = int(value)
        if 19000101 <= number <= 99991231:  # typed as 20260105
            return _date_or_none(number // 10000, number // 100 % 100, number % 100)
        if 1 <= number <= EXCEL_MAX_SERIAL:  # a serial date in a cell not formatted as a date
            return (epoch + dt.timedelta(days=number)).date()
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = DATE_TEXT.match(text) or DATE_COMPACT.match(text)
    if match is None:
        return None
    return _date_or_none(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _check_period(row: RosterRow, today: dt.date) -> None:
    """The rules of complaints.services._check_period, every one reported."""
    for name, value in (("period_from", row.period_from), ("period_to", row.period_to)):
        if value and value > today:
            row.add_error(name, "date_in_future", _("日期不能晚于今天。"))
    if row.period_from and row.period_to and row.period_from > row.period_to:
        row.add_error("period_to", "period_order", _("截止日不能早于起始日。"))
    if row.birth_date and row.period_from and row.period_from < add_years(row.birth_date, MIN_WORKING_AGE):
        row.add_error("period_from", "before_working_age", _("起始日早于该劳动者年满16周岁的日期，请核对。"))


def _check_duplicates(rows: Sequence[RosterRow]) -> None:
    by_id: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.id_number:
            by_id[row.id_number].append(row)
    for group in by_id.values():
        if len(group) < 2:
            continue
        for row in group:
            others = "、".join(str(other.row) for other in group if other is not row)
            row.add_error("id_number", "duplicate", _("与第%(rows)s行的身份证号码重复。") % {"rows": others})


# --- workers ---------------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return "".join(clean_text(a).split()) == "".join(clean_text(b).split())


def match_workers(by: User, rows: Iterable[RosterRow]) -> None:
    """Find the person already known under each valid ID number (`row.worker`), note whether
    the user's region sees that record, and report a name that differs from the stored one
    (`name_mismatch`): which of the two is right is for the user to find out. Only reads."""
    rows = [row for row in rows if row.id_number and not row.has_error("id_number")]
    known = {worker.id_number: worker for worker in Worker.objects.filter(id_number__in={r.id_number for r in rows})}
    visible = set(
        Worker.objects.visible_to(by)
        .filter(pk__in=[worker.pk for worker in known.values()])
        .values_list("pk", flat=True)
    )
    for row in rows:
        worker = known.get(row.id_number)
        row.worker, row.worker_visible = worker, bool(worker and worker.pk in visible)
        if worker is None or not row.name or _same_name(worker.name, row.name):
            continue
        if row.worker_visible:
            message = _("该身份证号码已登记的姓名为“%(name)s”，与填写的姓名不一致，请核对。") % {"name": worker.name}
        else:
            # Another region's record: do not show its data.
            message = _("姓名与系统中该身份证号码已登记的姓名不一致，请核对。")
        row.add_error("name", "name_mismatch", message)


def rows_error(rows: Sequence[RosterRow]) -> ValidationError:
    """The errors of the rows as one ValidationError keyed `rows.<index>.<field>` (the position
    in the list sent), each message starting with the row number the user sees."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    for row in rows:
        for error in row.errors:
            key = f"rows.{row.index}" + (f".{error['field']}" if error["field"] else "")
            message = _("第%(row)s行：%(message)s") % {"row": row.row, "message": error["message"]}
            errors[key].append(ValidationError(message, code=error["code"]))
    return ValidationError(dict(errors))


@transaction.atomic
def roster_register(*, by: User, rows: Sequence[RosterRow], region: Region | None = None) -> list[ComplainantInput]:
    """Find or register the worker of every row of a checked roster (parse_roster) and return
    the complainants, in the rows' order, ready for complaint_register.

    A worker the user's region already sees is reused; one known only to another region is
    linked to this one (worker_register); a new one is registered in `region` (default: the
    user's). Any row error, including a name that differs from the one stored for the ID
    number, raises a ValidationError (keys `rows.<index>.<field>`) and nothing is stored."""
    roles.require(by, "complaints.register")
    if not rows:
        raise ValidationError({"rows": [ValidationError(_("名单中没有填写任何人员。"), code="roster_empty")]})
    _check_duplicates([row for row in rows if not row.has_error("id_number")])
    match_workers(by, rows)
    if any(row.errors for row in rows):
        raise rows_error(rows)
    result = []
    for row in rows:
        worker = row.worker
        if worker is None or not row.worker_visible:
            fields: dict[str, Any] = {"name": row.name, "id_number": row.id_number}
            if row.phone:
                fields["phone"] = row.phone
            try:
                worker, _created = worker_register(by=by, region=region, **fields)
            except ValidationError as exc:
                raise _row_error(row, exc) from None
        result.append(
            ComplainantInput(
                worker=worker,
                amount_claimed=row.amount_claimed,
                period_from=row.period_from,
                period_to=row.period_to,
            )
        )
    return result


def _row_error(row: RosterRow, exc: ValidationError) -> ValidationError:
    """A worker_register error as the row's (a `region` error concerns the whole roster)."""
    if not hasattr(exc, "error_dict"):
        return rows_error([_with_error(row, None, exc)])
    errors: dict[str, list[ValidationError]] = {}
    for key, items in exc.error_dict.items():
        if key == "region":
            errors[key] = items
        else:
            for item in items:
                for message in item.messages:
                    text = _("第%(row)s行：%(message)s") % {"row": row.row, "message": message}
                    errors.setdefault(f"rows.{row.index}.{key}", []).append(ValidationError(text, code=item.code))
    return ValidationError(errors)


def _with_error(row: RosterRow, field_name: str | None, exc: ValidationError) -> RosterRow:
    for message in exc.messages:
        row.add_error(field_name, exc.code or "invalid", message)
    return row

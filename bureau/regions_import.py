"""Import of the administrative division tree (GB/T 2260 and its township/village extensions).

Used by `manage.py import_regions`, by `seed_demo` and, later, by an upload in the admin pages.
The input is a CSV file with a header row: `code,name` required, `parent_code` and `level`
optional. Codes have 6 digits (province `XX0000`, city `XXXX00`, county `XXXXXX`), 9 digits
(township) or 12 digits (community/village). When the level or the parent is not given it is
derived from the code:

- 6 digits: `XX0000` is a province, `XXXX00` a city, anything else a county;
- a city's parent is `XX0000`; a county's parent is `XXXX00` if that region is in the file or
  already in the database, else `XX0000` (municipalities and directly administered counties);
- a township's parent is its first 6 digits, a village's its first 9.

A given `parent_code` wins over the derivation (the code pattern has exceptions). Rows may come in
any order. The import is an upsert: new codes are created, known codes get the file's name,
level and parent, and regions not in the file are left alone, so re-running a file changes
nothing. It is all or nothing: any bad row aborts the whole import with one error listing every
bad line by its number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau.audit import acting_as
from bureau.identifiers import PROVINCE_PREFIXES
from bureau.models import Region, RegionLevel, User
from bureau.textfiles import decode_upload

COLUMNS = ("code", "name", "parent_code", "level")
REQUIRED_COLUMNS = ("code", "name")

# CSV text or bytes, or rows as mappings (the first one is line 2, as under a header row).
Source: TypeAlias = str | bytes | Iterable[Mapping[str, Any]]

_CODE = re.compile(r"\d{6}|\d{9}|\d{12}")
_LEVEL_NAMES = {
    "province": RegionLevel.PROVINCE,
    "city": RegionLevel.CITY,
    "county": RegionLevel.COUNTY,
    "township": RegionLevel.TOWNSHIP,
    "village": RegionLevel.VILLAGE,
}
# The header row is line 1 of a file; the first data row is line 2.
_FIRST_DATA_LINE = 2


@dataclass(frozen=True)
class RegionRow:
    """One valid row, with its level and parent code resolved."""

    line: int
    code: str
    name: str
    level: int
    parent_code: str  # "" for a province


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("第%(line)s行：%(message)s") % {"line": self.line, "message": self.message}


class RegionImportError(ValidationError):
    """The file was refused; nothing was stored. `line_errors` lists every bad line."""

    def __init__(self, line_errors: list[LineError]) -> None:
        self.line_errors = sorted(line_errors, key=lambda e: e.line)
        super().__init__(
            [ValidationError(str(e), code="region_import_row") for e in self.line_errors],
            code="region_import_invalid",
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), else GB18030, which is what
    Excel saves "CSV" as on Chinese Windows."""
    text = decode_upload(data)
    if text is None:
        raise RegionImportError([LineError(1, _("文件应为UTF-8或GBK编码的CSV文本。"))])
    return text


def derived_level(code: str) -> int:
    """The level a well-formed code has by the GB/T 2260 pattern."""
    if len(code) == 12:
        return RegionLevel.VILLAGE
    if len(code) == 9:
        return RegionLevel.TOWNSHIP
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def parent_candidates(code: str, level: int) -> list[str]:
    """The codes that may be the parent of `code` at `level`, preferred first."""
    if level == RegionLevel.PROVINCE:
        return []
    if level == RegionLevel.VILLAGE:
        return [code[:9]]
    if level == RegionLevel.TOWNSHIP:
        return [code[:6]]
    province = code[:2] + "0000"
    if level == RegionLevel.COUNTY:
        city = code[:4] + "00"
        return [c for c in (city, province) if c != code]
    return [province] if province != code else []


def _records(source: Source) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    """(line number, {column: value}) for every non-blank data row, and header errors."""
    if isinstance(source, bytes):
        source = decode(source)
    records: list[tuple[int, dict[str, str]]] = []
    if not isinstance(source, str):
        for index, mapping in enumerate(source):
            values = {str(k).strip().lower(): "" if v is None else str(v) for k, v in mapping.items() if k is not None}
            if any(value.strip() for value in values.values()):
                records.append((index + _FIRST_DATA_LINE, values))
        return records, []

    reader = csv.reader(io.StringIO(source.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    errors: list[LineError] = []
    for cells in reader:
        if header is None:
            if not any(cell.strip() for cell in cells):
                continue
            header = [cell.strip().lower() for cell in cells]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            unknown = [c for c in header if c and c not in COLUMNS]
            if missing:
                errors.append(
                    LineError(
                        reader.line_num,
                        _("表头缺少必需的列：%(columns)s（应为 code,name[,parent_code][,level]）。")
                        % {"columns": ", ".join(missing)},
                    )
                )
            if unknown:
                errors.append(
                    LineError(reader.line_num, _("表头含有未知的列：%(columns)s。") % {"columns": ", ".join(unknown)})
                )
            if errors:
                return [], errors
            continue
        if not any(cell.strip() for cell in cells):
            continue
        extra = [cell for cell in cells[len(header) :] if cell.strip()]
        if extra:
            errors.append(LineError(reader.line_num, _("列数多于表头。")))
            continue
        records.append((reader.line_num, {col: cell for col, cell in zip(header, cells, strict=False) if col}))
    if header is None:
        errors.append(LineError(1, _("文件为空，应有表头行 code,name[,parent_code][,level]。")))
    return records, errors


def _chunks(codes: set[str], size: int = 1000) -> list[list[str]]:
    """Codes in slices small enough for one `IN (...)` on every database."""
    ordered = sorted(codes)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _code_error(code: str) -> str | None:
    if not code:
        return _("区划代码为空。")
    if not _CODE.fullmatch(code):
        return _("区划代码“%(code)s”无效，应为6、9或12位数字。") % {"code": code}
    if code[:2] not in PROVINCE_PREFIXES:
        return _("区划代码“%(code)s”的省级代码“%(prefix)s”不存在。") % {"code": code, "prefix": code[:2]}
    if len(code) >= 9 and code[6:9] == "000":
        return _("区划代码“%(code)s”的乡级代码不能为000。") % {"code": code}
    if len(code) == 12 and code[9:] == "000":
        return _("区划代码“%(code)s”的村级代码不能为000。") % {"code": code}
    return None


def _parse_level(raw: str) -> int | None:
    value = raw.strip().lower()
    if value in _LEVEL_NAMES:
        return _LEVEL_NAMES[value]
    if value.isdigit() and int(value) in RegionLevel.values:
        return int(value)
    return None


def _level_error(code: str, level: int) -> str | None:
    """Whether `level` fits the length and pattern of `code`."""
    expected = derived_level(code)
    if len(code) != 6 or expected == RegionLevel.PROVINCE or level == RegionLevel.PROVINCE:
        if level != expected:
            return _("级别%(level)s与区划代码“%(code)s”不符（应为%(expected)s）。") % {
                "level": level,
                "code": code,
                "expected": expected,
            }
        return None
    if level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        return _("级别%(level)s与区划代码“%(code)s”不符（6位代码应为1、2或3级）。") % {"level": level, "code": code}
    return None


def parse(source: Source) -> list[RegionRow]:
    """Check every row and resolve levels and parents, looking up in the database the parents
    that are not in the file. Raises RegionImportError listing every bad line."""
    records, errors = _records(source)
    if errors:
        raise RegionImportError(errors)
    name_max = Region._meta.get_field("name").max_length or 100

    # Pass 1: each row on its own.
    first_line: dict[str, int] = {}
    checked: list[tuple[int, str, str, int, str]] = []  # line, code, name, level, given parent
    for line, cells in records:
        problems: list[str] = []
        code = cells.get("code", "").strip()
        name = cells.get("name", "").strip()
        given_parent = cells.get("parent_code", "").strip()
        raw_level = cells.get("level", "").strip()

        code_problem = _code_error(code)
        duplicate = False
        if code_problem:
            problems.append(code_problem)
        elif code in first_line:
            duplicate = True
            problems.append(_("区划代码“%(code)s”与第%(line)s行重复。") % {"code": code, "line": first_line[code]})
        else:
            first_line[code] = line
        if not name:
            problems.append(_("名称为空。"))
        elif len(name) > name_max:
            problems.append(_("名称超过%(max)s个字。") % {"max": name_max})

        level = None if code_problem else derived_level(code)
        if raw_level:
            given_level = _parse_level(raw_level)
            if given_level is None:
                problems.append(_("级别“%(value)s”无效，应为1-5。") % {"value": raw_level})
            elif not code_problem:
                level_problem = _level_error(code, given_level)
                if level_problem:
                    problems.append(level_problem)
                else:
                    level = given_level
        if given_parent:
            if not _CODE.fullmatch(given_parent):
                problems.append(_("上级代码“%(code)s”无效。") % {"code": given_parent})
            elif given_parent == code:
                problems.append(_("上级代码不能是本区划自己。"))

        errors.extend(LineError(line, p) for p in problems)
        if level is not None and not duplicate:
            # Rows with other problems still take part in the parent checks, so that every
            # problem of the file is reported at once.
            checked.append((line, code, name, level, given_parent))

    # Pass 2: parents, from the file or the database.
    levels = {code: level for _line, code, _name, level, _parent in checked}
    wanted = {p for _l, _c, _n, _lv, p in checked if p}
    for _line, code, _name, level, given in checked:
        if not given:
            wanted.update(parent_candidates(code, level))
    wanted -= levels.keys()
    known = dict(levels)
    for chunk in _chunks(wanted):
        known.update(Region.objects.filter(code__in=chunk).values_list("code", "level"))

    rows: list[RegionRow] = []
    for line, code, name, level, given in checked:
        parent = ""
        if given:
            if level == RegionLevel.PROVINCE:
                errors.append(LineError(line, _("省级区划不能有上级。")))
                continue
            if given not in known:
                errors.append(LineError(line, _("上级区划“%(code)s”不存在。") % {"code": given}))
                continue
            parent = given
        elif level != RegionLevel.PROVINCE:
            candidates = parent_candidates(code, level)
            parent = next((c for c in candidates if c in known), "")
            if not parent:
                errors.append(
                    LineError(
                        line,
                        _("上级区划“%(code)s”不存在（文件和系统中都没有）。")
                        % {"code": candidates[-1] if candidates else "-"},
                    )
                )
                continue
        if parent and known[parent] >= level:
            errors.append(
                LineError(
                    line,
                    _("上级区划“%(parent)s”的级别（%(parent_level)s）应高于本区划（%(level)s）。")
                    % {"parent": parent, "parent_level": known[parent], "level": level},
                )
            )
            continue
        rows.append(RegionRow(line=line, code=code, name=name, level=level, parent_code=parent))
    if errors:
        raise RegionImportError(errors)
    return rows


def import_regions(rows_or_text: Source, *, by: User | None = None) -> ImportResult:
    """Create or update the regions of `rows_or_text` in one transaction, attributed to `by` in
    the audit trail. Raises RegionImportError, storing nothing, when any row is bad."""
    with transaction.atomic():
        rows = parse(rows_or_text)
        return _write(rows, by=by)


def _write(rows: list[RegionRow], *, by: User | None) -> ImportResult:
    result = ImportResult()
    codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    by_code: dict[str, Region] = {}
    for chunk in _chunks(codes):
        by_code.update((r.code, r) for r in Region.objects.select_for_update().filter(code__in=chunk))
    with acting_as(by):
        # A parent always has a lower level than its child, so parents are written first.
        for row in sorted(rows, key=lambda r: (r.level, r.code)):
            parent = by_code[row.parent_code] if row.parent_code else None
            region = by_code.get(row.code)
            if region is None:
                region = Region(code=row.code, name=row.name, level=row.level, parent=parent)
                region.save()
                by_code[row.code] = region
                result.created += 1
                continue
            parent_id = parent.pk if parent else None
            if (region.name, region.level, region.parent_id) == (row.name, row.level, parent_id):
                result.unchanged += 1
                continue
            old_path = region.path
            region.name, region.level, region.parent = row.name, row.level, parent
            region.save()
            if region.path != old_path:
                _move_descendants(region, old_path, by_code)
            result.updated += 1
    return result


def _move_descendants(region: Region, old_path: str, loaded: dict[str, Region]) -> None:
    """Region.save() moved the subtree in the database; bring the regions already loaded in
    memory up to date too."""
    new_path = region.path
    for other in loaded.values():
        if other.pk != region.pk and other.path.startswith(old_path):
            other.path = new_path + other.path[len(old_path) :]

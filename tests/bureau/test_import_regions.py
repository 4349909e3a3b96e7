"""Importing the division tree from CSV: levels and parents from the codes, re-import as an
update, all or nothing with every bad line named."""

from __future__ import annotations

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from bureau.models import Region, RegionLevel
from bureau.regions_import import RegionImportError, import_regions

# Children before parents, no level or parent given: all derived from the codes. 110101 sits
# directly under the municipality (no 110100 in the file), 441900003 directly under a city.
TREE_CSV = """code,name
330102001001,清波社区
330102001,清波街道
330102,上城区
330100,杭州市
330000,浙江省
110101,东城区
110000,北京市
441900003,东城街道
441900,东莞市
440000,广东省
"""


def tree_of(codes: list[str]) -> dict[str, tuple[str, int, str | None, str]]:
    return {
        r.code: (r.name, r.level, r.parent.code if r.parent else None, r.path)
        for r in Region.objects.filter(code__in=codes).select_related("parent")
    }


def test_levels_and_parents_are_derived_from_the_codes(db):
    result = import_regions(TREE_CSV)

    assert (result.created, result.updated, result.unchanged) == (10, 0, 0)
    regions = tree_of(["330000", "330100", "330102", "330102001", "330102001001", "110101", "441900003"])
    assert regions["330000"] == ("浙江省", RegionLevel.PROVINCE, None, "330000/")
    assert regions["330100"] == ("杭州市", RegionLevel.CITY, "330000", "330000/330100/")
    assert regions["330102"] == ("上城区", RegionLevel.COUNTY, "330100", "330000/330100/330102/")
    assert regions["330102001"][1:3] == (RegionLevel.TOWNSHIP, "330102")
    assert regions["330102001001"] == (
        "清波社区",
        RegionLevel.VILLAGE,
        "330102001",
        "330000/330100/330102/330102001/330102001001/",
    )
    assert regions["110101"][1:3] == (RegionLevel.COUNTY, "110000")
    assert regions["441900003"][1:3] == (RegionLevel.TOWNSHIP, "441900")
    hangzhou = Region.objects.get(code="330100")
    assert set(Region.objects.subtree(hangzhou).values_list("code", flat=True)) == {
        "330100",
        "330102",
        "330102001",
        "330102001001",
    }


def test_a_given_parent_and_level_win_over_the_code_pattern(db):
    # 429004 仙桃市 is administered by the province directly, not by 429000.
    import_regions(
        "code,name,parent_code,level\n"
        "420000,湖北省,,\n"
        "429000,省直辖县级行政区划,420000,2\n"
        "429004,仙桃市,420000,3\n"
        "429005,潜江市,,\n"
    )
    regions = tree_of(["429000", "429004", "429005"])
    assert regions["429000"][1:3] == (RegionLevel.CITY, "420000")
    assert regions["429004"][1:3] == (RegionLevel.COUNTY, "420000")
    assert regions["429005"][1:3] == (RegionLevel.COUNTY, "429000")  # derived: XXXX00 is in the file


def test_parents_already_in_the_database_are_used(tree):
    result = import_regions([{"code": "339903", "name": "南溪县"}, {"code": "339903101", "name": "南溪镇"}])

    assert result.created == 2
    town = Region.objects.get(code="339903101")
    assert town.parent.code == "339903"
    assert town.path == "330000/339900/339903/339903101/"
    assert tree.city.contains(town)


def test_reimport_updates_names_and_parents_and_creates_nothing_twice(db):
    import_regions(TREE_CSV)
    count = Region.objects.count()
    ids = dict(Region.objects.values_list("code", "id"))

    again = import_regions(TREE_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)

    # Rename a district and move the sub-district (with its community) under another district.
    changed = import_regions(
        "code,name,parent_code\n"
        "330102,上城区（新）,\n"
        "330105,拱墅区,\n"
        "330102001,清波街道,330105\n"
        "330102001001,清波社区,\n"
    )
    assert (changed.created, changed.updated, changed.unchanged) == (1, 2, 1)
    assert Region.objects.count() == count + 1
    assert dict(Region.objects.exclude(code="330105").values_list("code", "id")) == ids
    regions = tree_of(["330102", "330102001", "330102001001"])
    assert regions["330102"][0] == "上城区（新）"
    assert regions["330102001"][2:] == ("330105", "330000/330100/330105/330102001/")
    # the community below the moved sub-district moved with it
    assert regions["330102001001"][3] == "330000/330100/330105/330102001/330102001001/"
    new_district = Region.objects.get(code="330105")
    assert "330102001001" in set(Region.objects.subtree(new_district).values_list("code", flat=True))
    old_district = Region.objects.get(code="330102")
    assert set(Region.objects.subtree(old_district).values_list("code", flat=True)) == {"330102"}


def test_a_bad_file_stores_nothing_and_names_every_bad_line(db):
    text = (
        "code,name,parent_code,level\n"  # 1
        "330000,浙江省,,\n"  # 2 fine
        "330100,杭州市,,\n"  # 3 fine
        "33010,坏代码,,\n"  # 4 five digits
        "330102,,,\n"  # 5 empty name
        "330100,杭州市,,\n"  # 6 duplicate of line 3
        "339999001,无主街道,,\n"  # 7 county 339999 nowhere
        "330103," + "长" * 101 + ",,\n"  # 8 name too long
        "330104,某区,,9\n"  # 9 level out of range
        "330105,某区,,4\n"  # 10 level does not fit a 6-digit code
        "330106,某区,990000,\n"  # 11 parent unknown
        "\n"  # 12 blank lines are skipped
        "330107,某区,,\n"  # 13 fine
    )
    with pytest.raises(RegionImportError) as info:
        import_regions(text)

    assert [e.line for e in info.value.line_errors] == [4, 5, 6, 7, 8, 9, 10, 11]
    assert all(
        message.startswith(f"第{e.line}行")
        for e, message in zip(info.value.line_errors, info.value.messages, strict=True)
    )
    assert "第3行" in str(info.value.line_errors[2])  # the duplicate names the first occurrence
    assert not Region.objects.exists()


def test_a_file_without_the_required_columns_is_refused(db):
    with pytest.raises(RegionImportError) as info:
        import_regions("code,title\n330000,浙江省\n")
    assert [e.line for e in info.value.line_errors] == [1, 1]  # missing name, unknown title
    assert not Region.objects.exists()


def test_the_writes_are_attributed_to_the_importing_user(db, make_user):
    admin = make_user("region_admin", None, "admin")
    import_regions("code,name\n330000,浙江省\n", by=admin)
    entry = LogEntry.objects.get_for_object(Region.objects.get(code="330000")).get()
    assert entry.actor == admin


def test_the_command_reads_a_utf8_file_with_bom_and_prints_a_summary(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes(TREE_CSV.encode("utf-8-sig"))
    out = StringIO()

    call_command("import_regions", str(path), stdout=out)
    assert "新增10个" in out.getvalue()
    assert Region.objects.get(code="330000").name == "浙江省"

    out = StringIO()
    call_command("import_regions", str(path), stdout=out)
    assert "新增0个" in out.getvalue() and "未变10个" in out.getvalue()
    assert Region.objects.count() == 10


def test_the_command_accepts_what_excel_saves_on_chinese_windows(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes("code,name\r\n330000,浙江省\r\n".encode("gbk"))
    call_command("import_regions", str(path), stdout=StringIO())
    assert Region.objects.get(code="330000").name == "浙江省"


def test_the_command_lists_the_bad_lines_and_stores_nothing(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name\n330000,浙江省\n3300001,坏代码\n330100,\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_regions", str(path), stdout=StringIO())
    message = str(info.value)
    assert "第3行" in message and "第4行" in message
    assert "第2行" not in message
    assert not Region.objects.exists()


def test_the_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_regions", str(tmp_path / "missing.csv"), stdout=StringIO())

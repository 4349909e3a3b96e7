"""The demo city of `make run`: deterministic, idempotent, valid identifiers, every role in both
staffed counties, and accounts that open with the printed password."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from bureau import demo
from bureau.identifiers import normalize_phone, parse_id_number, validate_credit_code
from bureau.models import Employer, Region, RegionLevel, Role, StaffRole, User, Worker, WorkerRegistration

SMALL = ["--employers", "30", "--workers", "200"]


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything the demo data consists of, by natural keys (no ids, no timestamps)."""
    return {
        "regions": set(Region.objects.values_list("code", "name", "level", "parent__code", "path")),
        "users": set(User.objects.values_list("username", "name", "region__code", "is_superuser", "password")),
        "roles": set(StaffRole.objects.values_list("user__username", "role")),
        "employers": set(
            Employer.objects.values_list(
                "credit_code",
                "name",
                "legal_representative",
                "type",
                "industry",
                "size",
                "employee_count",
                "address",
                "region__code",
                "contact_person",
                "phone",
            )
        ),
        "workers": set(
            Worker.objects.values_list(
                "id_number", "name", "birth_date", "sex", "phone", "home_region__code", "address", "migrant"
            )
        ),
        "registrations": set(WorkerRegistration.objects.values_list("worker__id_number", "region__code")),
    }


def delete_everything() -> None:
    WorkerRegistration.objects.all().delete()
    Worker.objects.all().delete()
    Employer.objects.all().delete()
    User.objects.all().delete()
    for level in sorted(RegionLevel.values, reverse=True):
        Region.objects.filter(level=level).delete()


def test_the_same_seed_generates_the_same_data_and_another_seed_other_data():
    first = demo.generate(seed=7, employers=30, workers=200)
    assert demo.generate(seed=7, employers=30, workers=200) == first
    other = demo.generate(seed=8, employers=30, workers=200)
    assert {e.credit_code for e in other.employers}.isdisjoint({e.credit_code for e in first.employers})
    assert {w.id_number for w in other.workers} != {w.id_number for w in first.workers}
    # a smaller run is the beginning of a bigger one
    smaller = demo.generate(seed=7, employers=10, workers=50)
    assert smaller.employers == first.employers[:10]
    assert smaller.workers == first.workers[:50]


def test_generated_identifiers_are_valid_unique_and_consistent():
    data = demo.generate()  # the default sizes, as `make run` loads them
    counties = set(demo.COUNTY_CODES)

    assert len(data.employers) == demo.DEFAULT_EMPLOYERS
    assert len({e.credit_code for e in data.employers}) == len(data.employers)
    assert len({e.name for e in data.employers}) == len(data.employers)
    for employer in data.employers:
        assert validate_credit_code(employer.credit_code) == employer.credit_code
        assert employer.credit_code[:2] in {"91", "92", "12", "52"}
        assert employer.credit_code[2:8] in counties
        assert employer.region_code[:6] == employer.credit_code[2:8]
        assert normalize_phone(employer.phone) == employer.phone

    assert len(data.workers) == demo.DEFAULT_WORKERS
    assert len({w.id_number for w in data.workers}) == len(data.workers)
    for worker in data.workers:
        parsed = parse_id_number(worker.id_number)
        assert parsed.value == worker.id_number
        assert (parsed.birth_date, parsed.sex) == (worker.birth_date, worker.sex)
        assert 1960 <= worker.birth_date.year <= 2006
        assert re.fullmatch(r"\+861\d{10}", worker.phone)
        assert normalize_phone(worker.phone) == worker.phone
        assert worker.registration_codes and all(len(c) == 9 and c[:6] in counties for c in worker.registration_codes)
        if worker.home_region_code:
            assert worker.home_region_code[:6] == worker.id_number[:6]
    areas = {w.id_number[:2] for w in data.workers}
    assert {"33", "51", "41"} <= areas  # locals and migrants from Sichuan and Henan
    assert {w.migrant for w in data.workers} == {True, False}
    assert {w.sex for w in data.workers} == {"M", "F"}


def test_seeding_loads_the_generated_data(db):
    output = seed_demo("--seed", "5")
    data = demo.generate(seed=5, employers=30, workers=200)

    assert set(Employer.objects.values_list("credit_code", flat=True)) == {e.credit_code for e in data.employers}
    assert set(Worker.objects.values_list("id_number", flat=True)) == {w.id_number for w in data.workers}
    assert snapshot()["registrations"] == {(w.id_number, c) for w in data.workers for c in w.registration_codes}
    assert Region.objects.filter(code__startswith="3399").count() == Region.objects.count() - 1  # + 浙江省
    city = Region.objects.get(code=demo.CITY_CODE)
    assert city.parent.code == "330000" and city.level == RegionLevel.CITY
    counties = Region.objects.filter(parent=city)
    assert set(counties.values_list("name", flat=True)) == {"东湖区", "西山县", "南溪县"}
    for county in counties:
        townships = Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP)
        assert 4 <= townships.count() <= 6
        for township in townships:
            villages = Region.objects.filter(parent=township, level=RegionLevel.VILLAGE)
            assert 2 <= villages.count() <= 4
            kind = "社区" if township.name.endswith("街道") else "村"
            assert all(v.name.endswith(kind) for v in villages)
    assert "新增 created 30" in output and "新增 created 200" in output


def test_seeding_twice_creates_and_changes_nothing(db):
    seed_demo()
    before = snapshot()

    output = seed_demo()

    assert snapshot() == before
    assert output.count("新增 created 0") == 4  # regions, staff, employers, workers


def test_the_same_seed_into_a_fresh_database_gives_the_same_data(db):
    seed_demo("--seed", "11")
    first = snapshot()
    delete_everything()
    assert not Worker.objects.exists() and not Region.objects.exists()

    seed_demo("--seed", "11")
    second = snapshot()

    # Password hashes are salted at random: compare everything else.
    for data in (first, second):
        data["users"] = {row[:-1] for row in data["users"]}
    assert second == first


def test_every_role_exists_in_both_staffed_counties(db):
    seed_demo()
    for code in ("339901", "339902"):
        county = Region.objects.get(code=code)
        roles = set(StaffRole.objects.filter(user__region__path__startswith=county.path).values_list("role", flat=True))
        assert roles == set(Role.values), county.name
        assistant = User.objects.get(staff_roles__role=Role.ASSISTANT, region__path__startswith=county.path)
        assert assistant.region.level == RegionLevel.TOWNSHIP
        assert StaffRole.objects.filter(user__region=county, role=Role.INSPECTOR).count() >= 2
    assert User.objects.get(username="admin").is_superuser
    assert all(u.name for u in User.objects.all())


def test_staff_log_in_with_the_printed_password(db):
    output = seed_demo()
    password = re.search(r"Password: (\S+)", output).group(1)
    usernames = [spec.username for spec in demo.generate_staff()]

    for username in usernames:
        assert re.search(rf"^\s+{username}\s", output, re.MULTILINE), username
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=password) is not None, username
    assert authenticate(RequestFactory().post("/login/"), username="admin", password="wrong-password") is None


def test_an_existing_account_is_left_as_it_is(db):
    seed_demo()
    user = User.objects.get(username="donghu_window")
    user.set_password("Changed-Password-1")
    user.name = "新名字"
    user.save()
    StaffRole.objects.filter(user=user).delete()

    output = seed_demo()

    user.refresh_from_db()
    assert user.check_password("Changed-Password-1")
    assert user.name == "新名字"
    assert not StaffRole.objects.filter(user=user).exists()
    assert "新名字" in output  # the table shows the accounts as they are


def test_seeding_on_top_of_existing_regions_keeps_them(tree):
    seed_demo()
    tree.town_a1.refresh_from_db()
    assert tree.town_a1.name == "湖滨街道"
    assert Region.objects.filter(code="339901001").count() == 1


def test_negative_counts_are_refused(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--workers", "-1", stdout=StringIO())
    assert not Region.objects.exists()

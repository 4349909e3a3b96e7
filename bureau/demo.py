"""The demo city (示范市) that `make run` loads: regions, staff of every role, employers and
workers, generated deterministically from a seed.

Generation (`generate`) is pure: it reads the region fixture and draws from `random.Random`
streams derived from the seed, never from the global generator or the clock, so the same seed
gives the same data on every machine, and the first N workers of a bigger run are the N workers
of a smaller one. Loading (`seed`) is idempotent: rows are matched by their natural keys (region
code, username, credit code, ID number); what exists is left exactly as it is. Demo cases come
from the case apps' own demo modules (`DEMO_APPS`, `seed_cases`).

Codes follow GB/T 2260 and its extensions: townships 001-099 sub-district (街道), 100-199 town
(镇), 200-399 township (乡); communities (社区) 001-199 and villages (村) 200-399 below them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bureau.audit import acting_as
from bureau.identifiers import USCC_ALPHABET, id_check_char, parse_id_number, uscc_check_char
from bureau.models import (
    Employer,
    EmployerSize,
    EmployerType,
    Industry,
    Region,
    RegionLevel,
    Role,
    StaffRole,
    User,
    Worker,
    WorkerRegistration,
)
from bureau.regions_import import ImportResult, import_regions

REGIONS_CSV = Path(__file__).resolve().parent / "fixtures" / "demo_regions.csv"
DEMO_PASSWORD = "bureau-demo-2026"
DEFAULT_SEED = 2026
DEFAULT_EMPLOYERS = 500
DEFAULT_WORKERS = 5000

CITY_CODE = "339900"
COUNTY_CODES = ("339901", "339902", "339903")  # 东湖区, 西山县, 南溪县
# How employers and workers spread over the three counties.
COUNTY_WEIGHTS = (45, 30, 25)
BATCH = 500

_T = TypeVar("_T")


# --- The region fixture ------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int
    parent_code: str


@dataclass(frozen=True)
class DemoTree:
    places: dict[str, Place]

    @classmethod
    def load(cls, path: Path = REGIONS_CSV) -> DemoTree:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            places = {
                row["code"]: Place(row["code"], row["name"], int(row["level"]), row["parent_code"])
                for row in csv.DictReader(fh)
            }
        return cls(places)

    def children(self, code: str) -> list[Place]:
        return sorted((p for p in self.places.values() if p.parent_code == code), key=lambda p: p.code)

    def label(self, code: str) -> str:
        """The name below the city level: 东湖区, 东湖区湖滨街道."""
        names = []
        while code and self.places[code].level >= RegionLevel.COUNTY:
            names.append(self.places[code].name)
            code = self.places[code].parent_code
        return "".join(reversed(names)) or self.places[code].name


# --- Staff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    roles: tuple[str, ...]
    region_code: str
    is_superuser: bool = False


# (username prefix, county, township of the assistant, names by role)
_STAFF_COUNTIES = (
    (
        "donghu",
        "339901",
        "339901001",
        {
            "window": "陈晓燕",
            "inspector1": "王建国",
            "inspector2": "李明辉",
            "brigade": "张卫东",
            "head": "刘志刚",
            "admin": "周敏",
            "assistant": "赵丽华",
        },
    ),
    (
        "xishan",
        "339902",
        "339902101",
        {
            "window": "吴婷婷",
            "inspector1": "孙海峰",
            "inspector2": "黄志强",
            "brigade": "徐立新",
            "head": "朱国平",
            "admin": "胡静",
            "assistant": "郑秀英",
        },
    ),
)
_STAFF_ROLES = (
    ("window", Role.WINDOW),
    ("inspector1", Role.INSPECTOR),
    ("inspector2", Role.INSPECTOR),  # site visits need two inspectors
    ("brigade", Role.BRIGADE_HEAD),
    ("head", Role.BUREAU_HEAD),
    ("admin", Role.ADMIN),
    ("assistant", Role.ASSISTANT),
)


def generate_staff() -> list[StaffSpec]:
    """The demo accounts: every role in 东湖区 and 西山县 (the assistant in a township), a
    city-level bureau head to compare counties, and the superuser `admin`."""
    staff = [StaffSpec("admin", "系统管理员", (Role.ADMIN,), CITY_CODE, is_superuser=True)]
    staff.append(StaffSpec("city_head", "林振华", (Role.BUREAU_HEAD,), CITY_CODE))
    for prefix, county, township, names in _STAFF_COUNTIES:
        for key, role in _STAFF_ROLES:
            region = township if role == Role.ASSISTANT else county
            staff.append(StaffSpec(f"{prefix}_{key}", names[key], (role,), region))
    return staff


# --- Names, phones, addresses ------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Common surnames are much more common: weight ~ 1 / rank.
_SURNAME_CUM_WEIGHTS = tuple(sum(1 / (r + 3) for r in range(i + 1)) for i in range(len(_SURNAMES)))
_MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林洋峰建国志文海东兵亮成德永春胜新福生金荣"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲燕红梅琳萍雪婷慧颖倩洁佳琴云莉兰凤丹玉欣悦月桂珍"
_MOBILE_PREFIXES = tuple(
    str(n) for n in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178)
) + tuple(str(n) for n in (*range(180, 190), 191, 198, 199))
_LANDLINE_AREA = "579"  # an eight-digit Zhejiang area code
_ROADS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "文化路",
    "新华路",
    "工业路",
    "创业路",
    "兴业大道",
    "环城北路",
    "滨江路",
    "迎宾大道",
    "学院路",
    "振兴路",
    "朝阳路",
)
_ESTATES = ("阳光花园", "锦绣家园", "和平新村", "丽景苑", "翠湖小区", "幸福里", "金桂苑", "东方名苑")


def _person_name(rng: random.Random, sex: str) -> str:
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    chars = _MALE_CHARS if sex == "M" else _FEMALE_CHARS
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return surname + given


def _mobile(rng: random.Random) -> str:
    return f"+86{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _landline(rng: random.Random) -> str:
    return f"+86{_LANDLINE_AREA}{rng.choice('2345678')}{rng.randrange(10**7):07d}"


def _street_address(rng: random.Random, tree: DemoTree, township_code: str) -> str:
    return f"{tree.label(township_code)}{rng.choice(_ROADS)}{rng.randint(1, 399)}号"


def _weighted(rng: random.Random, items: Sequence[_T], weights: Sequence[float]) -> _T:
    return rng.choices(items, weights=weights)[0]


# --- Employers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerSpec:
    credit_code: str
    name: str
    legal_representative: str
    type: str
    industry: str
    size: str
    employee_count: int
    address: str
    region_code: str  # a township
    contact_person: str
    phone: str


_BRAND_CHARS = "华盛鑫源恒泰宏达嘉利金鼎瑞丰永兴远航天成博通新锐中联汇丰顺发宏图信诚东方润泽盛世长安诚信安泰荣昌"
_TRADES: dict[str, tuple[str, ...]] = {
    Industry.A: ("农业开发", "生态农业", "茶业", "水产养殖"),
    Industry.C: (
        "机械制造",
        "纺织",
        "服饰",
        "电子科技",
        "塑料制品",
        "五金制品",
        "食品",
        "包装印刷",
        "家具",
        "阀门",
        "汽车配件",
    ),
    Industry.F: ("商贸", "贸易", "超市", "建材"),
    Industry.G: ("物流", "运输", "快递服务"),
    Industry.H: ("酒店管理", "餐饮管理"),
    Industry.I: ("网络科技", "信息技术", "软件"),
    Industry.K: ("房地产开发", "物业管理"),
    Industry.M: ("检测技术", "工程设计"),
    Industry.N: ("环境工程", "园林绿化"),
    Industry.O: ("家政服务", "保洁服务", "汽车维修"),
}
_ENTERPRISE_INDUSTRIES = tuple(_TRADES)
_ENTERPRISE_INDUSTRY_WEIGHTS = (3, 30, 14, 8, 7, 5, 6, 3, 4, 6)
_SHOPS: tuple[tuple[str, str], ...] = (
    ("小吃店", Industry.H),
    ("面馆", Industry.H),
    ("快餐店", Industry.H),
    ("农家乐", Industry.H),
    ("五金店", Industry.F),
    ("便利店", Industry.F),
    ("服装店", Industry.F),
    ("水果店", Industry.F),
    ("理发店", Industry.O),
    ("汽车修理部", Industry.O),
    ("装修队", Industry.E),
)
_INSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("人民医院", Industry.Q),
    ("中医院", Industry.Q),
    ("妇幼保健院", Industry.Q),
    ("实验小学", Industry.P),
    ("第一中学", Industry.P),
    ("第二中学", Industry.P),
    ("职业技术学校", Industry.P),
    ("文化馆", Industry.R),
    ("图书馆", Industry.R),
    ("公共就业服务中心", Industry.S),
    ("城市管理服务中心", Industry.N),
)
_TOWNSHIP_INSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("卫生院", Industry.Q),
    ("中心小学", Industry.P),
    ("中心幼儿园", Industry.P),
    ("农业综合服务中心", Industry.A),
)
_NON_ENTERPRISES: tuple[tuple[str, str], ...] = (
    ("养老服务中心", Industry.Q),
    ("幼儿园", Industry.P),
    ("培训学校", Industry.P),
    ("社会工作服务中心", Industry.S),
    ("文化艺术中心", Industry.R),
)
# kind: (credit code prefix, employer type)
_KINDS = {
    "enterprise": ("91", EmployerType.ENTERPRISE),
    "contractor": ("91", EmployerType.CONTRACTOR),
    "dispatch": ("91", EmployerType.DISPATCH),
    "individual": ("92", EmployerType.INDIVIDUAL),
    "institution": ("12", EmployerType.PUBLIC_INSTITUTION),
    "non_enterprise": ("52", EmployerType.OTHER),
}
_KIND_NAMES = tuple(_KINDS)
_KIND_WEIGHTS = (50, 10, 4, 26, 6, 4)
_SIZE_RANGES: dict[str, tuple[int, int]] = {
    EmployerSize.MICRO: (2, 9),
    EmployerSize.SMALL: (10, 99),
    EmployerSize.MEDIUM: (100, 999),
    EmployerSize.LARGE: (1000, 3000),
}
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_ALPHABET = USCC_ALPHABET[10:]  # letters only (no I, O, S, V, Z)


def org_code_check_char(body8: str) -> str:
    """The check character of a GB 11714 organization code (positions 9-17 of a credit code)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _credit_code(rng: random.Random, kind: str, county: str) -> str:
    """Registration authority and type (91 company, 92 individual business, 12 public
    institution, 52 private non-enterprise unit), the county, the organization code, the check."""
    prefix = _KINDS[kind][0]
    digits = "0123456789"
    if kind == "institution":  # an organization code of the 1990s numbering
        body = "4" + "".join(rng.choice(digits) for _ in range(7))
    elif kind == "non_enterprise":  # allocated by civil affairs
        body = "MJ" + "".join(rng.choice(digits) for _ in range(6))
    elif rng.random() < 0.7:  # allocated by market regulation since 2015
        body = "MA" + rng.choice(digits) + "".join(rng.choice(_ORG_BODY_ALPHABET + digits) for _ in range(5))
    else:  # converted from an older organization code
        body = "".join(rng.choice(digits) for _ in range(8))
    first17 = prefix + county + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _brand(rng: random.Random) -> str:
    first, second = rng.sample(_BRAND_CHARS, 2)
    return first + second


def _employer_name(rng: random.Random, kind: str, county: Place, township: Place) -> tuple[str, str]:
    """(name, industry section)."""
    place = rng.choice(("示范市", county.name, "")) if kind != "individual" else county.name
    if kind == "enterprise":
        industry = _weighted(rng, _ENTERPRISE_INDUSTRIES, _ENTERPRISE_INDUSTRY_WEIGHTS)
        suffix = _weighted(rng, ("有限公司", "有限责任公司", "股份有限公司"), (80, 15, 5))
        return f"{place}{_brand(rng)}{rng.choice(_TRADES[industry])}{suffix}", industry
    if kind == "contractor":
        trade = rng.choice(("建设工程", "建筑工程", "市政园林工程", "建筑劳务", "建设集团"))
        return f"{place}{_brand(rng)}{trade}有限公司", Industry.E
    if kind == "dispatch":
        trade = rng.choice(("劳务派遣", "人力资源服务", "劳务服务"))
        return f"{place}{_brand(rng)}{trade}有限公司", Industry.L
    if kind == "individual":
        shop, industry = rng.choice(_SHOPS)
        owner = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
        style = rng.choice((f"{owner}记", f"老{owner}", _brand(rng), township.name.removesuffix("街道")))
        return f"{county.name}{style}{shop}", industry
    if kind == "institution":
        if rng.random() < 0.5:
            inst, industry = rng.choice(_TOWNSHIP_INSTITUTIONS)
            return f"{county.name}{township.name}{inst}", industry
        inst, industry = rng.choice(_INSTITUTIONS)
        return f"{county.name}{inst}", industry
    inst, industry = rng.choice(_NON_ENTERPRISES)
    return f"{county.name}{_brand(rng)}{inst}", industry


def _size(rng: random.Random, kind: str) -> tuple[str, int]:
    """(size class, number of employees)."""
    if kind == "individual":
        return EmployerSize.MICRO, rng.randint(1, 8)
    if kind == "contractor":
        size = _weighted(rng, (EmployerSize.SMALL, EmployerSize.MEDIUM, EmployerSize.LARGE), (50, 40, 10))
    elif kind in ("institution", "non_enterprise", "dispatch"):
        size = _weighted(rng, (EmployerSize.SMALL, EmployerSize.MEDIUM), (75, 25))
        if size == EmployerSize.MEDIUM:
            return size, rng.randint(100, 400)
    else:
        sizes = (EmployerSize.MICRO, EmployerSize.SMALL, EmployerSize.MEDIUM, EmployerSize.LARGE)
        size = _weighted(rng, sizes, (30, 45, 20, 5))
    low, high = _SIZE_RANGES[size]
    return size, rng.randint(low, high)


def generate_employers(seed: int, count: int, tree: DemoTree) -> list[EmployerSpec]:
    rng = random.Random(f"bureau-demo:{seed}:employers")
    counties = [tree.places[c] for c in COUNTY_CODES]
    townships = {c.code: tree.children(c.code) for c in counties}
    codes: set[str] = set()
    names: set[str] = set()
    employers = []
    for index in range(count):
        county = _weighted(rng, counties, COUNTY_WEIGHTS)
        township = rng.choice(townships[county.code])
        kind = _weighted(rng, _KIND_NAMES, _KIND_WEIGHTS)
        for attempt in range(30):
            if attempt == 10:  # the names of this kind are running out here: take a company
                kind = "enterprise"
            name, industry = _employer_name(rng, kind, county, township)
            if name not in names:
                break
        else:
            name = f"{name}（{index + 1}）"
        names.add(name)
        credit_code = _credit_code(rng, kind, county.code)
        while credit_code in codes:
            credit_code = _credit_code(rng, kind, county.code)
        codes.add(credit_code)
        size, employee_count = _size(rng, kind)
        legal = _person_name(rng, "M" if rng.random() < 0.75 else "F")
        contact = legal if kind == "individual" else _person_name(rng, rng.choice("MF"))
        phone = _mobile(rng) if kind == "individual" or rng.random() < 0.4 else _landline(rng)
        employers.append(
            EmployerSpec(
                credit_code=credit_code,
                name=name,
                legal_representative=legal,
                type=_KINDS[kind][1],
                industry=industry,
                size=size,
                employee_count=employee_count,
                address=_street_address(rng, tree, township.code),
                region_code=township.code,
                contact_person=contact,
                phone=phone,
            )
        )
    return employers


# --- Workers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    phone: str
    home_region_code: str  # a village of the demo city, or "" for people from elsewhere
    address: str
    migrant: bool
    registration_codes: tuple[str, ...]  # townships of the demo city


# Where workers from outside the demo city come from: county codes as found in ID numbers
# (412726 is a code retired in 2000 that older ID numbers still carry), with weights.
_ORIGINS: tuple[tuple[str, int], ...] = (
    ("510722", 7),  # 四川 三台县
    ("511621", 6),  # 四川 岳池县
    ("511921", 6),  # 四川 通江县
    ("511922", 5),  # 四川 南江县
    ("411627", 6),  # 河南 太康县
    ("411526", 5),  # 河南 潢川县
    ("411721", 4),  # 河南 西平县
    ("411324", 3),  # 河南 镇平县
    ("412726", 2),  # 河南 郸城县 (old code)
    ("341221", 6),  # 安徽 临泉县
    ("341222", 5),  # 安徽 太和县
    ("341523", 4),  # 安徽 舒城县
    ("520521", 5),  # 贵州 大方县
    ("522601", 4),  # 贵州 凯里市
    ("360730", 5),  # 江西 宁都县
    ("360733", 4),  # 江西 会昌县
    ("430524", 4),  # 湖南 隆回县
    ("431321", 3),  # 湖南 双峰县
    ("450923", 3),  # 广西 博白县
    ("530381", 2),  # 云南 宣威市
    ("500236", 4),  # 重庆 奉节县
    ("330327", 4),  # 浙江 苍南县
    ("331023", 4),  # 浙江 天台县
    ("330825", 3),  # 浙江 龙游县
)
_ORIGIN_CODES = tuple(code for code, _weight in _ORIGINS)
_ORIGIN_WEIGHTS = tuple(weight for _code, weight in _ORIGINS)
_LOCAL_SHARE = 0.55
_BIRTH_FIRST = dt.date(1960, 1, 1)
_BIRTH_LAST = dt.date(2006, 12, 31)
_BIRTH_MODE = dt.date(1985, 6, 1)


def _id_number(rng: random.Random, area: str, birth: dt.date, sex: str) -> str:
    sex_digit = rng.choice("13579" if sex == "M" else "02468")
    first17 = f"{area}{birth:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    return first17 + id_check_char(first17)


def generate_workers(seed: int, count: int, tree: DemoTree) -> list[WorkerSpec]:
    rng = random.Random(f"bureau-demo:{seed}:workers")
    counties = [tree.places[c] for c in COUNTY_CODES]
    townships = {c.code: tree.children(c.code) for c in counties}
    span = (_BIRTH_LAST - _BIRTH_FIRST).days
    mode = (_BIRTH_MODE - _BIRTH_FIRST).days
    taken: set[str] = set()
    workers = []
    for _ in range(count):
        sex = "M" if rng.random() < 0.62 else "F"
        birth = _BIRTH_FIRST + dt.timedelta(days=round(rng.triangular(0, span, mode)))
        local = rng.random() < _LOCAL_SHARE
        home = ""
        if local:
            county = _weighted(rng, counties, COUNTY_WEIGHTS)
            home_township = rng.choice(townships[county.code])
            village = rng.choice(tree.children(home_township.code))
            home, area = village.code, county.code
            rural = village.name.endswith("村")
            migrant = rng.random() < (0.6 if rural else 0.05)
            if rng.random() < 0.75:
                work_county = county
                work_township = home_township if rng.random() < 0.5 else rng.choice(townships[county.code])
            else:
                work_county = rng.choice([c for c in counties if c != county])
                work_township = rng.choice(townships[work_county.code])
            if rural:
                address = f"{tree.label(village.code)}{rng.randint(1, 199)}号"
            else:
                address = (
                    f"{tree.label(home_township.code)}{rng.choice(_ESTATES)}"
                    f"{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
                )
        else:
            area = _weighted(rng, _ORIGIN_CODES, _ORIGIN_WEIGHTS)
            migrant = rng.random() < (0.8 if area.startswith("33") else 0.92)
            work_county = _weighted(rng, counties, COUNTY_WEIGHTS)
            work_township = rng.choice(townships[work_county.code])
            lodging = rng.choice(("工地宿舍", "职工宿舍", f"{rng.choice(_ESTATES)}出租房"))
            address = f"{tree.label(work_township.code)}{rng.choice(_ROADS)}{rng.randint(1, 399)}号{lodging}"
        registrations = [work_township.code]
        if rng.random() < 0.04:  # known to a second bureau as well
            other = rng.choice([c for c in counties if c != work_county])
            registrations.append(rng.choice(townships[other.code]).code)
        id_number = _id_number(rng, area, birth, sex)
        while id_number in taken:
            id_number = _id_number(rng, area, birth, sex)
        taken.add(id_number)
        parsed = parse_id_number(id_number)
        workers.append(
            WorkerSpec(
                name=_person_name(rng, parsed.sex),
                id_number=parsed.value,
                birth_date=parsed.birth_date,
                sex=parsed.sex,
                phone=_mobile(rng),
                home_region_code=home,
                address=address,
                migrant=migrant,
                registration_codes=tuple(registrations),
            )
        )
    return workers


# --- Everything -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    staff: list[StaffSpec]
    employers: list[EmployerSpec]
    workers: list[WorkerSpec]


def generate(
    seed: int = DEFAULT_SEED,
    employers: int = DEFAULT_EMPLOYERS,
    workers: int = DEFAULT_WORKERS,
    tree: DemoTree | None = None,
) -> DemoData:
    """The demo data for `seed`, without touching the database."""
    tree = tree or DemoTree.load()
    return DemoData(
        staff=generate_staff(),
        employers=generate_employers(seed, employers, tree),
        workers=generate_workers(seed, workers, tree),
    )


@dataclass
class SeedResult:
    regions: ImportResult
    staff: int = 0
    employers: int = 0
    workers: int = 0
    registrations: int = 0
    accounts: list[StaffSpec] = field(default_factory=list)


def _chunks(items: Sequence[_T], size: int = BATCH) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def seed(
    seed: int = DEFAULT_SEED,
    employers: int = DEFAULT_EMPLOYERS,
    workers: int = DEFAULT_WORKERS,
) -> SeedResult:
    """Load the demo city into the database; what already exists (by natural key) is left as it
    is, so running it again creates and changes nothing."""
    tree = DemoTree.load()
    data = generate(seed, employers, workers, tree)
    result = SeedResult(regions=import_regions(REGIONS_CSV.read_bytes()), accounts=data.staff)
    region_ids = dict(Region.objects.filter(code__in=tree.places).values_list("code", "id"))
    with acting_as(None):
        result.staff = _seed_staff(data.staff, region_ids)
        result.employers = _seed_employers(data.employers, region_ids)
        result.workers, result.registrations = _seed_workers(data.workers, region_ids)
    return result


def _seed_staff(staff: list[StaffSpec], region_ids: dict[str, int]) -> int:
    existing = set(User.objects.filter(username__in=[s.username for s in staff]).values_list("username", flat=True))
    missing = [s for s in staff if s.username not in existing]
    if not missing:
        return 0
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    roles: list[StaffRole] = []
    for spec in missing:
        user = User(
            username=spec.username,
            name=spec.name,
            region_id=region_ids[spec.region_code],
            password=password,
            is_superuser=spec.is_superuser,
            is_staff=spec.is_superuser,
        )
        user.save()
        roles.extend(StaffRole(user=user, role=role) for role in spec.roles)
    StaffRole.objects.bulk_create(roles, ignore_conflicts=True)
    return len(missing)


def _seed_employers(employers: list[EmployerSpec], region_ids: dict[str, int]) -> int:
    codes = [e.credit_code for e in employers]
    existing: set[str] = set()
    for chunk in _chunks(codes):
        existing.update(Employer.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
    new = [
        Employer(
            credit_code=e.credit_code,
            name=e.name,
            legal_representative=e.legal_representative,
            type=e.type,
            industry=e.industry,
            size=e.size,
            employee_count=e.employee_count,
            address=e.address,
            region_id=region_ids[e.region_code],
            contact_person=e.contact_person,
            phone=e.phone,
        )
        for e in employers
        if e.credit_code not in existing
    ]
    Employer.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return len(new)


def _seed_workers(workers: list[WorkerSpec], region_ids: dict[str, int]) -> tuple[int, int]:
    numbers = [w.id_number for w in workers]
    existing: set[str] = set()
    for chunk in _chunks(numbers):
        existing.update(Worker.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))
    new_specs = [w for w in workers if w.id_number not in existing]
    Worker.objects.bulk_create(
        [
            Worker(
                name=w.name,
                id_number=w.id_number,
                birth_date=w.birth_date,
                sex=w.sex,
                phone=w.phone,
                home_region_id=region_ids[w.home_region_code] if w.home_region_code else None,
                address=w.address,
                migrant=w.migrant,
            )
            for w in new_specs
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    # Only people created here get the demo registrations: a person the database already knew
    # keeps the registrations he had.
    ids: dict[str, int] = {}
    for chunk in _chunks([w.id_number for w in new_specs]):
        ids.update(Worker.objects.filter(id_number__in=chunk).values_list("id_number", "id"))
    registrations = [
        WorkerRegistration(worker_id=ids[w.id_number], region_id=region_ids[code])
        for w in new_specs
        for code in w.registration_codes
    ]
    WorkerRegistration.objects.bulk_create(registrations, batch_size=BATCH, ignore_conflicts=True)
    return len(new_specs), len(registrations)


# The case apps whose demo cases the command loads after the core data, in this order. Each has
# a module `<app>.demo` with `seed_demo(seed, today) -> {what: how many created}`, idempotent
# like `seed`. They are imported by name, so the core depends on none of them; an app that is
# not installed or has no demo module is skipped.
DEMO_APPS = ("complaints", "wagecases", "inspections")


def seed_cases(seed: int = DEFAULT_SEED, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo cases of every case app of `DEMO_APPS`, dated before `today`."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    for app in DEMO_APPS:
        if not apps.is_installed(app):
            continue
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name not in (app, f"{app}.demo"):
                raise
            continue
        counts.update(module.seed_demo(seed, today))
    return counts


def account_rows(accounts: list[StaffSpec], tree: DemoTree | None = None) -> list[tuple[str, str, str, str]]:
    """(username, name, role, region) of the demo accounts as stored (an account changed since
    it was created shows as it is now)."""
    tree = tree or DemoTree.load()
    users = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts]).select_related("region")
    }
    roles: dict[int, list[str]] = {}
    for user_id, role in StaffRole.objects.filter(user__in=users.values()).values_list("user_id", "role"):
        roles.setdefault(user_id, []).append(role)
    rows = []
    for spec in accounts:
        user = users.get(spec.username)
        if user is None:
            continue
        labels = ["超级用户 (superuser)"] if user.is_superuser else []
        labels += [f"{Role(r).label} ({r})" for r in sorted(roles.get(user.pk, []), key=list(Role.values).index)]
        region = ""
        if user.region is not None:
            region = tree.label(user.region.code) if user.region.code in tree.places else user.region.name
        rows.append((user.username, user.name, ", ".join(labels), region))
    return rows

"""Demo complaint cases of the demo city (`seed_demo`): about 120 per staffed county over the
twelve months before `today`, more before Spring Festival, registered and driven through the
real services (`complaint_register`, `complaint_act` with past dates, each case in date order)
by the county's demo staff: the window registers, the brigade head accepts and approves, the
two inspectors investigate.

Every stage is represented, as age allows: just registered, awaiting supplement, refused
(beyond the two-year limit), referred, withdrawn, under investigation, extended, overdue,
rectification ordered, penalized, mediated, closed, followed up. Unpaid-wage complaints under
investigation are left for the wage-case demo (`wagecases.demo`), which opens their wage cases,
records the money and closes them.

Deterministic for a seed (`random.Random` per county, pools read in natural-key order) and
idempotent: a county that already has complaints gets none.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from bureau.demo import COUNTY_CODES, generate_staff
from bureau.models import Employer, EmployerType, Industry, Region, RegionLevel, Role, User, Worker
from bureau.workdays import WorkdayCalendar
from complaints.categories import ensure_default_categories
from complaints.models import Category, Channel, Complaint, Kind, Outcome
from complaints.services import ComplainantInput, complaint_act, complaint_register

PER_COUNTY = (110, 130)  # complaints per county, inclusive range
DAYS_BACK = 365
# Arrears peak before Spring Festival (December-January).
MONTH_WEIGHTS = {1: 2.2, 2: 1.3, 3: 0.8, 4: 0.8, 5: 0.8, 6: 0.9, 7: 0.9, 8: 0.9, 9: 0.9, 10: 0.9, 11: 1.3, 12: 2.4}
UNPAID = "unpaid_wages"
# Unpaid-wage complaints left under investigation for the wage-case demo.
HANDOVER_SHARE = 0.88
# Demo registrations carry this idempotency key prefix (they are form submissions of the demo,
# each made once), which is how the wage-case demo tells the demo complaints from real ones.
DEMO_KEY = "demo:"
# A county needs this many employers and (adult) workers for a year of realistic cases (group
# complaints of up to 40 workers): a demo city loaded with tiny pools gets no cases.
MIN_EMPLOYERS = 40
MIN_WORKERS = 200


@dataclass(frozen=True)
class CountyStaff:
    window: User
    inspectors: tuple[User, User]
    brigade: User
    head: User

    @property
    def heads(self) -> tuple[User, User]:
        return (self.brigade, self.head)


def county_staff(county: Region) -> CountyStaff | None:
    """The county's demo accounts by role (None when the county has no complete demo staff:
    南溪县, or accounts deactivated or stripped of their role since)."""
    specs = [s for s in generate_staff() if s.region_code == county.code and not s.is_superuser]
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs], is_active=True)}
    found: dict[str, list[User]] = {}
    for spec in specs:
        user = users.get(spec.username)
        for role in spec.roles:
            if user is not None and user.has_role(role):
                found.setdefault(role, []).append(user)
    inspectors = found.get(Role.INSPECTOR, [])
    if len(inspectors) < 2 or not all(found.get(r) for r in (Role.WINDOW, Role.BRIGADE_HEAD, Role.BUREAU_HEAD)):
        return None
    return CountyStaff(
        window=found[Role.WINDOW][0],
        inspectors=(inspectors[0], inspectors[1]),
        brigade=found[Role.BRIGADE_HEAD][0],
        head=found[Role.BUREAU_HEAD][0],
    )


def demo_counties() -> list[tuple[Region, CountyStaff]]:
    """The demo counties that have their demo staff, in code order."""
    result = []
    for county in Region.objects.filter(code__in=COUNTY_CODES, level=RegionLevel.COUNTY).order_by("code"):
        staff = county_staff(county)
        if staff is not None:
            result.append((county, staff))
    return result


def demo_complaints(county: Region) -> QuerySet[Complaint]:
    """The complaints the demo registered in a county."""
    return Complaint.objects.filter(county=county, idempotency_key__startswith=DEMO_KEY)


def seed_demo(seed: int, today: dt.date) -> dict[str, int]:
    return {"complaints": seed_cases(seed, today)}


@transaction.atomic
def seed_cases(seed: int, today: dt.date) -> int:
    """Register and drive the demo complaints of every staffed county that has none yet."""
    ensure_default_categories()
    created = 0
    for county, staff in demo_counties():
        if Complaint.objects.filter(county=county).exists():
            continue
        rng = random.Random(f"bureau-demo:{seed}:{county.code}:complaints")
        created += _County(rng, county, staff, today).seed()
    return created


# --- texts ----------------------------------------------------------------------------------

_CATEGORY_WEIGHTS = {
    UNPAID: 62,
    "no_contract": 10,
    "social_insurance": 9,
    "working_hours": 6,
    "minimum_wage": 5,
    "child_labour": 2,
    "illegal_dispatch": 3,
    "deposit_or_id": 3,
}
_CHANNELS = (Channel.WINDOW, Channel.HOTLINE, Channel.ONLINE, Channel.LETTER, Channel.REFERRAL, Channel.PLATFORM)
_CHANNEL_WEIGHTS = (40, 25, 17, 5, 8, 5)
_TRADES = ("钢筋工", "木工", "泥水工", "架子工", "水电安装工", "油漆工", "小工")
_JOBS = ("普工", "操作工", "包装工", "仓管员", "服务员", "厨师", "保洁员", "司机", "销售员", "质检员")
_PROJECTS = ("{town}锦绣家园二期工程", "{county}人民医院门诊楼扩建工程", "{county}第二中学新校区建设工程",
             "{town}安置房（一期）项目", "{county}滨江商业综合体项目")  # fmt: skip
_ROADS = ("人民路", "解放路", "建设路", "兴业大道", "环城北路", "滨江路", "迎宾大道", "振兴路")
_SUPPLEMENT = "请补充提供劳动关系证明（工牌、考勤记录或工资条）及欠薪明细。"
_REFUSAL = "投诉事项发生于两年以前，超出《劳动保障监察条例》第二十条规定的时效，拟不予受理。"
_REFERRALS = (
    "属解除劳动合同经济补偿争议，已告知投诉人向县劳动人事争议仲裁委员会申请仲裁。",
    "属工伤认定事项，已告知投诉人向社会保险行政部门申请工伤认定。",
    "用人单位注册地及用工地均不在本县，已转交用工地人社部门处理。",
)
_WITHDRAWALS = (
    "用人单位已与投诉人协商一致并当面结清，投诉人申请撤回。",
    "投诉人表示已与单位达成和解，申请撤回投诉。",
)
_RECTIFICATION_ITEMS = {
    UNPAID: "足额支付拖欠的劳动报酬",
    "no_contract": "与劳动者补签书面劳动合同",
    "social_insurance": "依法为劳动者办理社会保险登记并补缴社会保险费",
    "working_hours": "合理安排工作时间，依法支付延长工作时间工资",
    "minimum_wage": "补足低于最低工资标准的差额",
    "child_labour": "立即清退童工并送回原居住地",
    "illegal_dispatch": "将被派遣劳动者数量降至用工总量的10%以内",
    "deposit_or_id": "退还收取的押金和扣押的居民身份证",
}
_SATISFIED = ("对处理结果满意。", "工资已全部到账，对监察员表示感谢。", "问题已解决，满意。")
_UNSATISFIED = ("认为处理时间过长。", "对核定的金额有异议。")


def _money(yuan: int) -> Decimal:
    return Decimal(yuan).quantize(Decimal("0.01"))


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class _Spec:
    received: dt.date
    category: str
    kind: str
    channel: str
    employer: Employer
    complainants: list[ComplainantInput]
    project: str = ""
    site: str = ""
    anonymous: bool = False
    reporter: Worker | None = None
    beyond_limitation: bool = False
    refer: bool = False

    @property
    def claimed(self) -> Decimal:
        return sum((c.amount_claimed for c in self.complainants), Decimal("0.00"))


class _County:
    """The complaints of one county: drawn, registered in date order, then each driven."""

    def __init__(self, rng: random.Random, county: Region, staff: CountyStaff, today: dt.date) -> None:
        self.rng, self.county, self.staff, self.today = rng, county, staff, today
        self.calendar = WorkdayCalendar()
        self.categories = {c.code: c for c in Category.objects.all()}
        employers = list(
            Employer.objects.filter(region__path__startswith=county.path)
            .select_related("region")
            .order_by("credit_code")
        )
        self.contractors = [e for e in employers if e.type == EmployerType.CONTRACTOR] or employers
        self.dispatchers = [e for e in employers if e.type == EmployerType.DISPATCH] or employers
        self.factories = [e for e in employers if e.industry in (Industry.C, Industry.H)] or employers
        # a few repeat offenders draw many complaints
        self.employers = employers
        self.employer_weights = [6 if rng.random() < 0.04 else 1 for _ in employers]
        adult = dt.date(today.year - 19, 1, 1)
        self.workers = list(
            Worker.objects.filter(registrations__region__path__startswith=county.path, birth_date__lt=adult)
            .distinct()
            .order_by("id_number")
        )
        self.older = [w for w in self.workers if w.birth_date.year <= 1995] or self.workers
        towns = Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code")
        self.towns = list(towns)
        self.projects = [
            p.format(county=county.name, town=self.towns[i % len(self.towns)].name) if self.towns else p
            for i, p in enumerate(_PROJECTS)
        ][: rng.randint(3, 5)]
        self.penalties = 0
        # requests of the last days left awaiting a head's decision
        self.pending = {"approve_refusal": 1, "approve_extension": 1, "approve_closure": 2}

    # -- drawing -------------------------------------------------------------------------

    def _received_dates(self) -> list[dt.date]:
        days = [self.today - dt.timedelta(days=n) for n in range(1, DAYS_BACK + 1)]
        weights = [MONTH_WEIGHTS[d.month] * (1.0 if d.weekday() < 5 else 0.3) for d in days]
        count = self.rng.randint(*PER_COUNTY)
        dates = self.rng.choices(days, weights=weights, k=count - 6)
        dates += [self.today - dt.timedelta(days=self.rng.randint(1, 9)) for _ in range(6)]  # the current week
        return sorted(dates)

    def _employer(self, category: str, construction: bool) -> Employer:
        if construction:
            return self.rng.choice(self.contractors)
        if category == "illegal_dispatch":
            return self.rng.choice(self.dispatchers)
        if category == "child_labour":
            return self.rng.choice(self.factories)
        return self.rng.choices(self.employers, weights=self.employer_weights)[0]

    def _claims(self, received: dt.date, count: int, construction: bool, beyond: bool) -> list[ComplainantInput]:
        rng = self.rng
        pool = self.older if beyond else self.workers
        people = rng.sample(pool, min(count, len(pool)))
        end = received - dt.timedelta(days=rng.randint(5, 75))
        if beyond:
            end -= dt.timedelta(days=2 * 365 + rng.randint(30, 300))
        start = end - dt.timedelta(days=rng.randint(45, 300))
        result = []
        for worker in people:
            if construction:
                amount = _money(rng.randint(28, 45) * 10 * rng.randint(25, 140))
            else:
                amount = _money(rng.randint(30, 600) * 100 + rng.choice((0, 0, 0, 50)))
            result.append(ComplainantInput(worker=worker, amount_claimed=amount, period_from=start, period_to=end))
        return result

    def _spec(self, received: dt.date, forced: str = "") -> _Spec:
        rng = self.rng
        category = rng.choices(list(_CATEGORY_WEIGHTS), weights=list(_CATEGORY_WEIGHTS.values()))[0]
        if forced == "beyond":
            category = UNPAID
        kind = Kind.REPORT if category == "child_labour" or rng.random() < 0.08 else Kind.COMPLAINT
        if forced == "beyond":
            kind = Kind.COMPLAINT
        construction = category == UNPAID and rng.random() < 0.45
        employer = self._employer(category, construction)
        beyond = kind == Kind.COMPLAINT and (rng.random() < 0.02 or forced == "beyond")
        spec = _Spec(
            received=received,
            category=category,
            kind=kind,
            channel=rng.choices(_CHANNELS, weights=_CHANNEL_WEIGHTS)[0],
            employer=employer,
            complainants=[],
            beyond_limitation=beyond,
            refer=forced == "refer",
        )
        if kind == Kind.REPORT:
            spec.anonymous = rng.random() < 0.5
            spec.reporter = None if spec.anonymous else rng.choice(self.workers)
            return spec
        if construction:
            count = rng.randint(10, 40) if rng.random() < 0.2 else rng.randint(1, 8)
            spec.project = rng.choice(self.projects)
            town = employer.region if employer.region.level == RegionLevel.TOWNSHIP else None
            spec.site = f"{town.name if town else self.county.name}{rng.choice(_ROADS)}{rng.randint(1, 399)}号工地"
        else:
            count = rng.choices((1, rng.randint(2, 4), rng.randint(5, 12)), weights=(50, 35, 15))[0]
        spec.complainants = self._claims(received, count, construction, beyond)
        if category not in (UNPAID, "minimum_wage"):
            for item in spec.complainants:
                item.amount_claimed = Decimal("0.00")
        elif category == "minimum_wage":
            for item in spec.complainants:
                item.amount_claimed = _money(rng.randint(4, 40) * 100)
        return spec

    def _facts(self, spec: _Spec) -> str:
        rng, name, n = self.rng, spec.employer.name, len(spec.complainants)
        first = spec.complainants[0] if spec.complainants else None
        since = _ymd(first.period_from) if first and first.period_from else "今年以来"
        if spec.category == UNPAID and spec.project:
            return (
                f"{n}名工人在{spec.project}从事{rng.choice(_TRADES)}等工作，{name}自{since}起拖欠工资共计"
                f"{spec.claimed}元，工人多次到项目部催讨未果，请求责令支付。"
            )
        if spec.category == UNPAID:
            who = "投诉人" if n == 1 else f"投诉人等{n}人"
            return (
                f"{who}在{name}从事{rng.choice(_JOBS)}工作，单位自{since}起拖欠工资共计{spec.claimed}元，"
                f"{rng.choice(('离职后仍未结清', '以资金周转困难为由一再拖延', '老板电话不接'))}，请求责令支付。"
            )
        texts = {
            "no_contract": f"投诉人自{since}入职{name}，单位至今未与其签订书面劳动合同，请求依法处理。",
            "social_insurance": f"{name}未为投诉人等{max(n, 1)}人办理社会保险登记、缴纳社会保险费，请求责令补缴。",
            "working_hours": f"{name}长期安排每天工作12小时、每月仅休息2天，且未支付加班工资。",
            "minimum_wage": f"{name}自{since}起每月实发工资低于本市最低工资标准，请求补足差额。",
            "child_labour": f"举报{name}使用未满16周岁的未成年人在车间从事包装工作，每天工作10小时以上。",
            "illegal_dispatch": f"{name}以劳务派遣形式大量用工，被派遣人员长期从事主营业务岗位，同工不同酬。",
            "deposit_or_id": f"{name}在入职时收取押金{rng.choice((300, 500, 800))}元并扣押身份证，离职时拒不退还。",
        }
        text = texts[spec.category]
        if spec.kind == Kind.REPORT and not text.startswith("举报"):
            text = "举报" + text
        return text

    def _upstream(self, channel: str, received: dt.date) -> str:
        serial = self.rng.randint(1, 99999)
        refs: dict[str, str] = {
            Channel.HOTLINE: f"12333-{received:%Y%m%d}{serial:05d}",
            Channel.PLATFORM: f"GZQX{received:%Y%m}{serial:05d}",
            Channel.REFERRAL: f"示信转〔{received.year}〕{serial % 900 + 100}号",
            Channel.ONLINE: f"WS{received:%Y%m%d}{serial:05d}",
        }
        return refs.get(channel, "")

    # -- driving ---------------------------------------------------------------------------

    def seed(self) -> int:
        if len(self.employers) < MIN_EMPLOYERS or len(self.workers) < MIN_WORKERS:
            return 0
        dates = self._received_dates()
        # a few fates every county shows: complaints beyond the two-year limit, referrals
        older = [i for i, day in enumerate(dates) if (self.today - day).days > 30]
        forced = dict(
            zip(self.rng.sample(older, min(4, len(older))), ("beyond", "beyond", "refer", "refer"), strict=False)
        )
        for index, received in enumerate(dates):
            spec = self._spec(received, forced.get(index, ""))
            complaint = self._register(spec, f"{DEMO_KEY}{self.county.code}:{index:04d}")
            _Story(self, complaint, spec).run()
        return len(dates)

    def _register(self, spec: _Spec, key: str) -> Complaint:
        town = spec.employer.region if spec.employer.region.level >= RegionLevel.TOWNSHIP else None
        reporter: dict[str, str] = {}
        if spec.reporter is not None:
            reporter = {"reporter_name": spec.reporter.name, "reporter_phone": spec.reporter.phone}
        categories = [self.categories[spec.category]]
        if spec.category == UNPAID and self.rng.random() < 0.2:
            categories.append(self.categories["no_contract"])
        start = end = None  # a report's period; a complaint's is each complainant's
        if spec.kind == Kind.REPORT:
            end = spec.received - dt.timedelta(days=self.rng.randint(0, 30))
            start = end - dt.timedelta(days=self.rng.randint(20, 120))
        return complaint_register(
            by=self.staff.window,
            county=self.county,
            township=town,
            employer=spec.employer,
            categories=categories,
            facts=self._facts(spec),
            complainants=spec.complainants,
            kind=spec.kind,
            channel=spec.channel,
            upstream_ref=self._upstream(spec.channel, spec.received),
            project_name=spec.project,
            site_address=spec.site,
            received_on=spec.received,
            anonymous=spec.anonymous,
            period_from=start,
            period_to=end,
            idempotency_key=key,
            **reporter,
        )


class _Story:
    """One complaint's life after registration; each act happens only if its day is before
    today (so recent cases stop at an earlier stage)."""

    def __init__(self, county: _County, complaint: Complaint, spec: _Spec) -> None:
        self.county, self.spec, self.complaint = county, spec, complaint
        self.rng, self.staff, self.today = county.rng, county.staff, county.today
        self.day = complaint.received_on
        self.lead = self.rng.choice(self.staff.inspectors)

    def workdays(self, start: dt.date, n: int) -> dt.date:
        return self.county.calendar.add(start, n).date

    def act(self, by: User, act: str, day: dt.date, **kwargs: Any) -> bool:
        """Perform `act` on `day` (not before the previous act) if that day is past."""
        day = max(day, self.day)
        if day >= self.today:
            return False
        complaint_act(complaint=self.complaint, by=by, act=act, on_date=day, **kwargs)
        self.day = day
        return True

    def approve(self, act: str, day: dt.date) -> bool:
        """A head's approval; a few requests of the last days still await it."""
        if self.county.pending.get(act, 0) > 0 and (self.today - self.day).days <= 10:
            self.county.pending[act] -= 1
            return False
        return self.act(self.rng.choice(self.staff.heads), act, day)

    def later(self, low: int, high: int) -> dt.date:
        return self.day + dt.timedelta(days=self.rng.randint(low, high))

    def run(self) -> None:
        rng, spec, window = self.rng, self.spec, self.staff.window
        decision = self.workdays(self.day, rng.randint(1, 4))
        if spec.beyond_limitation:
            if self.act(window, "request_refusal", decision, reason=_REFUSAL):
                self.approve("approve_refusal", self.workdays(self.day, rng.randint(1, 2)))
            return
        fate = rng.random()
        if fate < 0.03 or spec.refer:
            self.act(window, "refer", decision, reason=rng.choice(_REFERRALS))
            return
        if fate < 0.06:
            self.act(window, "withdraw", decision, reason=rng.choice(_WITHDRAWALS))
            return
        recent = (self.today - self.day).days <= 12
        if fate < (0.45 if recent else 0.17):
            if not self.act(window, "request_supplement", self.workdays(self.day, 1), reason=_SUPPLEMENT):
                return
            if not self.act(window, "receive_supplement", self.later(3, 12)):
                return
            decision = self.workdays(self.day, rng.randint(1, 3))
        if not self.act(self.staff.brigade, "accept", decision, inspectors=list(self.staff.inspectors)):
            return
        self.investigate()

    def investigate(self) -> None:
        rng, spec = self.rng, self.spec
        accepted = self.day
        visit = {
            "step_type": "visit" if spec.project or rng.random() < 0.6 else "interview",
            "description": "会同另一名监察员到用人单位现场检查，调取考勤记录和工资发放表，询问相关人员并制作笔录。",
            "participants": [u.name for u in self.staff.inspectors],
        }
        if not self.act(self.lead, "record_step", self.later(1, 8), data=visit):
            return
        handover = spec.category == UNPAID and spec.kind == Kind.COMPLAINT and spec.claimed > 0
        if handover and rng.random() < HANDOVER_SHARE:
            # the money is the wage case's: the wage-case demo takes it from here
            if self.wants_extension(accepted):
                self.extend(accepted, now=True)
            elif rng.random() < 0.12:
                self.extend(accepted)
            return
        stuck = rng.random() < 0.07  # never closed: overdue once its deadline passes
        if self.wants_extension(accepted):
            self.extend(accepted, now=True)
            return  # awaits the head's decision
        if rng.random() < 0.12 and not self.extend(accepted):
            return
        if stuck:
            return
        self.resolve(accepted)

    def wants_extension(self, accepted: dt.date) -> bool:
        """The first case accepted some 45 to 75 days ago asks for an extension these days, so
        that one request awaits the head."""
        return self.county.pending["approve_extension"] > 0 and 45 <= (self.today - accepted).days <= 75

    def extend(self, accepted: dt.date, *, now: bool = False) -> bool:
        reason = "案情复杂，涉及人数较多，需进一步调取银行流水核实，申请延长调查期限30个工作日。"
        day = accepted + dt.timedelta(days=self.rng.randint(45, 60))
        if now:
            day = self.today - dt.timedelta(days=self.rng.randint(1, 5))
        if not self.act(self.lead, "request_extension", day, reason=reason):
            return False
        return self.approve("approve_extension", self.workdays(self.day, 2))

    def resolve(self, accepted: dt.date) -> None:
        rng, spec = self.rng, self.spec
        paid_claims = spec.claimed > 0
        outcomes = [Outcome.RECTIFIED, Outcome.PENALIZED, Outcome.NO_VIOLATION, "withdraw"]
        weights = [40, 12, 18, 6]
        if paid_claims:
            outcomes.append(Outcome.MEDIATED)
            weights.append(30)
        outcome = rng.choices(outcomes, weights=weights)[0]
        amount: Decimal | None = None
        if outcome == "withdraw":
            self.act(self.staff.window, "withdraw", self.later(5, 30), reason=rng.choice(_WITHDRAWALS))
            return
        if outcome in (Outcome.RECTIFIED, Outcome.PENALIZED) and not self.rectify(met=outcome == Outcome.RECTIFIED):
            return
        if outcome == Outcome.PENALIZED and not self.penalize():
            return
        if outcome == Outcome.MEDIATED:
            amount = spec.claimed
            data = {
                "agreement": f"用人单位同意于7日内一次性支付{amount}元，投诉人放弃其他请求。",
                "amount": str(amount),
            }
            if not self.act(self.lead, "record_mediation", self.later(5, 25), data=data):
                return
        if outcome == Outcome.NO_VIOLATION:
            step = {
                "step_type": "interview",
                "description": "经询问双方并核对工资表、考勤记录，投诉反映的问题不属实。",
                "participants": [u.name for u in self.staff.inspectors],
            }
            if not self.act(self.lead, "record_step", self.later(5, 25), data=step):
                return
        if outcome == Outcome.RECTIFIED and spec.category == "minimum_wage":
            amount = spec.claimed
        closure: dict[str, Any] = {"outcome": outcome}
        if amount is not None:
            closure.update(amount_recovered=amount, workers_paid=len(spec.complainants))
        if not self.act(
            self.lead, "request_closure", max(self.later(2, 10), accepted + dt.timedelta(days=12)), **closure
        ):
            return
        if not self.approve("approve_closure", self.workdays(self.day, rng.randint(1, 3))):
            return
        self.follow_up()

    def rectify(self, *, met: bool) -> bool:
        ordered = self.later(3, 15)
        deadline = ordered + dt.timedelta(days=self.rng.randint(10, 20))
        data = {"items": [_RECTIFICATION_ITEMS[self.spec.category]], "deadline": deadline.isoformat()}
        if not self.act(self.lead, "order_rectification", ordered, data=data):
            return False
        result = (
            {"result": "met", "note": "经复查，已按期改正。"} if met else {"result": "unmet", "note": "逾期未改正。"}
        )
        return self.act(
            self.lead, "record_rectification", deadline + dt.timedelta(days=self.rng.randint(1, 5)), data=result
        )

    def penalize(self) -> bool:
        basis = "《劳动保障监察条例》第二十五条、第二十六条"
        amount = _money(self.rng.randint(2, 20) * 1000)
        notice = {"facts": "逾期未改正。", "legal_basis": basis, "proposed_amount": str(amount)}
        if not self.act(self.lead, "notify_penalty", self.later(2, 7), data=notice):
            return False
        self.county.penalties += 1
        number = f"{self.county.county.name[:2]}人社监罚〔{self.day.year}〕{self.county.penalties}号"
        decision = {"legal_basis": basis, "amount": str(amount), "decision_number": number}
        return self.act(self.lead, "decide_penalty", self.later(6, 12), data=decision)

    def follow_up(self) -> None:
        day = self.later(5, 20)
        if self.rng.random() < 0.05 and day < self.today:
            data = {"reached": False, "comment": "电话无人接听。"}
            self.act(self.staff.window, "follow_up", day, data=data)
            return
        follow_up(self.rng, self.complaint, self.staff, day, self.today)


def follow_up(rng: random.Random, complaint: Complaint, staff: CountyStaff, day: dt.date, today: dt.date) -> bool:
    """The window's follow-up call after most closures, mostly satisfied (the wage-case demo
    uses it too)."""
    if rng.random() > 0.85 or day >= today:
        return False
    satisfied = rng.random() < 0.9
    comment = rng.choice(_SATISFIED if satisfied else _UNSATISFIED)
    complaint_act(
        complaint=complaint,
        by=staff.window,
        act="follow_up",
        on_date=day,
        satisfied=satisfied,
        data={"reached": True, "comment": comment},
    )
    return True

"""Demo inspections of the demo city (`seed_demo`), for each staffed county that has the demo
complaints (`complaints.demo`):

- this year's patrol target (50 patrols);
- three campaigns of different types, two over and one in progress, each targeting industries
  (and one some townships);
- 60 to 90 visits over the last eleven months on working days, by pairs of the county's
  inspectors and brigade head: mostly patrols (some answering the routine checklist), campaign
  visits answering the current checklist of their type; contracts urged, unpaid wages now and
  then (one visit opens a wage case), positions from the phone, some sent from the offline queue;
- 10 to 15 rectification orders in every state: open, overdue, met, unmet, one escalated to a wage
  case, followed up by later visits of the same employer; one from an annual review;
- last year's annual reviews of about four employers in five: passed, to rectify (one rectified
  and then passed), failed, some still pending, so the "not reviewed" list has employers in it.

Everything goes through the real services with past dates, in date order (numbers follow the
calendar). Deterministic for a seed (`random.Random` per county, pools in natural-key order) and
idempotent: a county that already has inspection records, or that the complaint demo left alone,
gets none.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.models import Employer, Industry, Region, RegionLevel, User, Worker
from bureau.workdays import WorkdayCalendar
from complaints.demo import CountyStaff, demo_complaints, demo_counties
from inspections import services
from inspections.models import (
    AnnualReview,
    Campaign,
    CampaignType,
    ChecklistTemplate,
    ItemKind,
    PatrolTarget,
    RectificationOrder,
    ReviewResult,
    Visit,
    WagesOnTime,
)
from inspections.reference import ensure_builtin

PATROL_TARGET = 50
BASE_VISITS = (52, 74)  # per county, inclusive; follow-up visits come on top
DAYS_BACK = 330
ORDERS = (10, 13)  # orders from visits, inclusive; one more comes from a review
REVIEWED_SHARE = 0.8

# (type code, name, starts days ago, days long, industries, share of townships, target)
CAMPAIGNS: tuple[tuple[str, str, int, int, tuple[str, ...], float, int], ...] = (
    ("hr_market", "{year}年人力资源市场秩序专项检查", 290, 40, (Industry.L, Industry.O), 0.0, 12),
    ("child_labour", "{year}年禁止使用童工专项检查", 140, 31, (Industry.C, Industry.H), 0.7, 20),
    ("migrant_wages", "{year}年根治欠薪冬季专项行动", 25, 60, (Industry.E,), 0.0, 25),  # in progress
)
# a rough position of each demo county (for the phones' positions)
_CENTRES = {"339901": (29.08, 119.65), "339902": (28.90, 119.40), "339903": (28.75, 119.85)}
# yes/no items where "yes" is the finding of a problem
_BAD_YES = {"false_ads", "deposits_taken", "equal_pay", "dispatch_share"}
_ROUTINE_FINDINGS = (
    "查阅职工名册、劳动合同和工资发放记录，现场询问职工{n}人。",
    "检查劳动合同签订、工资支付和工时休假情况，现场询问职工{n}人。",
    "现场查看用工情况，抽查考勤记录和工资表，询问职工{n}人。",
)
_ITEM_TEXTS = {
    "contracts": "与未签订书面劳动合同的{n}名劳动者补签劳动合同",
    "wages": "足额支付拖欠{n}名劳动者的工资共{amount}元",
    "minimum_wage": "补足低于最低工资标准的工资差额",
    "child_labour": "立即清退童工，送交其父母或其他监护人",
    "roster": "建立职工名册并按规定备案",
    "insurance": "依法为全部职工参加社会保险并补缴社会保险费",
    "hours": "合理安排工作时间，依法支付延长工作时间工资",
}


@dataclass
class _Finding:
    """What a visit found, drawn before it is recorded."""

    workers: int
    missing: int = 0  # workers without a written contract
    unpaid: list[Decimal] = field(default_factory=list)  # each unpaid worker's wages
    wages: str = WagesOnTime.YES
    minimum_wage: bool = False
    child: int = 0

    @property
    def problems(self) -> list[str]:
        found = []
        if self.unpaid:
            found.append("wages")
        if self.missing:
            found.append("contracts")
        if self.minimum_wage:
            found.append("minimum_wage")
        if self.child:
            found.append("child_labour")
        return found


@dataclass
class _Plan:
    """A visit to make: base, or following up an order."""

    day: dt.date
    employer: Employer
    pair: tuple[User, User]
    finding: _Finding
    campaign: Campaign | None = None
    template: ChecklistTemplate | None = None
    follows: _OrderPlan | None = None
    open_case: bool = False  # a wage case is opened from what it found
    visit: Visit | None = None
    workers: list[Worker] = field(default_factory=list)  # the unpaid ones


@dataclass
class _OrderPlan:
    fate: str  # open, partial, overdue, met, unmet, escalated
    items: list[str]
    deadline_days: int
    served: dt.date
    due: dt.date
    source: _Plan | None = None
    order: RectificationOrder | None = None


class _County:
    def __init__(self, rng: random.Random, county: Region, staff: CountyStaff, today: dt.date) -> None:
        self.rng, self.county, self.staff, self.today = rng, county, staff, today
        self.calendar = WorkdayCalendar()
        self.employers = list(
            Employer.objects.filter(region__path__startswith=county.path)
            .select_related("region")
            .order_by("credit_code")
        )
        adult = dt.date(today.year - 19, 1, 1)
        self.workers = list(
            Worker.objects.filter(registrations__region__path__startswith=county.path, birth_date__lt=adult)
            .distinct()
            .order_by("id_number")[:400]
        )
        first, second = staff.inspectors
        self.pairs: list[tuple[User, User]] = [
            (first, second),
            (second, first),
            (first, staff.brigade),
            (second, staff.brigade),
        ]
        self.pair_weights = (45, 35, 10, 10)
        self.steps: list[tuple[dt.date, int, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.counts: Counter[str] = Counter()

    # -- dates ------------------------------------------------------------------------------

    def working_day(self, low: dt.date, high: dt.date) -> dt.date | None:
        """A working day drawn in [low, high], before today; None when there is none."""
        high = min(high, self.today - dt.timedelta(days=1))
        days = [low + dt.timedelta(days=n) for n in range((high - low).days + 1)]
        days = [d for d in days if self.calendar.is_workday(d)]
        return self.rng.choice(days) if days else None

    def at(self, day: dt.date, minute: int, action: Callable[[], None]) -> None:
        """Do `action` on `day` (at `minute` past midnight): steps run in date order, and a
        step may add later ones."""
        heapq.heappush(self.steps, (day, minute, next(self.seq), action))

    def moment(self, day: dt.date) -> dt.datetime:
        minute = self.rng.randint(8 * 60 + 30, 16 * 60 + 30)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))

    # -- the county --------------------------------------------------------------------------

    def seed(self) -> Counter[str]:
        if not self.employers or len(self.workers) < 20:
            return self.counts
        services.patrol_target_set(
            by=self.staff.brigade, year=self.today.year, patrols=PATROL_TARGET, county=self.county
        )
        plans = self.campaign_visits()
        plans += self.patrols(self.rng.randint(*BASE_VISITS) - len(plans))
        plans.sort(key=lambda p: p.day)
        escalate, late = self.force_findings(plans)
        orders = self.plan_orders(plans, escalate, late)
        for plan in plans:
            self.schedule_visit(plan)
        for order_plan in orders:
            self.at(order_plan.served, 23 * 60, lambda order_plan=order_plan: self.issue(order_plan))  # type: ignore[misc]
        self.plan_reviews()
        while self.steps:
            *_when, action = heapq.heappop(self.steps)
            action()
        return self.counts

    def campaigns(self) -> list[tuple[Campaign, list[Employer]]]:
        result = []
        towns = list(Region.objects.filter(parent=self.county, level=RegionLevel.TOWNSHIP).order_by("code"))
        for code, name, back, length, industries, town_share, target in CAMPAIGNS:
            campaign_type = CampaignType.objects.filter(code=code, active=True).first()
            if campaign_type is None:
                continue  # taken out of use by an administrator
            starts = self.today - dt.timedelta(days=back)
            regions = sorted(self.rng.sample(towns, round(len(towns) * town_share)), key=lambda r: r.code)
            pool = [
                e
                for e in self.employers
                if (not industries or e.industry in industries)
                and (not regions or any(e.region.path.startswith(r.path) for r in regions))
            ]
            if len(pool) < 3:
                regions, industries, pool = [], (), self.employers
            campaign = services.campaign_create(
                by=self.staff.brigade,
                county=self.county,
                data=services.CampaignInput(
                    name=name.format(year=starts.year),
                    campaign_type=campaign_type,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=length - 1),
                    regions=regions,
                    industries=list(industries),
                    target_employers=min(target, len(pool)),
                    description="按照上级部署，对辖区内重点行业用人单位开展专项检查。",
                ),
            )
            self.counts["campaigns"] += 1
            result.append((campaign, pool))
        return result

    def campaign_visits(self) -> list[_Plan]:
        plans = []
        for campaign, pool in self.campaigns():
            template = campaign.campaign_type.current_template()
            ongoing = campaign.ends_on >= self.today
            count = min(len(pool), self.rng.randint(5, 8) if ongoing else self.rng.randint(8, 12))
            for employer in self.rng.sample(pool, count):
                day = self.working_day(campaign.starts_on, campaign.ends_on)
                if day is None:
                    continue
                plans.append(self.plan(day, employer, campaign=campaign, template=template))
        return plans

    def patrols(self, count: int) -> list[_Plan]:
        routine = CampaignType.objects.get(code="routine").current_template()
        plans = []
        start = self.today - dt.timedelta(days=DAYS_BACK)
        for _ in range(count):
            day = self.working_day(start, self.today)
            if day is None:
                continue
            template = routine if self.rng.random() < 0.4 else None
            plans.append(self.plan(day, self.rng.choice(self.employers), template=template))
        return plans

    def plan(self, day: dt.date, employer: Employer, **kw: Any) -> _Plan:
        rng = self.rng
        size = employer.employee_count or rng.randint(3, 30)
        finding = _Finding(workers=max(1, min(300, round(size * rng.uniform(0.5, 0.9)))))
        if rng.random() < 0.25 and finding.workers >= 2:
            finding.missing = rng.randint(1, max(1, finding.workers // 5))
        roll = rng.random()
        if roll < 0.05:
            self.unpaid(finding)
        elif roll < 0.25:
            finding.wages = WagesOnTime.NOT_CHECKED
        finding.minimum_wage = rng.random() < 0.03
        pair = rng.choices(self.pairs, weights=self.pair_weights)[0]
        return _Plan(day=day, employer=employer, pair=pair, finding=finding, **kw)

    def unpaid(self, finding: _Finding) -> None:
        count = self.rng.randint(2, max(2, min(8, finding.workers)))
        finding.wages = WagesOnTime.NO
        finding.workers = max(finding.workers, count)
        finding.unpaid = [Decimal(self.rng.randint(30, 120) * 100) for _ in range(count)]

    def force_findings(self, plans: list[_Plan]) -> tuple[_Plan | None, _Plan | None]:
        """What the story needs whatever the draw: two older patrols that found unpaid wages
        (the first opens a wage case; the second gets an order that runs out unmet and is
        escalated), a visit of about six weeks ago and recent visits that found contracts
        missing (an order run out lately, not yet followed up; orders still running). Returns
        the visits of the escalated and of the overdue order."""
        old = [p for p in plans if p.campaign is None and (self.today - p.day).days > 60]
        chosen = [old[len(old) // 3], old[2 * len(old) // 3]] if len(old) >= 3 else []
        for plan in chosen:
            if not plan.finding.unpaid:
                self.unpaid(plan.finding)
        lately = [p for p in plans if 25 <= (self.today - p.day).days <= 90 and p not in chosen]
        late = min(lately, key=lambda p: abs((self.today - p.day).days - 45), default=None)
        for plan in [p for p in plans if (self.today - p.day).days <= 20][-3:] + ([late] if late else []):
            plan.finding.workers = max(plan.finding.workers, 2)
            plan.finding.missing = plan.finding.missing or max(1, plan.finding.workers // 4)
        for plan in plans:
            if plan.finding.unpaid:
                plan.workers = self.rng.sample(self.workers, len(plan.finding.unpaid))
        if not chosen:
            return None, late
        chosen[0].open_case = True
        return chosen[1], late

    # -- orders ---------------------------------------------------------------------------------

    def order_items(self, plan: _Plan) -> list[str]:
        finding = plan.finding
        items = []
        for problem in finding.problems:
            count = {"wages": len(finding.unpaid), "contracts": finding.missing}.get(problem, 0)
            amount = sum(finding.unpaid, Decimal("0.00"))
            items.append(_ITEM_TEXTS[problem].format(n=count, amount=amount))
        extra = [k for k in ("roster", "insurance", "hours") if self.rng.random() < 0.3]
        return [*items, *(_ITEM_TEXTS[k] for k in extra)][:4]

    def plan_orders(self, plans: list[_Plan], escalate: _Plan | None, late: _Plan | None) -> list[_OrderPlan]:
        """Orders on visits with problems, each with its fate: still running (open, or partly
        met at a first follow-up), run out lately without a follow-up yet (overdue), met, unmet,
        escalated."""
        rng, today = self.rng, self.today
        candidates = [p for p in plans if p.finding.problems and p is not escalate and not p.open_case]
        recent = [p for p in candidates if (today - p.day).days <= 20][-3:]
        older = [p for p in candidates if (today - p.day).days > 20]
        count = rng.randint(*ORDERS) - len(recent) - (1 if escalate else 0) - (1 if late else 0)
        pool = [p for p in older if p is not late]
        picked = sorted(rng.sample(pool, min(len(pool), max(0, count))), key=lambda p: p.day)
        fates = itertools.cycle(("met", "unmet", "met", "met", "unmet"))
        orders = []
        for plan in picked:
            days = rng.choice((5, 10, 15, 20))
            due = self.due(plan.day, days)
            fate = "open" if due >= today else next(fates)
            orders.append(_OrderPlan(fate, self.order_items(plan), days, plan.day, due, source=plan))
        if late is not None:
            due = self.due(late.day, 10)
            fate = "overdue" if due < today else "open"
            orders.append(_OrderPlan(fate, self.order_items(late), 10, late.day, due, source=late))
        for plan in recent:
            items = self.order_items(plan)
            fate = "partial" if len(items) > 1 and rng.random() < 0.6 else "open"
            orders.append(_OrderPlan(fate, items, 30, plan.day, self.due(plan.day, 30), source=plan))
        if escalate is not None:
            items = self.order_items(escalate)[:2]
            orders.append(_OrderPlan("escalated", items, 10, escalate.day, self.due(escalate.day, 10), source=escalate))
        for order in orders:
            self.plan_follow_up(order, plans)
        return orders

    def due(self, served: dt.date, days: int) -> dt.date:
        return self.calendar.add(served, days).date

    def plan_follow_up(self, order: _OrderPlan, plans: list[_Plan]) -> None:
        """The follow-up visit of an order, if its fate has one."""
        if order.fate in ("open", "overdue"):
            return
        after = order.served + dt.timedelta(days=1)
        if order.fate == "met":
            day = self.working_day(after, order.due + dt.timedelta(days=3))
        elif order.fate == "partial":
            day = self.working_day(after, order.due - dt.timedelta(days=1))
        else:  # unmet, escalated
            day = self.working_day(order.due, order.due + dt.timedelta(days=10))
        if day is None:
            order.fate = "overdue" if order.due < self.today else "open"
            return
        source = order.source
        assert source is not None
        finding = _Finding(workers=source.finding.workers)
        if order.fate != "met":
            finding.missing = source.finding.missing
        plan = _Plan(day=day, employer=source.employer, pair=source.pair, finding=finding, follows=order)
        plans.append(plan)

    # -- doing it ------------------------------------------------------------------------------

    def schedule_visit(self, plan: _Plan) -> None:
        when = self.moment(plan.day)
        self.at(plan.day, when.hour * 60 + when.minute, lambda: self.record(plan, when))

    def record(self, plan: _Plan, when: dt.datetime) -> None:
        rng, finding = self.rng, plan.finding
        urged = finding.missing if rng.random() < 0.8 else max(0, finding.missing - 1)
        latitude = longitude = None
        accuracy = None
        if rng.random() < 0.85:
            latitude, longitude = self.position(plan.employer)
            accuracy = rng.randint(5, 60)
        findings = rng.choice(_ROUTINE_FINDINGS).format(n=min(finding.workers, rng.randint(2, 6)))
        if plan.follows is not None:
            findings = "复查整改情况。" + findings
        if finding.missing:
            findings += f"{finding.missing}名职工未签订书面劳动合同，已当场督促签订。"
        if finding.unpaid:
            findings += f"查见{rng.randint(2, 5)}个月工资未按时发放，涉及{len(finding.unpaid)}人。"
        if finding.minimum_wage:
            findings += "部分学徒工月工资低于当地最低工资标准。"
        if not finding.problems:
            findings += "未发现违法用工问题。"
        plan.visit = services.visit_record(
            by=plan.pair[0],
            county=self.county,
            data=services.VisitInput(
                employer=plan.employer,
                visited_at=when,
                inspectors=list(plan.pair),
                campaign=plan.campaign,
                template=plan.template,
                answers=self.answers(plan.template),
                site_address=plan.employer.address,
                workers_on_site=finding.workers,
                contracts_found=finding.workers - finding.missing,
                contracts_urged=urged,
                wages_on_time=finding.wages,
                workers_unpaid=len(finding.unpaid),
                amount_unpaid=sum(finding.unpaid, Decimal("0.00")),
                child_labour_found=finding.child,
                minimum_wage_problem=finding.minimum_wage,
                findings=findings,
                latitude=latitude,
                longitude=longitude,
                accuracy_m=accuracy,
                client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4) if rng.random() < 0.35 else None,
            ),
        )
        self.counts["visits"] += 1
        if plan.follows is not None:
            self.follow_up(plan)
        if plan.open_case:
            services.visit_open_case(
                by=plan.pair[0], visit=plan.visit, kind="wage", claims=self.claims(plan), opened_on=plan.day
            )
            self.counts["cases"] += 1

    def position(self, employer: Employer) -> tuple[Decimal, Decimal]:
        """Near the employer's own (stable) spot in the county."""
        lat, lon = _CENTRES.get(self.county.code, (29.0, 119.5))
        spot = random.Random(employer.credit_code)
        lat += spot.uniform(-0.08, 0.08) + self.rng.uniform(-0.0003, 0.0003)
        lon += spot.uniform(-0.08, 0.08) + self.rng.uniform(-0.0003, 0.0003)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def answers(self, template: ChecklistTemplate | None) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for item in template.items if template else []:
            key, kind = item["key"], item["kind"]
            if kind == ItemKind.YES_NO:
                answers[key] = self.rng.random() < (0.1 if key in _BAD_YES else 0.88)
            elif kind == ItemKind.NUMBER:
                answers[key] = self.rng.randint(0, 12)
            elif kind == ItemKind.AMOUNT:
                answers[key] = f"{self.rng.randint(2100, 3600)}.00"
            elif kind == ItemKind.TEXT and item["required"]:
                answers[key] = "见检查情况。"
        return answers

    def issue(self, order: _OrderPlan) -> None:
        source = order.source
        assert source is not None and source.visit is not None
        order.order = services.order_issue_from_visit(
            by=source.pair[0],
            visit=source.visit,
            items=order.items,
            served_on=order.served,
            deadline_days=order.deadline_days,
        )
        self.counts["orders"] += 1

    def follow_up(self, plan: _Plan) -> None:
        order = plan.follows
        assert order is not None and order.order is not None and plan.visit is not None
        items = list(order.order.items.order_by("position"))
        if order.fate == "met":
            results = [services.ItemResult(item, True, "已整改到位。") for item in items]
        else:  # the first item (wages or contracts) not done; the others mostly done
            results = [services.ItemResult(items[0], False, "尚未整改。")]
            results += [services.ItemResult(item, self.rng.random() < 0.7) for item in items[1:]]
            if order.fate == "partial" and not any(r.met for r in results):
                results[-1].met = True
        services.order_follow_up(by=plan.pair[0], order=order.order, visit=plan.visit, results=results)
        if order.fate == "escalated":
            source = order.source
            assert source is not None
            services.order_open_case(
                by=plan.pair[0],
                order=order.order,
                kind="wage",
                claims=self.claims(source),
                opened_on=plan.day,
            )
            self.counts["cases"] += 1

    def claims(self, plan: _Plan) -> list[tuple[Worker, Decimal, None, None]]:
        return [(w, amount, None, None) for w, amount in zip(plan.workers, plan.finding.unpaid, strict=True)]

    # -- reviews ---------------------------------------------------------------------------------

    def plan_reviews(self) -> None:
        rng, today = self.rng, self.today
        year = today.year - 1
        low = dt.date(today.year, 1, 10)
        high = min(dt.date(today.year, 4, 30), today - dt.timedelta(days=1))
        if high < low:
            low, high = dt.date(year, 12, 1), today - dt.timedelta(days=1)
        reviewed = rng.sample(self.employers, round(len(self.employers) * REVIEWED_SHARE))
        reviewed.sort(key=lambda e: e.credit_code)
        rectify_with_order = 1
        for employer in reviewed:
            submitted = low + dt.timedelta(days=rng.randint(0, (high - low).days))
            size = employer.employee_count or rng.randint(3, 40)
            fate = rng.choices(("passed", "rectify", "failed", "pending"), weights=(76, 10, 4, 10))[0]
            decided = submitted + dt.timedelta(days=rng.randint(3, 30))
            if decided >= today:
                fate = "pending"
            if fate == "rectify" and rectify_with_order and (today - decided).days > 45:
                rectify_with_order -= 1
                fate = "rectify_order"
            job = _Review(employer, year, submitted, size, fate, decided)
            self.at(submitted, 12 * 60, lambda job=job: self.submit(job))  # type: ignore[misc]
            if fate != "pending":
                self.at(decided, 17 * 60, lambda job=job: self.decide(job))  # type: ignore[misc]

    def submit(self, job: _Review) -> None:
        rng = self.rng
        short = rng.randint(1, max(1, job.workers // 10)) if job.fate != "passed" else 0
        job.review = services.review_submit(
            by=self.staff.inspectors[1],
            county=self.county,
            data=services.ReviewInput(
                employer=job.employer,
                year=job.year,
                submitted_on=job.submitted,
                workers=job.workers,
                contracts_signed=job.workers - short,
                insured_workers=job.workers - short - (rng.randint(0, 1) if job.workers - short > 0 else 0),
                wages_total=Decimal(job.workers * rng.randint(48, 96) * 1000),
                wages_on_time=job.fate != "failed",
                lowest_monthly_wage=Decimal(rng.randint(2300, 4200)),
                note="按时报送年度劳动用工情况书面材料。",
            ),
        )
        self.counts["reviews"] += 1

    def decide(self, job: _Review) -> None:
        assert job.review is not None
        by = self.staff.inspectors[0]
        if job.fate == "passed":
            services.review_decide(by=by, review=job.review, result=ReviewResult.PASSED, on_date=job.decided)
        elif job.fate == "failed":
            services.review_decide(
                by=by,
                review=job.review,
                result=ReviewResult.FAILED,
                opinion="存在拖欠工资、未依法签订劳动合同等问题，年度审查不合格，转入日常监管重点对象。",
                on_date=job.decided,
            )
        elif job.fate == "rectify":
            services.review_decide(
                by=by,
                review=job.review,
                result=ReviewResult.RECTIFY,
                opinion="部分职工未签订书面劳动合同，限期整改后重新报送。",
                on_date=job.decided,
            )
        else:  # rectify with an order, followed up, met, then passed
            review = services.review_decide(
                by=by,
                review=job.review,
                result=ReviewResult.RECTIFY,
                opinion="部分职工未参加社会保险，限期整改。",
                on_date=job.decided,
                order_items=["依法为全部职工参加社会保险并补缴社会保险费"],
                deadline_days=15,
            )
            self.counts["orders"] += 1
            order = review.orders.get()
            day = self.working_day(job.decided + dt.timedelta(days=5), order.due_on)
            if day is None:
                return
            plan = self.plan(day, job.employer)
            plan.finding = _Finding(workers=plan.finding.workers)
            plan.follows = _OrderPlan("met", [], 15, job.decided, order.due_on, order=order)
            self.schedule_visit(plan)
            self.at(day + dt.timedelta(days=2), 17 * 60, lambda: self.pass_again(review, day + dt.timedelta(days=2)))

    def pass_again(self, review: AnnualReview, day: dt.date) -> None:
        if day >= self.today:
            return
        services.review_decide(
            by=self.staff.inspectors[0],
            review=review,
            result=ReviewResult.PASSED,
            opinion="经复查已整改到位，审查合格。",
            on_date=day,
        )


@dataclass
class _Review:
    employer: Employer
    year: int
    submitted: dt.date
    workers: int
    fate: str
    decided: dt.date
    review: AnnualReview | None = None


def _has_inspections(county: Region) -> bool:
    return any(
        model.objects.filter(county=county).exists()
        for model in (Visit, Campaign, RectificationOrder, AnnualReview, PatrolTarget)
    )


def seed_demo(seed: int, today: dt.date) -> dict[str, int]:
    counts = _seed(seed, today)
    return {
        "inspection_campaigns": counts["campaigns"],
        "inspection_visits": counts["visits"],
        "rectification_orders": counts["orders"],
        "annual_reviews": counts["reviews"],
    }


@transaction.atomic
def _seed(seed: int, today: dt.date) -> Counter[str]:
    ensure_builtin()
    today = min(today, timezone.localdate())
    total: Counter[str] = Counter()
    for county, staff in demo_counties():
        if _has_inspections(county) or not demo_complaints(county).exists():
            continue
        rng = random.Random(f"bureau-demo:{seed}:{county.code}:inspections")
        total.update(_County(rng, county, staff, today).seed())
    return total

"""Demo wage cases of the demo city (`seed_demo`), built on the demo complaints
(`complaints.demo`): a wage case opened from most unpaid-wage complaints under investigation and
a few direct ones, construction projects with their contracting chain, claims confirmed,
orders to pay, payments allocated to the workers over the following weeks (by the employer,
the general contractor, the wage deposit or the emergency fund), receipts, a reversal, cases
closed paid or transferred; then the complaints of closed wage cases are closed with the wage
case's figures, and the defaulter-list proposals of the day are made, one of them listed.

Everything goes through the real services with past dates, in the order a county would have
done it; a date not yet reached stops the case there (recent cases are still open). The
services that take no date (claim confirmation, receipts, reversal, listing acts) date their
timeline entries on the seeding day.

Deterministic for a seed and idempotent: a county that already has wage cases or projects, or
that has no demo complaints, gets none.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from bureau.models import Employer, EmployerType, Industry, Region, User, Worker
from bureau.workdays import WorkdayCalendar
from complaints.demo import CountyStaff, demo_complaints, demo_counties, follow_up
from complaints.services import complaint_act
from wagecases import listings, projects, services
from wagecases.models import (
    FEN,
    AllocationKind,
    Claim,
    DepositForm,
    ListingKind,
    ListingStatus,
    Method,
    PartyRole,
    Payer,
    Payment,
    Project,
    Source,
    TransferTarget,
    WageCase,
)

ZERO = Decimal("0.00")
Allocations = list[tuple[Claim, Decimal, str]]  # (claim, amount, kind) of a payment
DIRECT_CASES = (2, 4)  # per county, inclusive

_BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "浙江农商银行")
_TRADES = ("钢筋班组", "木工班组", "泥水班组", "架子班组")


@dataclass
class Counts:
    wage_cases: int = 0
    projects: int = 0
    payments: int = 0
    listings: int = 0

    def add(self, other: Counts) -> None:
        for name in ("wage_cases", "projects", "payments", "listings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def seed_demo(seed: int, today: dt.date) -> dict[str, int]:
    counts = _seed(seed, today)
    return {
        "wage_cases": counts.wage_cases,
        "projects": counts.projects,
        "payments": counts.payments,
        "listings": counts.listings,
    }


def seed_wage_cases(seed: int, today: dt.date) -> int:
    """Seed the demo wage cases; returns how many were opened."""
    return _seed(seed, today).wage_cases


@transaction.atomic
def _seed(seed: int, today: dt.date) -> Counts:
    total = Counts()
    for county, staff in demo_counties():
        if WageCase.objects.filter(county=county).exists() or Project.objects.filter(county=county).exists():
            continue
        if not demo_complaints(county).exists():
            continue  # the complaint demo left this county alone: so do we
        rng = random.Random(f"bureau-demo:{seed}:{county.code}:wagecases")
        total.add(_County(rng, county, staff, today).seed())
    return total


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1")).quantize(FEN)


@dataclass
class _Job:
    opened_on: dt.date
    complaint: Any = None
    employer: Employer | None = None
    workers: list[Worker] = field(default_factory=list)
    fate: str = "paid"  # paid, stubborn, incident, public_security, arbitration
    reversal: bool = False
    late: bool = False  # pays after the deadline, with compensation


class _County:
    def __init__(self, rng: random.Random, county: Region, staff: CountyStaff, today: dt.date) -> None:
        self.rng, self.county, self.staff, self.today = rng, county, staff, today
        self.calendar = WorkdayCalendar()
        self.counts = Counts()
        employers = list(Employer.objects.filter(region__path__startswith=county.path).order_by("credit_code"))
        self.contractors = [e for e in employers if e.type == EmployerType.CONTRACTOR]
        self.developers = [e for e in employers if e.industry == Industry.K]
        self.factories = [e for e in employers if e.industry == Industry.C] or employers
        self.workers = list(
            Worker.objects.filter(
                registrations__region__path__startswith=county.path,
                birth_date__lt=dt.date(today.year - 19, 1, 1),
            )
            .distinct()
            .order_by("id_number")
        )
        self.projects: dict[str, Project] = {}
        self.pending_closure = 1

    def later(self, day: dt.date, low: int, high: int) -> dt.date:
        return day + dt.timedelta(days=self.rng.randint(low, high))

    def workdays(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add(day, n).date

    def seed(self) -> Counts:
        self.make_projects()
        for job in self.jobs():
            self.run(job)
        self.list_defaulters()
        return self.counts

    # -- projects --------------------------------------------------------------------------

    def make_projects(self) -> None:
        """A project for each construction site named in the county's complaints: a general
        contractor, the complained-of contractors as labour subcontractors under it, a
        specialist subcontractor and a labour team."""
        named: dict[str, list[Any]] = {}
        for complaint in (
            demo_complaints(self.county)
            .exclude(project_name="")
            .select_related("employer", "township")
            .order_by("year", "seq")
        ):
            named.setdefault(complaint.project_name, []).append(complaint)
        inspector = self.staff.inspectors[0]
        for name in sorted(named):
            complaints = named[name]
            subs = list(dict.fromkeys(c.employer for c in complaints))
            pool = [e for e in self.contractors if e not in subs]
            if not pool:
                continue
            rng = self.rng
            contractor = rng.choice(pool)
            developers = [e for e in self.developers if e not in subs and e != contractor]
            starts = [
                p for c in complaints for p in c.complainants.values_list("period_from", flat=True) if p is not None
            ]
            started = min([*starts, min(c.received_on for c in complaints)]) - dt.timedelta(days=rng.randint(60, 200))
            project = projects.project_create(
                by=inspector,
                county=self.county,
                name=name,
                site_region=complaints[0].township or self.county,
                address=complaints[0].site_address,
                developer=rng.choice(developers) if developers else None,
                general_contractor=contractor,
                special_account_bank=f"{rng.choice(_BANKS)}示范市{self.county.name}支行",
                special_account_number="".join(str(rng.randrange(10)) for _ in range(19)),
                deposit_amount=Decimal(rng.choice((300_000, 500_000, 800_000))),
                deposit_form=rng.choice(DepositForm.values),
                started_on=started,
            )
            self.counts.projects += 1
            parties = [
                projects.party_add(by=inspector, project=project, role=PartyRole.LABOUR_SUBCONTRACTOR, employer=sub)
                for sub in subs
            ]
            others = [e for e in pool if e != contractor]
            if others:
                projects.party_add(
                    by=inspector,
                    project=project,
                    role=PartyRole.SUBCONTRACTOR,
                    employer=rng.choice(others),
                    note="水电安装专业分包",
                )
            leader = rng.choice(self.workers)
            projects.party_add(
                by=inspector,
                project=project,
                role=PartyRole.LABOUR_TEAM,
                leader_name=leader.name,
                leader_phone=leader.phone,
                parent=parties[0],
                note=rng.choice(_TRADES),
            )
            self.projects[name] = project

    # -- which cases -------------------------------------------------------------------------

    def jobs(self) -> list[_Job]:
        rng, today = self.rng, self.today
        candidates = (
            demo_complaints(self.county)
            .filter(status="accepted", kind="complaint", categories__code="unpaid_wages")
            .select_related("employer")
            .order_by("accepted_on", "year", "seq")
            .distinct()
        )
        jobs: list[_Job] = []
        for complaint in candidates:
            accepted = complaint.accepted_on
            assert accepted is not None
            claimed = sum(complaint.complainants.values_list("amount_claimed", flat=True), ZERO)
            recent = (today - accepted).days < 30
            if claimed <= 0 or (recent and rng.random() < 0.15):
                continue
            opened = min(self.later(accepted, 0, 4), today - dt.timedelta(days=1))
            jobs.append(_Job(opened_on=max(opened, accepted), complaint=complaint))
        for _ in range(rng.randint(*DIRECT_CASES)):
            employer = rng.choice(self.contractors or self.factories)
            workers = rng.sample(self.workers, min(rng.randint(3, 15), len(self.workers)))
            jobs.append(
                _Job(opened_on=today - dt.timedelta(days=rng.randint(20, 300)), employer=employer, workers=workers)
            )
        jobs.sort(key=lambda j: j.opened_on)
        self.choose_fates(jobs)
        return jobs

    def choose_fates(self, jobs: list[_Job]) -> None:
        """A few cases go wrong: orders unmet (one with a mass incident), one transferred to
        public security, one to arbitration; one payment is entered in error and reversed."""
        rng, today = self.rng, self.today
        old = [j for j in jobs if j.complaint is not None and (today - j.opened_on).days > 75]
        groups = [j for j in old if j.complaint.complainants.count() >= 10]
        fates = ["incident", "stubborn", "public_security", "arbitration"]
        for fate in fates:
            pool = [j for j in (groups if fate == "incident" and groups else old) if j.fate == "paid"]
            if pool:
                rng.choice(pool).fate = fate
        paid = [j for j in jobs if j.fate == "paid" and (today - j.opened_on).days > 60]
        if paid:
            rng.choice(paid).reversal = True
            rng.choice(paid).late = True

    # -- one case ------------------------------------------------------------------------------

    def open(self, job: _Job) -> WageCase:
        lead = self.staff.inspectors[0]
        if job.complaint is not None:
            project = self.projects.get(job.complaint.project_name)
            return services.wagecase_open_from_complaint(
                by=lead, complaint=job.complaint, opened_on=job.opened_on, project=project
            )
        assert job.employer is not None
        end = job.opened_on - dt.timedelta(days=self.rng.randint(5, 40))
        start = end - dt.timedelta(days=self.rng.randint(60, 200))
        claims = [(w, Decimal(self.rng.randint(30, 400) * 100), start, end) for w in job.workers]
        source = self.rng.choice((Source.INSPECTION, Source.DIRECT))
        return services.wagecase_open(
            by=lead,
            employer=job.employer,
            claims=claims,
            county=self.county,
            opened_on=job.opened_on,
            source=source,
            inspectors=list(self.staff.inspectors),
        )

    def run(self, job: _Job) -> None:
        rng, today = self.rng, self.today
        case = self.open(job)
        self.counts.wage_cases += 1
        lead = rng.choice(self.staff.inspectors)
        day = self.later(job.opened_on, 2, 7)
        if day >= today:
            return
        claims = list(case.claims.order_by("id"))
        confirmed = [self.confirm(lead, claim, job.fate) for claim in claims]
        if not any(confirmed):
            job.fate = "paid"  # nothing owed after all: nothing to enforce or transfer
        ordered = self.later(day, 0, 5)
        if ordered >= today:
            return
        case = services.wagecase_order_payment(
            by=lead, case=case, ordered_on=ordered, working_days=rng.choice((5, 7, 10, 15)), note="责令限期支付劳动报酬"
        )
        assert case.payment_due is not None
        due: dt.date = case.payment_due
        contractor = case.project is not None and rng.random() < 0.4
        if contractor:
            services.wagecase_order_contractor(by=lead, case=case, ordered_on=ordered, note="分包单位无力支付")
        if job.fate in ("stubborn", "incident"):
            self.stubborn(lead, case, claims, confirmed, due, incident=job.fate == "incident")
            return
        if job.fate in ("public_security", "arbitration"):
            self.transfer(lead, case, claims, confirmed, due, job)
            return
        last = self.pay(lead, case, claims, confirmed, ordered, due, contractor=contractor, job=job)
        if last is None:
            return
        closed = self.later(last, 1, 8)
        if closed >= today:
            return
        services.wagecase_close(by=lead, case=case, closed_on=closed)
        if job.complaint is not None:
            # nothing owed after all: no violation found
            self.close_complaint(job.complaint, closed, "paid" if any(confirmed) else "no_violation")

    def confirm(self, by: User, claim: Claim, fate: str) -> Decimal:
        roll = self.rng.random()
        amount = claim.amount_claimed
        if roll < 0.01:
            amount = ZERO  # found owed nothing
        elif roll < 0.22 or fate == "arbitration":
            amount = _yuan(amount * Decimal(self.rng.randint(80, 97)) / 100)
        services.claim_confirm(by=by, claim=claim, amount_confirmed=amount)
        return amount

    def split(self, confirmed: list[Decimal], count: int) -> list[list[Decimal]]:
        """Each worker's confirmed wages spread over `count` payments: all in one, or part in
        an earlier one and the rest in the last."""
        parts = [[ZERO] * len(confirmed) for _ in range(count)]
        for i, amount in enumerate(confirmed):
            if amount <= 0:
                continue
            first = _yuan(amount * Decimal(self.rng.randint(30, 70)) / 100)
            if count == 1 or self.rng.random() < 0.5 or not ZERO < first < amount:
                parts[self.rng.randrange(count)][i] = amount
            else:
                parts[self.rng.randrange(count - 1)][i] = first
                parts[count - 1][i] = amount - first
        return [p for p in parts if any(p)]

    def pay(
        self,
        by: User,
        case: WageCase,
        claims: list[Claim],
        confirmed: list[Decimal],
        ordered: dt.date,
        due: dt.date,
        *,
        contractor: bool,
        job: _Job,
    ) -> dt.date | None:
        """Record the payments of the whole confirmed amount; the date of the last, or None
        when some fall after today (the case stays open)."""
        rng = self.rng
        count = rng.choices((1, 2, 3), weights=(50, 35, 15) if len(claims) < 10 else (60, 40, 0))[0]
        # mostly by the deadline, sometimes after it
        day = self.later(ordered, 1, (due - ordered).days + (10 if rng.random() < 0.2 else 0))
        if job.late:
            day = self.later(due, 3, 15)
        batches = self.split(confirmed, count)
        for index, batch in enumerate(batches):
            if day >= self.today:
                return None
            allocations: Allocations = [
                (claim, amount, AllocationKind.WAGES) for claim, amount in zip(claims, batch, strict=True) if amount
            ]
            if index == len(batches) - 1:
                allocations += self.extras(claims, confirmed, late=day > due, forced=job.late)
            if job.reversal and index == 0:
                self.reversal(by, case, allocations, day)
            self.record(by, case, allocations, day, contractor=contractor)
            day = self.later(day, 5, 25)
        return max(p.paid_on for p in case.payments.filter(reversed_at__isnull=True)) if batches else ordered

    def extras(self, claims: list[Claim], confirmed: list[Decimal], *, late: bool, forced: bool = False) -> Allocations:
        """Compensation (加付赔偿金, half the wages) when the order to pay was not met, now and
        then; interest, rarely."""
        result: Allocations = []
        compensation = forced or (late and self.rng.random() < 0.3)
        interest = self.rng.random() < 0.08
        for claim, amount in zip(claims, confirmed, strict=True):
            if amount <= 0:
                continue
            if compensation:
                result.append((claim, (amount / 2).quantize(FEN), AllocationKind.COMPENSATION))
            if interest:
                result.append((claim, (amount * Decimal("0.0125")).quantize(FEN), AllocationKind.INTEREST))
        return result

    def record(self, by: User, case: WageCase, allocations: Allocations, day: dt.date, *, contractor: bool) -> Payment:
        rng = self.rng
        total = sum((a for _c, a, _k in allocations), ZERO)
        workers = len({c.pk for c, _a, _k in allocations})
        bank = rng.choice(_BANKS)
        serial = rng.randrange(10**8)
        payer, method = (
            Payer.EMPLOYER,
            rng.choices((Method.BANK_TRANSFER, Method.CASH_SIGNED, Method.OTHER), weights=(60, 33, 7))[0],
        )
        if contractor:
            payer, method = Payer.GENERAL_CONTRACTOR, Method.SPECIAL_ACCOUNT
        elif case.project is not None and rng.random() < 0.12:
            payer, method = Payer.WAGE_DEPOSIT, Method.BANK_TRANSFER
        elif day.month in (12, 1, 2) and rng.random() < 0.08:
            payer, method = Payer.EMERGENCY_FUND, Method.BANK_TRANSFER
        evidence = {
            Method.BANK_TRANSFER: f"{bank}转账回单，流水号{day:%Y%m%d}{serial:08d}",
            Method.CASH_SIGNED: f"工资发放签收表（{workers}人签字捺印），监察员现场监督发放",
            Method.SPECIAL_ACCOUNT: f"农民工工资专用账户代发明细（{bank}），批次号{serial:08d}",
            Method.OTHER: "微信转账截图及劳动者收款确认书",
        }[method]
        if payer == Payer.WAGE_DEPOSIT:
            evidence = f"动用工资保证金决定书及{evidence}"
        elif payer == Payer.EMERGENCY_FUND:
            evidence = f"欠薪应急周转金垫付审批表及{evidence}"
        payment = services.payment_record(
            by=by,
            case=case,
            paid_on=day,
            amount=total,
            payer=payer,
            method=method,
            evidence=evidence,
            allocations=allocations,
        )
        self.counts.payments += 1
        for allocation in payment.allocations.order_by("id"):
            if rng.random() < 0.85:
                services.receipt_confirm(by=by, allocation=allocation)
        return payment

    def reversal(self, by: User, case: WageCase, allocations: Allocations, day: dt.date) -> None:
        """The first payment typed one zero short, reversed and entered again."""
        wrong = [(c, (a / 10).quantize(FEN), k) for c, a, k in allocations if (a / 10).quantize(FEN) > 0]
        total = sum((a for _c, a, _k in allocations), ZERO)
        payment = services.payment_record(
            by=by,
            case=case,
            paid_on=day,
            amount=sum((a for _c, a, _k in wrong), ZERO),
            payer=Payer.EMPLOYER,
            method=Method.BANK_TRANSFER,
            evidence=f"{self.rng.choice(_BANKS)}转账回单",
            allocations=wrong,
        )
        self.counts.payments += 1
        reason = f"金额少录一位（银行回单为{total}元），冲销后按回单重新登记。"
        services.payment_reverse(by=by, payment=payment, reason=reason)

    def stubborn(
        self,
        by: User,
        case: WageCase,
        claims: list[Claim],
        confirmed: list[Decimal],
        due: dt.date,
        *,
        incident: bool,
    ) -> None:
        """The order to pay runs out unmet: at most a first instalment, the case stays open."""
        if self.rng.random() < 0.5:
            day = self.later(due, -3, 0)
            part: Allocations = [
                (c, _yuan(a * Decimal("0.2")), AllocationKind.WAGES) for c, a in zip(claims, confirmed, strict=True)
            ]
            part = [p for p in part if p[1] > 0]
            if part and day < self.today:
                self.record(by, case, part, max(day, case.opened_on), contractor=False)
        day = self.later(due, 3, 15)
        if incident and day < self.today:
            note = f"{len(claims)}名工人在项目部聚集讨薪并拉横幅，经公安、住建部门现场处置后平息。"
            services.wagecase_mark_incident(by=by, case=case, on_date=day, note=note)

    def transfer(
        self,
        by: User,
        case: WageCase,
        claims: list[Claim],
        confirmed: list[Decimal],
        due: dt.date,
        job: _Job,
    ) -> None:
        """Transferred: to public security after the order ran out unpaid (涉嫌拒不支付劳动报酬罪),
        or to arbitration after paying the undisputed part."""
        if job.fate == "arbitration":
            day = self.later(due, -3, 3)
            part: Allocations = [
                (c, _yuan(a * Decimal("0.6")), AllocationKind.WAGES) for c, a in zip(claims, confirmed, strict=True)
            ]
            part = [p for p in part if p[1] > 0]
            if day >= self.today or not part:
                return
            self.record(by, case, part, max(day, case.opened_on), contractor=False)
            target, body = TransferTarget.ARBITRATION, "arbitration"
            receiver = f"{self.county.name}劳动人事争议仲裁委员会"
            note = "双方对加班工资及欠薪数额争议较大，已支付无争议部分，剩余请求告知劳动者申请劳动仲裁。"
        else:
            target, body = TransferTarget.PUBLIC_SECURITY, "public_security"
            receiver = f"示范市公安局{self.county.name}分局"
            note = "用人单位逾期拒不支付，法定代表人失联，涉嫌拒不支付劳动报酬罪，移送公安机关。"
        closed = self.later(max(due, case.opened_on), 10, 25)
        if closed >= self.today:
            return
        services.wagecase_close(by=by, case=case, transferred_to=target, note=note, closed_on=closed)
        complaint = job.complaint
        if complaint is None:
            return
        data = {"body": body, "receiver": receiver, "transferred_on": closed.isoformat()}
        complaint_act(complaint=complaint, by=by, act="transfer", reason=note, on_date=closed, data=data)
        self.close_complaint(complaint, closed, "transferred")

    def close_complaint(self, complaint: Any, closed: dt.date, outcome: str) -> None:
        """The complaint asks for closure once its wage case is closed, with its figures."""
        complaint.refresh_from_db()
        if complaint.status != "accepted":
            return  # e.g. an extension still awaits the head's decision
        floor = max(complaint.events.values_list("on_date", flat=True))
        day = max(self.later(closed, 0, 3), floor)
        if day >= self.today:
            return
        lead = complaint.inspectors.order_by("username").first()
        complaint_act(complaint=complaint, by=lead, act="request_closure", on_date=day, outcome=outcome)
        if self.pending_closure and (self.today - day).days <= 10:
            self.pending_closure -= 1  # still awaiting the head's approval
            return
        day = self.workdays(day, self.rng.randint(1, 3))
        if day >= self.today:
            return
        complaint_act(complaint=complaint, by=self.rng.choice(self.staff.heads), act="approve_closure", on_date=day)
        follow_up(self.rng, complaint, self.staff, self.later(day, 5, 20), self.today)

    # -- the defaulter list ----------------------------------------------------------------------

    def list_defaulters(self) -> None:
        """Today's proposals, and one of them taken to a listing (told, objection reviewed,
        decided), all today: a listing's acts cannot be dated before its proposal."""
        proposed = listings.propose_due(self.county, self.today)
        self.counts.listings += len(proposed)
        if not proposed:
            return
        # the weightiest defaulter first
        proposed.sort(
            key=lambda item: (item.kind != ListingKind.DEFAULTER, -item.amount_owed, item.employer.credit_code)
        )
        listing = proposed[0]
        inspector = self.staff.inspectors[0]
        # dated by the services: the day of the proposal, which is the real today
        listing = listings.listing_notify(by=inspector, listing=listing, note="送达拟列入告知书，告知陈述申辩权利。")
        listing = listings.listing_record_objection(
            by=inspector,
            listing=listing,
            received_on=None,
            objection="该单位称因建设单位拖欠工程款导致无力支付，请求暂缓列入。",
            result="经复核，工程款纠纷不影响其依法支付农民工工资的义务，异议不成立。",
        )
        listing = listings.listing_decide(
            by=self.staff.head, listing=listing, listed=True, note="经局务会集体讨论，决定列入。"
        )
        assert listing.status == ListingStatus.LISTED

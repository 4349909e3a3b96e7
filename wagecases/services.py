"""Every write a user can make to a wage-arrears case: open it (directly, from an inspection
finding, or from a complaint), confirm what each worker is owed, record a payment and its
allocation to workers, reverse a payment entered in error, confirm a worker's receipt, close.

Each runs in one transaction and locks the case row (`select_for_update`) before it reads
any total, so concurrent payments on one case are serialized and a check such as "wages may
not exceed what was confirmed" cannot be raced. Errors are Django `ValidationError`s keyed by
field with stable codes (`bureau.services.field_error`); an act not allowed in the case's
status raises `InvalidTransition`. Nothing is half-stored: a refused call changes no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import numbering, roles
from bureau.audit import acting_as
from bureau.models import Employer, Region, RegionLevel, User, Worker
from bureau.numbering import county_of
from bureau.services import amount_text, check_inspectors, clean_text, field_error
from bureau.workdays import WorkdayCalendar
from wagecases import selectors, workflow
from wagecases.models import (
    FEN,
    MAX_AMOUNT,
    Allocation,
    AllocationKind,
    Claim,
    Event,
    Method,
    Payer,
    Payment,
    Project,
    Source,
    Status,
    TransferTarget,
    WageCase,
)

# Complaints in these statuses are not pursued: no wage case is opened from them.
COMPLAINT_NOT_PURSUED = frozenset({"not_accepted", "referred", "withdrawn"})
# 加付赔偿金: 50%-100% of the amount owed (条例 art. 26; 劳动合同法 art. 85).
COMPENSATION_CAP = Decimal("1.00")
# What the payment column holds; a real payment is bounded by its allocations long before.
PAYMENT_LIMIT = Decimal("999999999999.99")

ClaimInput = tuple[Worker, Any, dt.date | None, dt.date | None]
AllocationInput = tuple[Claim, Any, str]


class InvalidTransition(Exception):
    """An act not allowed in the case's current status (HTTP 409, with what is allowed)."""

    def __init__(self, case: WageCase, act: str) -> None:
        self.case = case
        self.act = act
        allowed = workflow.allowed_from(case.status)
        self.allowed = [a.name for a in allowed]
        self.message = _("欠薪案件当前状态为“%(status)s”，不能执行“%(act)s”。此状态下可以：%(allowed)s。") % {
            "status": case.get_status_display(),
            "act": workflow.ACTS[act].label,
            "allowed": "、".join(str(a.label) for a in allowed) or _("无"),
        }
        super().__init__(self.message)


def money(value: Any, field: str, *, positive: bool = False, limit: Decimal | None = MAX_AMOUNT) -> Decimal:
    """An amount of yuan, exact to the fen: more decimal places are refused, not rounded."""
    try:
        # as text first: a float is taken as it prints (what was typed), not its binary value
        amount = Decimal(amount_text(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("金额格式不正确。"), "invalid") from None
    if not amount.is_finite():
        raise field_error(field, _("金额格式不正确。"), "invalid")
    if amount.adjusted() >= 15:  # beyond every limit, and beyond quantizing exactly
        if amount < 0:
            raise field_error(field, _("金额不能为负数。"), "min_value")
        raise field_error(field, _("金额超过上限，请核对。"), "max_value")
    if amount != amount.quantize(FEN):
        raise field_error(field, _("金额最多两位小数（精确到分）。"), "max_decimal_places")
    amount = amount.quantize(FEN) + 0  # + 0: no negative zero
    if positive and amount <= 0:
        raise field_error(field, _("金额应大于零。"), "min_value")
    if amount < 0:
        raise field_error(field, _("金额不能为负数。"), "min_value")
    if limit is not None and amount > limit:
        message = _("金额超过每人1000万元，请核对。") if limit == MAX_AMOUNT else _("金额超过上限，请核对。")
        raise field_error(field, message, "max_value")
    return amount


def yuan(amount: Decimal) -> str:
    """An amount as shown in messages and the timeline: two decimals (sums read back from
    some databases carry more digits)."""
    return format(Decimal(amount).quantize(FEN), "f")


def _check_period(prefix: str, start: dt.date | None, end: dt.date | None, today: dt.date) -> None:
    for name, value in ((f"{prefix}period_from", start), (f"{prefix}period_to", end)):
        if value and value > today:
            raise field_error(name, _("日期不能晚于今天。"), "date_in_future")
    if start and end and start > end:
        raise field_error(f"{prefix}period_to", _("截止日不能早于起始日。"), "period_order")


def _check_day(
    field: str, day: dt.date, earliest: dt.date, today: dt.date, earliest_label: str, code: str = "before_opened"
) -> None:
    if day > today:
        raise field_error(field, _("日期不能晚于今天。"), "date_in_future")
    if day < earliest:
        raise field_error(
            field,
            _("日期不能早于%(what)s（%(date)s）。") % {"what": earliest_label, "date": earliest.isoformat()},
            code,
        )


def next_number(county: Region, year: int) -> tuple[int, str]:
    """The next wage-case number of a county and year (see bureau.numbering)."""
    return numbering.next_number("wagecase", county, year, prefix="W")


def can_handle(user: User, case: WageCase) -> bool:
    """Heads handle every case of their region; an inspector the cases assigned to him, or any
    case nobody has been assigned to yet."""
    if not roles.can(user, "wagecases.edit"):
        return False
    if user.has_role(*roles.HEADS) or user.is_superuser:
        return True
    assigned = set(case.inspectors.values_list("pk", flat=True))
    return not assigned or user.pk in assigned


def _locked_case(by: User, case: WageCase, act: str) -> WageCase:
    """The case re-read under a row lock, if the user may see it (else DoesNotExist, like a
    missing case), checked against the assignment and the lifecycle table."""
    locked = WageCase.objects.visible_to(by).select_for_update(of=("self",)).get(pk=case.pk)
    if not can_handle(by, locked):
        raise PermissionDenied(_("本案已指派其他监察员承办，您不能办理。"))
    if locked.status not in workflow.ACTS[act].sources:
        raise InvalidTransition(locked, act)
    return locked


def _event(
    case: WageCase, by: User | None, action: str, on_date: dt.date | None = None, note: str = "", **data: Any
) -> Event:
    return Event.objects.create(
        case=case, by=by, action=action, on_date=on_date or timezone.localdate(), note=note, data=data
    )


def _create_case(
    *,
    by: User,
    county: Region,
    employer: Employer,
    source: str,
    opened_on: dt.date,
    claims: Sequence[tuple[Worker, Decimal, dt.date | None, dt.date | None]],
    complaint: Any = None,
    project: Project | None = None,
    inspectors: Sequence[User] = (),
    facts: str = "",
) -> WageCase:
    seq, number = next_number(county, opened_on.year)
    with acting_as(by):
        case = WageCase.objects.create(
            county=county,
            year=opened_on.year,
            seq=seq,
            number=number,
            employer=employer,
            source=source,
            complaint=complaint,
            project=project,
            opened_on=opened_on,
            created_by=by,
        )
        for worker, amount, start, end in claims:
            Claim.objects.create(case=case, worker=worker, amount_claimed=amount, period_from=start, period_to=end)
        if inspectors:
            case.inspectors.set(inspectors)
        _event(
            case,
            by,
            "open",
            opened_on,
            note=facts,
            source=source,
            complaint=complaint.number if complaint is not None else None,
            workers=len(claims),
            claimed=yuan(sum((c[1] for c in claims), Decimal("0.00"))),
            inspectors=[u.name or u.username for u in inspectors],
        )
    return case


def _check_inspectors(county: Region, chosen: Sequence[User]) -> None:
    check_inspectors(county, chosen, _("案件应由两名以上监察员办理。"))


def _check_project(by: User, project: Project, county: Region, employer: Employer, field: str = "project") -> None:
    """The project is the county's, and the employer is in its chain (developer, general
    contractor, a subcontractor or a labour team's employer)."""
    if not Project.objects.visible_to(by).filter(pk=project.pk, county=county).exists():
        raise field_error(field, _("工程项目不存在或不属于本县（区）。"), "does_not_exist")
    in_chain = (
        employer.pk in (project.developer_id, project.general_contractor_id)
        or project.parties.filter(employer=employer).exists()
    )
    if not in_chain:
        raise field_error(
            field,
            _("欠薪单位不在该项目的建设、总包、分包单位之中，请先在项目中登记。"),
            "not_in_project",
        )


@transaction.atomic
def wagecase_open(
    *,
    by: User,
    employer: Employer,
    claims: Sequence[ClaimInput],
    county: Region | None = None,
    opened_on: dt.date | None = None,
    source: str = Source.DIRECT,
    project: Project | None = None,
    inspectors: Sequence[User] = (),
    facts: str = "",
) -> WageCase:
    """Open a wage case directly or from an inspection finding, with each worker's claim
    `(worker, amount_claimed, period_from, period_to)`; `facts` (what was found) goes on the
    opening entry of the timeline. From a complaint: see `wagecase_open_from_complaint`."""
    roles.require(by, "wagecases.edit")
    today = timezone.localdate()
    opened_on = opened_on or today
    if opened_on > today:
        raise field_error("opened_on", _("日期不能晚于今天。"), "date_in_future")
    if source not in (Source.DIRECT, Source.INSPECTION):
        raise field_error("source", _("来源应为检查发现或直接立案；投诉案件请从投诉立案。"), "invalid_choice")
    county = county or county_of(by.region)
    if county is None:
        raise field_error("county", _("请选择承办的县（区）。"), "required")
    if county.level != RegionLevel.COUNTY or not Region.objects.visible_to(by).filter(pk=county.pk).exists():
        raise field_error("county", _("区划不存在或不在您的辖区内。"), "does_not_exist")
    if not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise field_error("employer", _("用人单位不存在或不在您的辖区内。"), "does_not_exist")
    if project is not None:
        _check_project(by, project, county, employer)
    if inspectors:
        _check_inspectors(county, inspectors)
    if not claims:
        raise field_error("claims", _("请至少填写一名劳动者的欠薪请求。"), "required")
    visible_workers = set(
        Worker.objects.visible_to(by).filter(pk__in=[c[0].pk for c in claims]).values_list("pk", flat=True)
    )
    cleaned = []
    seen: set[int] = set()
    for index, (worker, amount, start, end) in enumerate(claims):
        prefix = f"claims.{index}."
        if worker.pk in seen:
            raise field_error(prefix + "worker", _("同一劳动者重复出现。"), "duplicate")
        seen.add(worker.pk)
        if worker.pk not in visible_workers:
            raise field_error(prefix + "worker", _("劳动者不存在或不在您的辖区内。"), "does_not_exist")
        _check_period(prefix, start, end, today)
        cleaned.append((worker, money(amount, prefix + "amount_claimed"), start, end))
    return _create_case(
        by=by,
        county=county,
        employer=employer,
        source=source,
        opened_on=opened_on,
        claims=cleaned,
        project=project,
        inspectors=inspectors,
        facts=clean_text(facts)[:4000] if facts else "",
    )


@transaction.atomic
def wagecase_open_from_complaint(
    *, by: User, complaint: Any, opened_on: dt.date | None = None, project: Project | None = None
) -> WageCase:
    """Open the wage case of a complaint in one step: its county, employer, inspectors and
    complainants, each with the amount and period he claimed. A complaint has at most one
    wage case."""
    roles.require(by, "wagecases.edit")
    # The complaint model, through our foreign key: case apps do not import each other's models.
    complaint_model: Any = WageCase._meta.get_field("complaint").related_model
    complaint = (
        complaint_model.objects.visible_to(by)
        .select_for_update(of=("self",), no_key=True)  # two clerks opening at once: one waits
        .get(pk=complaint.pk)
    )
    existing = WageCase.objects.filter(complaint=complaint).first()
    if existing is not None:
        raise field_error(
            "complaint", _("该投诉已立欠薪案件（%(number)s）。") % {"number": existing.number}, "already_opened"
        )
    if complaint.status in COMPLAINT_NOT_PURSUED:
        raise field_error(
            "complaint",
            _("投诉案件状态为“%(status)s”，不能立欠薪案件。") % {"status": complaint.get_status_display()},
            "complaint_status",
        )
    today = timezone.localdate()
    opened_on = opened_on or today
    _check_day("opened_on", opened_on, complaint.received_on, today, _("收到投诉的日期"), "before_received")
    claims = [
        (c.worker, c.amount_claimed, c.period_from, c.period_to)
        for c in complaint.complainants.select_related("worker").order_by("id")
    ]
    if not claims:
        raise field_error("complaint", _("该案件没有投诉人，无法带入欠薪请求；请直接立案。"), "no_complainants")
    if project is not None:
        _check_project(by, project, complaint.county, complaint.employer)
    return _create_case(
        by=by,
        county=complaint.county,
        employer=complaint.employer,
        source=Source.COMPLAINT,
        opened_on=opened_on,
        claims=claims,
        complaint=complaint,
        project=project,
        inspectors=list(complaint.inspectors.all()),
    )


def _claim_on_case(case: WageCase, claim: Claim, field: str) -> Claim:
    found = selectors.claims_with_totals(Claim.objects.filter(case=case, pk=claim.pk)).first()
    if found is None:
        raise field_error(field, _("该劳动者不在本案中。"), "not_on_case")
    return found


@transaction.atomic
def claim_confirm(*, by: User, claim: Claim, amount_confirmed: Any) -> Claim:
    """The inspector confirms what the worker is owed (may be corrected later, but never below
    the wages already paid to him, nor below the compensation already paid)."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, claim.case, "confirm_claim")
    current = _claim_on_case(case, claim, "claim")
    amount = money(amount_confirmed, "amount_confirmed")
    wages_paid: Decimal = current.wages_paid  # type: ignore[attr-defined]
    compensation_paid: Decimal = current.compensation_paid  # type: ignore[attr-defined]
    if amount < wages_paid:
        raise field_error(
            "amount_confirmed",
            _("核定金额不能低于已追发的工资（%(paid)s元）。") % {"paid": yuan(wages_paid)},
            "below_allocated",
        )
    if compensation_paid > amount * COMPENSATION_CAP:
        raise field_error(
            "amount_confirmed",
            _("已支付的加付赔偿金（%(paid)s元）超过核定金额的100%%。") % {"paid": yuan(compensation_paid)},
            "compensation_cap",
        )
    before = current.amount_confirmed
    current.amount_confirmed = amount
    current.confirmed_by = by
    current.confirmed_at = timezone.now()
    with acting_as(by):
        current.save(update_fields=["amount_confirmed", "confirmed_by", "confirmed_at"])
        _event(
            case,
            by,
            "confirm_claim",
            worker=current.worker.name,
            claim=current.pk,
            amount=str(amount),
            before=str(before) if before is not None else None,
        )
    return Claim.objects.get(pk=current.pk)


@transaction.atomic
def payment_record(
    *,
    by: User,
    case: WageCase,
    paid_on: dt.date,
    amount: Any,
    payer: str,
    method: str,
    evidence: str,
    allocations: Sequence[AllocationInput],
) -> Payment:
    """Record money recovered and how it is split among the workers' claims.

    The allocations add up exactly to the payment. Wages to a claim never exceed what was
    confirmed; whatever is paid beyond that is compensation (加付赔偿金, at most 100% of the
    confirmed wages) or interest, recorded as such."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "record_payment")
    today = timezone.localdate()
    total = money(amount, "amount", positive=True, limit=PAYMENT_LIMIT)
    if paid_on is None:
        raise field_error("paid_on", _("此项为必填项。"), "required")
    _check_day("paid_on", paid_on, selectors.case_start(case), today, _("案件开始日期"))
    if payer not in Payer.values:
        raise field_error("payer", _("请选择支付方。"), "invalid_choice")
    if method not in Method.values:
        raise field_error("method", _("请选择支付方式。"), "invalid_choice")
    payer_employer = _payer_employer(case, payer)
    evidence = (evidence or "").strip()
    if not evidence:
        raise field_error("evidence", _("请填写支付凭证（银行回单号、签收表等）。"), "required")
    if not allocations:
        raise field_error("allocations", _("请将款项分配给劳动者。"), "required")

    claims = {
        c.pk: c
        for c in selectors.claims_with_totals(Claim.objects.filter(case=case, pk__in=[a[0].pk for a in allocations]))
    }
    cleaned: list[tuple[Claim, Decimal, str]] = []
    seen: set[tuple[int, str]] = set()
    for index, (claim, value, kind) in enumerate(allocations):
        prefix = f"allocations.{index}."
        if claim.pk not in claims:
            raise field_error(prefix + "claim", _("该劳动者不在本案中。"), "not_on_case")
        if kind not in AllocationKind.values:
            raise field_error(prefix + "kind", _("请选择款项性质。"), "invalid_choice")
        if (claim.pk, kind) in seen:
            raise field_error(prefix + "claim", _("同一劳动者的同类款项重复出现，请合并。"), "duplicate")
        seen.add((claim.pk, kind))
        cleaned.append((claims[claim.pk], money(value, prefix + "amount", positive=True), kind))
    allocated = sum((a for _c, a, _k in cleaned), Decimal("0.00"))
    if allocated != total:
        raise field_error(
            "allocations",
            _("分配合计%(allocated)s元，与款项金额%(amount)s元不符。")
            % {"allocated": yuan(allocated), "amount": yuan(total)},
            "allocation_sum",
        )
    for index, (claim, value, kind) in enumerate(cleaned):
        if kind == AllocationKind.COMPENSATION and case.payment_ordered_on is None:
            # 加付赔偿金 is ordered when wages were not paid by the deadline of an order (条例 art. 26)
            raise field_error(
                f"allocations.{index}.kind",
                _("加付赔偿金以责令限期支付为前提：请先登记责令限期支付。"),
                "no_payment_order",
            )
        _check_allocation(f"allocations.{index}.amount", claim, value, kind)

    with acting_as(by):
        payment = Payment.objects.create(
            case=case,
            paid_on=paid_on,
            amount=total,
            payer=payer,
            payer_employer=payer_employer,
            method=method,
            evidence=evidence,
            recorded_by=by,
        )
        for claim, value, kind in cleaned:
            Allocation.objects.create(payment=payment, claim=claim, amount=value, kind=kind)
        _event(
            case,
            by,
            "record_payment",
            paid_on,
            payment=payment.pk,
            amount=str(total),
            payer=payer,
            workers=len({c.pk for c, _a, _k in cleaned}),
        )
    return payment


def _payer_employer(case: WageCase, payer: str) -> Employer | None:
    """The employer who paid: the case's own, or the general contractor of its project, who
    must then be known (总包先行清偿)."""
    if payer == Payer.EMPLOYER:
        return case.employer
    if payer == Payer.GENERAL_CONTRACTOR:
        project = case.project
        if project is None or project.general_contractor is None:
            raise field_error(
                "payer",
                _("本案未关联登记了施工总承包单位的工程项目，不能登记为总包先行清偿。"),
                "no_general_contractor",
            )
        return project.general_contractor
    return None


def _check_allocation(field: str, claim: Claim, value: Decimal, kind: str) -> None:
    """Against what the claim (annotated with its totals, read under the case lock) has
    received so far. Each (claim, kind) appears once per payment, so one check suffices."""
    confirmed = claim.amount_confirmed
    if confirmed is None:
        raise field_error(
            field,
            _("该劳动者的欠薪金额尚未核定，请先核定再分配款项。"),
            "unconfirmed",
        )
    if kind == AllocationKind.WAGES:
        paid: Decimal = claim.wages_paid  # type: ignore[attr-defined]
        if paid + value > confirmed:
            raise field_error(
                field,
                _(
                    "工资分配超过核定金额：核定%(confirmed)s元，已付%(paid)s元，本次最多%(left)s元；"
                    "超出部分请登记为加付赔偿金或利息。"
                )
                % {"confirmed": yuan(confirmed), "paid": yuan(paid), "left": yuan(confirmed - paid)},
                "over_confirmed",
            )
    elif kind == AllocationKind.COMPENSATION:
        paid = claim.compensation_paid  # type: ignore[attr-defined]
        cap = (confirmed * COMPENSATION_CAP).quantize(FEN)
        if paid + value > cap:
            raise field_error(
                field,
                _("加付赔偿金最多为核定工资的100%%（%(cap)s元），已付%(paid)s元。")
                % {"cap": yuan(cap), "paid": yuan(paid)},
                "compensation_cap",
            )


@transaction.atomic
def payment_reverse(*, by: User, payment: Payment, reason: str) -> Payment:
    """Reverse a payment entered in error: it is stamped, never deleted, and its allocations
    stop counting. A payment whose receipt a worker confirmed is not reversed."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, payment.case, "reverse_payment")
    current = Payment.objects.select_for_update().get(pk=payment.pk, case=case)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写冲销原因。"), "required")
    if current.reversed_at is not None:
        raise field_error(
            "payment", _("该款项已于%(at)s冲销。") % {"at": current.reversed_at.date()}, "already_reversed"
        )
    if current.allocations.filter(receipt_confirmed_at__isnull=False).exists():
        raise field_error("payment", _("已有劳动者确认收到该款项，不能冲销。"), "receipt_confirmed")
    current.reversed_at = timezone.now()
    current.reversed_by = by
    current.reversal_reason = reason
    with acting_as(by):
        current.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        _event(case, by, "reverse_payment", note=reason, payment=current.pk, amount=str(current.amount))
    return current


@transaction.atomic
def receipt_confirm(*, by: User, allocation: Allocation) -> Allocation:
    """Record that the worker confirmed receiving his part of a payment (once)."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, allocation.payment.case, "confirm_receipt")
    current = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("payment")
        .get(pk=allocation.pk, payment__case=case)
    )
    if current.payment.reversed_at is not None:
        raise field_error("allocation", _("该款项已冲销，不能确认收款。"), "reversed")
    if current.receipt_confirmed_at is not None:
        raise field_error(
            "allocation",
            _("该笔款项已于%(at)s确认收款。") % {"at": timezone.localtime(current.receipt_confirmed_at).date()},
            "already_confirmed",
        )
    current.receipt_confirmed_at = timezone.now()
    current.receipt_confirmed_by = by
    with acting_as(by):
        current.save(update_fields=["receipt_confirmed_at", "receipt_confirmed_by"])
        _event(
            case,
            by,
            "confirm_receipt",
            allocation=current.pk,
            payment=current.payment_id,
            worker=current.claim.worker.name,
            amount=str(current.amount),
        )
    return current


@transaction.atomic
def wagecase_close(
    *,
    by: User,
    case: WageCase,
    transferred_to: str | None = None,
    note: str = "",
    closed_on: dt.date | None = None,
) -> WageCase:
    """Close the case: as paid when every claim is confirmed and nothing is outstanding;
    otherwise the remainder is transferred (arbitration, court, public security, other)."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "close")
    today = timezone.localdate()
    closed_on = closed_on or today
    _check_day("closed_on", closed_on, case.opened_on, today, _("立案日期"))
    note = (note or "").strip()
    totals = selectors.case_totals(case)
    if not transferred_to:
        if totals.unconfirmed:
            raise field_error(
                "transferred_to",
                _("尚有%(n)d名劳动者的欠薪金额未核定：请先核定，或移送处理。") % {"n": totals.unconfirmed},
                "unconfirmed",
            )
        if totals.outstanding > 0:
            raise field_error(
                "transferred_to",
                _("尚欠%(amount)s元未清偿：清偿后方可结案，或选择移送机关。") % {"amount": yuan(totals.outstanding)},
                "outstanding",
            )
        case.status = Status.CLOSED_PAID
        case.transferred_to = ""
    else:
        if transferred_to not in TransferTarget.values:
            raise field_error("transferred_to", _("请选择移送机关。"), "invalid_choice")
        if totals.fully_paid:
            raise field_error("transferred_to", _("欠薪已全部清偿，应按清偿结案，无需移送。"), "nothing_outstanding")
        if transferred_to == TransferTarget.OTHER and not note:
            raise field_error("note", _("移送其他部门请注明部门和事由。"), "required")
        case.status = Status.CLOSED_TRANSFERRED
        case.transferred_to = transferred_to
    case.closed_on = closed_on
    case.transfer_note = note
    with acting_as(by):
        case.save(update_fields=["status", "closed_on", "transferred_to", "transfer_note", "updated_at"])
        _event(
            case,
            by,
            "close",
            closed_on,
            note=note,
            status=case.status,
            transferred_to=case.transferred_to,
            paid=yuan(totals.wages_paid),
            outstanding=yuan(totals.outstanding),
        )
    return case


@transaction.atomic
def wagecase_assign(*, by: User, case: WageCase, inspectors: Sequence[User]) -> WageCase:
    """Assign (or reassign) the inspectors who handle the case: heads only, once assigned."""
    roles.require(by, "wagecases.edit")
    locked = WageCase.objects.visible_to(by).select_for_update(of=("self",)).get(pk=case.pk)
    if locked.inspectors.exists() and not (by.has_role(*roles.HEADS) or by.is_superuser):
        raise PermissionDenied(_("改派承办监察员须由大队长或局长办理。"))
    if locked.status not in workflow.ACTS["assign"].sources:
        raise InvalidTransition(locked, "assign")
    chosen = list(inspectors)
    _check_inspectors(locked.county, chosen)
    with acting_as(by):
        locked.inspectors.set(chosen)
        _event(locked, by, "assign", inspectors=[u.name or u.username for u in chosen])
    return locked


@transaction.atomic
def claim_add(
    *,
    by: User,
    case: WageCase,
    worker: Worker,
    amount_claimed: Any,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> Claim:
    """Add a worker found owed after the case was opened."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "add_claim")
    if not Worker.objects.visible_to(by).filter(pk=worker.pk).exists():
        raise field_error("worker", _("劳动者不存在或不在您的辖区内。"), "does_not_exist")
    if Claim.objects.filter(case=case, worker=worker).exists():
        raise field_error("worker", _("该劳动者已在本案中。"), "duplicate")
    _check_period("", period_from, period_to, timezone.localdate())
    amount = money(amount_claimed, "amount_claimed")
    with acting_as(by):
        claim = Claim.objects.create(
            case=case, worker=worker, amount_claimed=amount, period_from=period_from, period_to=period_to
        )
        _event(case, by, "add_claim", worker=worker.name, claim=claim.pk, amount=str(amount))
    return claim


@transaction.atomic
def wagecase_link_project(*, by: User, case: WageCase, project: Project | None) -> WageCase:
    """Link the case to its construction project (or unlink it, with None), so the chain and
    the general contractor's duty to pay first are known."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "link_project")
    if project is not None:
        _check_project(by, project, case.county, case.employer)
    contractor_paid = Payment.objects.filter(case=case, payer=Payer.GENERAL_CONTRACTOR, reversed_at__isnull=True)
    new_contractor = project.general_contractor_id if project is not None else None
    if case.project is not None and new_contractor != case.project.general_contractor_id and contractor_paid.exists():
        # who paid first is a fact of the payments: the case keeps a project with that contractor
        raise field_error(
            "project", _("本案已有总包先行清偿的款项，不能取消关联或改为其他总承包单位的项目。"), "contractor_paid"
        )
    case.project = project
    with acting_as(by):
        case.save(update_fields=["project", "updated_at"])
        _event(case, by, "link_project", project=project.name if project else None)
    return case


# The deadline of an order to pay, in working days, when the order does not give a date.
MAX_ORDER_DAYS = 90


@transaction.atomic
def wagecase_order_payment(
    *,
    by: User,
    case: WageCase,
    ordered_on: dt.date | None = None,
    due_on: dt.date | None = None,
    working_days: int | None = None,
    note: str = "",
) -> WageCase:
    """Record the order to pay by a deadline (责令限期支付): a date, or a number of working days
    counted on the official calendar from the day after the order."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "order_payment")
    today = timezone.localdate()
    ordered_on = ordered_on or today
    _check_day("ordered_on", ordered_on, case.opened_on, today, _("立案日期"))
    if (due_on is None) == (working_days is None):
        raise field_error("due_on", _("请填写支付期限：截止日期或工作日数，二选一。"), "required")
    provisional = False
    if working_days is not None:
        if not 1 <= int(working_days) <= MAX_ORDER_DAYS:
            raise field_error(
                "working_days", _("期限应为1至%(max)d个工作日。") % {"max": MAX_ORDER_DAYS}, "out_of_range"
            )
        deadline = WorkdayCalendar().add(ordered_on, int(working_days))
        due_on, provisional = deadline.date, deadline.provisional
    assert due_on is not None
    if due_on < ordered_on:
        raise field_error("due_on", _("截止日期不能早于责令日期。"), "before_ordered")
    case.payment_ordered_on = ordered_on
    case.payment_due = due_on
    with acting_as(by):
        case.save(update_fields=["payment_ordered_on", "payment_due", "updated_at"])
        _event(
            case,
            by,
            "order_payment",
            ordered_on,
            note=clean_text(note),
            due_on=due_on.isoformat(),
            provisional=provisional,
        )
    return case


@transaction.atomic
def wagecase_order_contractor(
    *, by: User, case: WageCase, ordered_on: dt.date | None = None, note: str = ""
) -> WageCase:
    """Order the project's general contractor to pay first (总包先行清偿, 条例 art. 30): the
    case must be on a project whose general contractor is known and is not the employer."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "order_contractor")
    today = timezone.localdate()
    ordered_on = ordered_on or today
    _check_day("ordered_on", ordered_on, case.opened_on, today, _("立案日期"))
    project = case.project
    if project is None or project.general_contractor is None:
        raise field_error("project", _("本案未关联登记了施工总承包单位的工程项目。"), "no_general_contractor")
    if project.general_contractor_id == case.employer_id:
        raise field_error("project", _("欠薪单位即为总承包单位，应由其直接支付。"), "contractor_is_employer")
    case.contractor_ordered_on = ordered_on
    with acting_as(by):
        case.save(update_fields=["contractor_ordered_on", "updated_at"])
        _event(
            case,
            by,
            "order_contractor",
            ordered_on,
            note=clean_text(note),
            contractor=project.general_contractor.name,
        )
    return case


@transaction.atomic
def wagecase_mark_incident(*, by: User, case: WageCase, on_date: dt.date | None = None, note: str = "") -> WageCase:
    """Record that the arrears caused a mass or extreme incident (a ground of the defaulter
    list, 人社部令45 art. 5)."""
    roles.require(by, "wagecases.edit")
    case = _locked_case(by, case, "mark_incident")
    today = timezone.localdate()
    on_date = on_date or today
    _check_day("on_date", on_date, selectors.case_start(case), today, _("案件开始日期"))
    note = clean_text(note)
    if not note:
        raise field_error("note", _("请说明事件经过。"), "required")
    case.mass_incident = True
    with acting_as(by):
        case.save(update_fields=["mass_incident", "updated_at"])
        _event(case, by, "mark_incident", on_date, note=note)
    return case

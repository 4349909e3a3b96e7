"""The defaulter list (拖欠农民工工资失信联合惩戒对象名单, 人社部令45) and the publication of
major labour-security violations (重大劳动保障违法行为社会公布, 部令29): criteria, proposals,
decisions, terms and removal.

The system proposes (`propose_due`, daily from Celery beat) each employer whose wage cases in a
county meet the criteria below; inspectors may also propose one by hand with the facts. A head
decides after the employer was told (告知) and its objection period (5 working days) ran out or
its objection was reviewed; the decision is due within 20 working days of the notice,
extendable once by 20. A listing runs for `DEFAULTER_LISTING_YEARS` (3); a defaulter may ask
for early removal 6 months after paying everything, with a written credit pledge (decided within
15 working days); listings whose term ended are removed by the daily task.

Criteria, per employer and county, over its wage cases (amounts = what is still outstanding):
- defaulter (art. 5): an order to pay (责令限期支付) whose deadline passed with wages unpaid, and
  either the amount reaches the threshold of the crime of refusing to pay wages (one worker
  owed `WAGE_CRIME_SINGLE_YUAN` for `WAGE_CRIME_SINGLE_MONTHS` months or more, or
  `WAGE_CRIME_GROUP_WORKERS` workers owed `WAGE_CRIME_GROUP_YUAN` in total: provincial
  settings) or the arrears caused a mass or extreme incident;
- major violation (部令29 art. 5): arrears reaching that threshold (数额较大), a case transferred
  to public security for refusal to pay wages, or a mass incident (严重不良社会影响).
Other grounds of 部令29 (child labour, social insurance, ...) are proposed by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureau import notify, roles
from bureau.audit import acting_as
from bureau.models import Employer, Region, RegionLevel, User
from bureau.numbering import county_of
from bureau.services import clean_text, field_error
from bureau.workdays import WorkdayCalendar
from wagecases import selectors
from wagecases.models import (
    LIVE_LISTING,
    Claim,
    Event,
    Listing,
    ListingKind,
    ListingStatus,
    RemovalKind,
    Status,
    TransferTarget,
    WageCase,
)

OBJECTION_DAYS = 5  # working days to object after the notice
DECISION_DAYS = 20  # working days to decide after the notice, extendable once by as many
REMOVAL_DECISION_DAYS = 15  # working days to decide an early-removal request
REMOVAL_WAIT_MONTHS = 6  # months after paying everything before early removal may be asked

CRITERIA = {
    "crime_threshold": gettext_lazy("拖欠工资达到拒不支付劳动报酬罪数额标准"),
    "order_unmet": gettext_lazy("责令限期支付逾期未支付"),
    "mass_incident": gettext_lazy("引发群体性事件、极端事件造成严重不良社会影响"),
    "transferred_public_security": gettext_lazy("涉嫌拒不支付劳动报酬罪已移送公安机关"),
    "manual": gettext_lazy("监察员提出"),
}


class InvalidListingAct(Exception):
    """An act not allowed in the listing's status (HTTP 409)."""

    def __init__(self, listing: Listing, act: str) -> None:
        self.listing = listing
        self.act = act
        self.allowed = allowed_acts(listing.status)
        self.message = _("名单记录当前状态为“%(status)s”，不能执行该操作。") % {"status": listing.get_status_display()}
        super().__init__(self.message)


# The listing lifecycle, as one table: act -> statuses it may start from.
ACTS: dict[str, tuple[str, ...]] = {
    "notify": (ListingStatus.PROPOSED,),
    "record_objection": (ListingStatus.NOTIFIED,),
    "extend": (ListingStatus.NOTIFIED,),
    "decide": (ListingStatus.NOTIFIED,),
    "request_removal": (ListingStatus.LISTED,),
    "refuse_removal": (ListingStatus.LISTED,),
    "remove": (ListingStatus.LISTED,),
    "withdraw": (ListingStatus.PROPOSED, ListingStatus.NOTIFIED),
}
ACT_LABELS = {
    "propose": gettext_lazy("提出拟列入"),
    "notify": gettext_lazy("告知当事单位"),
    "record_objection": gettext_lazy("登记陈述申辩"),
    "extend": gettext_lazy("延长决定期限"),
    "decide": gettext_lazy("作出决定"),
    "request_removal": gettext_lazy("申请提前移出"),
    "refuse_removal": gettext_lazy("不同意提前移出"),
    "remove": gettext_lazy("移出名单"),
    "withdraw": gettext_lazy("撤回拟列入"),
}
HEAD_ACTS = frozenset({"extend", "decide", "refuse_removal", "remove"})


def allowed_acts(status: str) -> list[str]:
    return [act for act, sources in ACTS.items() if status in sources]


def act_applies(listing: Listing, act: str) -> bool:
    """Whether an act allowed by the status makes sense for this listing now (what a page
    offers): one objection, a removal decision only on a request, early removal of defaulters."""
    if act == "record_objection":
        return listing.objection_received_on is None
    if act == "extend":
        return not listing.decision_extended
    if act == "refuse_removal":
        return listing.removal_requested_on is not None
    if act == "request_removal":
        return listing.kind == ListingKind.DEFAULTER and listing.removal_requested_on is None
    return True


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def owed_months_reach(start: dt.date | None, end: dt.date | None, months: int) -> bool:
    """Whether a period of arrears covers `months` whole months (1 March to 31 May is 3)."""
    if start is None or end is None:
        return False
    return end >= add_months(start, months) - dt.timedelta(days=1)


# --- criteria ----------------------------------------------------------------------------


@dataclass
class Candidate:
    employer: Employer
    county: Region
    kind: str
    criteria: list[str]
    amount_owed: Decimal
    workers_owed: int
    cases: list[WageCase] = field(default_factory=list)


def _claims_owed(cases: list[WageCase]) -> list[Any]:
    """Confirmed claims with something outstanding, with their totals (one query)."""
    # Any: the stubs do not know the annotations of claims_with_totals
    annotated: Any = selectors.claims_with_totals(Claim.objects.filter(case__in=cases))
    claims = annotated.filter(outstanding__gt=0)
    return list(claims.values("case_id", "worker_id", "outstanding", "period_from", "period_to"))


def _workers(owed: list[Any]) -> int:
    """How many workers are owed: one worker with claims on several cases counts once."""
    return len({row["worker_id"] for row in owed})


def _reaches_threshold(owed: list[Any]) -> bool:
    single = Decimal(settings.WAGE_CRIME_SINGLE_YUAN)
    months = settings.WAGE_CRIME_SINGLE_MONTHS
    if any(
        row["outstanding"] >= single and owed_months_reach(row["period_from"], row["period_to"], months) for row in owed
    ):
        return True
    total = sum((row["outstanding"] for row in owed), Decimal("0.00"))
    return _workers(owed) >= settings.WAGE_CRIME_GROUP_WORKERS and total >= Decimal(settings.WAGE_CRIME_GROUP_YUAN)


def candidates(county: Region, today: dt.date | None = None) -> list[Candidate]:
    """Employers of the county's wage cases that meet the criteria of either kind."""
    today = today or timezone.localdate()
    unpaid = (
        WageCase.objects.filter(county=county)
        .exclude(status=Status.CLOSED_PAID)
        .select_related("employer")
        .order_by("employer_id", "id")
    )
    by_employer: dict[int, list[WageCase]] = {}
    for case in unpaid:
        by_employer.setdefault(case.employer_id, []).append(case)
    found: list[Candidate] = []
    for cases in by_employer.values():
        owed = _claims_owed(cases)
        if not owed:
            continue
        owing_ids = {row["case_id"] for row in owed}
        owing = [c for c in cases if c.pk in owing_ids]
        amount = sum((row["outstanding"] for row in owed), Decimal("0.00"))
        workers = _workers(owed)
        threshold = _reaches_threshold(owed)
        incident = any(c.mass_incident for c in owing)
        unmet = [c for c in owing if c.payment_due is not None and c.payment_due < today]
        employer = cases[0].employer
        # defaulter: an unmet order, and the threshold or an incident on the unmet cases
        unmet_owed = [r for r in owed if r["case_id"] in {c.pk for c in unmet}]
        criteria = ["order_unmet"]
        if unmet and _reaches_threshold(unmet_owed):
            criteria.append("crime_threshold")
        if any(c.mass_incident for c in unmet):
            criteria.append("mass_incident")
        if len(criteria) > 1:
            found.append(
                Candidate(
                    employer,
                    county,
                    ListingKind.DEFAULTER,
                    criteria,
                    sum((r["outstanding"] for r in unmet_owed), Decimal("0.00")),
                    _workers(unmet_owed),
                    unmet,
                )
            )
        transferred = [c for c in owing if c.transferred_to == TransferTarget.PUBLIC_SECURITY]
        major = []
        if threshold:
            major.append("crime_threshold")
        if transferred:
            major.append("transferred_public_security")
        if incident:
            major.append("mass_incident")
        if major:
            found.append(Candidate(employer, county, ListingKind.MAJOR_VIOLATION, major, amount, workers, owing))
    return found


def _facts(candidate: Candidate) -> str:
    return _("%(employer)s拖欠%(workers)d名劳动者工资共%(amount)s元（案件：%(cases)s）；%(criteria)s。") % {
        "employer": candidate.employer.name,
        "workers": candidate.workers_owed,
        "amount": candidate.amount_owed,
        "cases": "、".join(c.number for c in candidate.cases),
        "criteria": "；".join(str(CRITERIA[c]) for c in candidate.criteria),
    }


def _event(
    listing: Listing, by: User | None, action: str, on_date: dt.date | None = None, note: str = "", **data: Any
) -> Event:
    return Event.objects.create(
        listing=listing, by=by, action=action, on_date=on_date or timezone.localdate(), note=note, data=data
    )


def _heads_of(county: Region) -> list[User]:
    return [
        u
        for u in User.objects.filter(is_active=True, region__isnull=False, staff_roles__role__in=roles.HEADS)
        .select_related("region")
        .distinct()
        if county.path.startswith(u.region.path)  # type: ignore[union-attr]
    ]


def propose_due(county: Region | None = None, today: dt.date | None = None) -> list[Listing]:
    """Propose every candidate not already proposed or listed (for that kind), nor refused or
    listed and removed on the same cases. Idempotent: a second run the same day proposes nothing."""
    today = today or timezone.localdate()
    counties = [county] if county is not None else list(Region.objects.filter(level=RegionLevel.COUNTY))
    created: list[Listing] = []
    for each in counties:
        for candidate in candidates(each, today):
            listing = _propose_candidate(candidate)
            if listing is not None:
                created.append(listing)
    return created


def _propose_candidate(candidate: Candidate) -> Listing | None:
    live = Listing.objects.filter(employer=candidate.employer, kind=candidate.kind, status__in=LIVE_LISTING)
    if live.exists():
        return None
    case_ids = {c.pk for c in candidate.cases}
    # refused, or listed and since removed (term ended, revoked): these cases were decided on
    decided = Listing.objects.filter(
        employer=candidate.employer, kind=candidate.kind, status__in=[ListingStatus.REJECTED, ListingStatus.REMOVED]
    ).prefetch_related("wage_cases")
    for old in decided:
        if case_ids <= {c.pk for c in old.wage_cases.all()}:
            return None  # a head decided on these very cases: wait for new facts
    try:
        with transaction.atomic():
            listing = Listing.objects.create(
                county=candidate.county,
                employer=candidate.employer,
                kind=candidate.kind,
                criteria=candidate.criteria,
                facts=_facts(candidate),
                amount_owed=candidate.amount_owed,
                workers_owed=candidate.workers_owed,
            )
            listing.wage_cases.set(candidate.cases)
            _event(listing, None, "propose", criteria=candidate.criteria, amount=str(candidate.amount_owed))
    except IntegrityError:  # proposed a moment ago by another run
        return None
    notify.notify(
        users=_heads_of(candidate.county),
        kind="listing_proposed",
        title=_("拟列入%(kind)s：%(employer)s")
        % {"kind": listing.get_kind_display(), "employer": listing.employer.name},
        body=listing.facts,
        url=f"/wage-cases/listings/{listing.pk}/",
        dedupe_key=f"listing-proposed-{listing.pk}",
    )
    return listing


# --- acts --------------------------------------------------------------------------------


def _locked(by: User, listing: Listing, act: str) -> Listing:
    roles.require(by, "wagecases.listings.decide" if act in HEAD_ACTS else "wagecases.listings.propose")
    current = Listing.objects.visible_to(by).select_for_update(of=("self",)).get(pk=listing.pk)
    if current.status not in ACTS[act]:
        raise InvalidListingAct(current, act)
    return current


def _day(field_name: str, value: dt.date | None, earliest: dt.date | None = None) -> dt.date:
    today = timezone.localdate()
    value = value or today
    if value > today:
        raise field_error(field_name, _("日期不能晚于今天。"), "date_in_future")
    if earliest is not None and value < earliest:
        raise field_error(field_name, _("日期不能早于%(date)s。") % {"date": earliest.isoformat()}, "too_early")
    return value


@transaction.atomic
def listing_propose(
    *, by: User, employer: Employer, kind: str, facts: str, county: Region | None = None, wage_cases: Any = ()
) -> Listing:
    """Propose an employer by hand, with the facts (for grounds the system cannot see)."""
    roles.require(by, "wagecases.listings.propose")
    if kind not in ListingKind.values:
        raise field_error("kind", _("请选择名单类别。"), "invalid_choice")
    county = county or county_of(by.region)
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not Region.objects.visible_to(by).filter(pk=county.pk).exists()
    ):
        raise field_error("county", _("请选择作出决定的县（区）。"), "required")
    if not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise field_error("employer", _("用人单位不存在或不在您的辖区内。"), "does_not_exist")
    facts = (facts or "").strip()
    if not facts:
        raise field_error("facts", _("请填写违法事实。"), "required")
    cases = list(WageCase.objects.visible_to(by).filter(pk__in=[c.pk for c in wage_cases], employer=employer))
    if len(cases) != len({c.pk for c in wage_cases}):
        raise field_error("wage_cases", _("案件不存在，或不是该单位的案件。"), "does_not_exist")
    if Listing.objects.filter(employer=employer, kind=kind, status__in=LIVE_LISTING).exists():
        raise field_error("employer", _("该单位已在拟列入或已列入该名单。"), "already_listed")
    owed = _claims_owed(cases)
    with acting_as(by):
        listing = Listing.objects.create(
            county=county,
            employer=employer,
            kind=kind,
            criteria=["manual"],
            facts=facts,
            amount_owed=sum((r["outstanding"] for r in owed), Decimal("0.00")),
            workers_owed=_workers(owed),
            proposed_by=by,
        )
        listing.wage_cases.set(cases)
        _event(listing, by, "propose", criteria=["manual"])
    return listing


@transaction.atomic
def listing_notify(*, by: User, listing: Listing, notified_on: dt.date | None = None, note: str = "") -> Listing:
    """The employer was told of the proposed listing, the facts and its right to object."""
    listing = _locked(by, listing, "notify")
    notified_on = _day("notified_on", notified_on, timezone.localtime(listing.proposed_at).date())
    calendar_ = WorkdayCalendar()
    listing.notified_on = notified_on
    listing.objection_due = calendar_.add(notified_on, OBJECTION_DAYS).date
    listing.decision_due = calendar_.add(notified_on, DECISION_DAYS).date
    listing.status = ListingStatus.NOTIFIED
    with acting_as(by):
        listing.save()
        _event(
            listing, by, "notify", notified_on, note=clean_text(note), objection_due=listing.objection_due.isoformat()
        )
    return listing


@transaction.atomic
def listing_record_objection(
    *, by: User, listing: Listing, received_on: dt.date | None, objection: str, result: str
) -> Listing:
    """The employer's statement (陈述申辩), received within the period, and its review."""
    listing = _locked(by, listing, "record_objection")
    assert listing.notified_on is not None and listing.objection_due is not None
    received_on = _day("received_on", received_on, listing.notified_on)
    if received_on > listing.objection_due:
        raise field_error(
            "received_on",
            _("异议应在%(due)s前提出，已逾期。") % {"due": listing.objection_due.isoformat()},
            "objection_late",
        )
    objection, result = (objection or "").strip(), (result or "").strip()
    if not objection:
        raise field_error("objection", _("请填写陈述申辩意见。"), "required")
    if not result:
        raise field_error("result", _("请填写复核意见。"), "required")
    listing.objection_received_on = received_on
    listing.objection = objection
    listing.objection_result = result
    with acting_as(by):
        listing.save()
        _event(listing, by, "record_objection", received_on, note=result)
    return listing


@transaction.atomic
def listing_extend(*, by: User, listing: Listing, note: str) -> Listing:
    listing = _locked(by, listing, "extend")
    if listing.decision_extended:
        raise field_error("listing", _("决定期限只能延长一次。"), "already_extended")
    note = clean_text(note)
    if not note:
        raise field_error("note", _("请填写延长理由。"), "required")
    assert listing.decision_due is not None
    listing.decision_due = WorkdayCalendar().add(listing.decision_due, DECISION_DAYS).date
    listing.decision_extended = True
    with acting_as(by):
        listing.save()
        _event(listing, by, "extend", note=note, decision_due=listing.decision_due.isoformat())
    return listing


def default_end(start: dt.date) -> dt.date:
    return add_months(start, 12 * settings.DEFAULTER_LISTING_YEARS) - dt.timedelta(days=1)


@transaction.atomic
def listing_decide(
    *,
    by: User,
    listing: Listing,
    listed: bool,
    note: str,
    decided_on: dt.date | None = None,
    end_on: dt.date | None = None,
) -> Listing:
    """A head lists the employer (from the decision date, for the statutory term; a major
    violation's publication may end earlier) or refuses, after the objection period ran out
    or the objection was reviewed."""
    listing = _locked(by, listing, "decide")
    assert listing.notified_on is not None and listing.objection_due is not None
    decided_on = _day("decided_on", decided_on, listing.notified_on)
    if decided_on <= listing.objection_due and not listing.objection_received_on:
        raise field_error(
            "decided_on",
            _("陈述申辩期至%(due)s，期满或复核异议后方可决定。") % {"due": listing.objection_due.isoformat()},
            "objection_period",
        )
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写决定说明。"), "required")
    listing.decided_on = decided_on
    listing.decided_by = by
    listing.decision_note = note
    if listed:
        term_end = default_end(decided_on)
        if end_on is not None:
            if listing.kind == ListingKind.DEFAULTER and end_on != term_end:
                raise field_error("end_on", _("失信名单的期限为三年，不能更改。"), "fixed_term")
            if end_on < decided_on or end_on > term_end:
                raise field_error("end_on", _("公布截止日应在决定日期和三年期满之间。"), "out_of_range")
            term_end = end_on
        listing.start_on, listing.end_on = decided_on, term_end
        listing.status = ListingStatus.LISTED
    else:
        listing.status = ListingStatus.REJECTED
    with acting_as(by):
        listing.save()
        _event(
            listing,
            by,
            "decide",
            decided_on,
            note=note,
            listed=listed,
            late=decided_on > (listing.decision_due or decided_on),
            end_on=listing.end_on.isoformat() if listing.end_on else None,
        )
    return listing


def paid_off_on(listing: Listing) -> dt.date | None:
    """The date the listed cases were last paid, once nothing is outstanding on them."""
    cases = list(listing.wage_cases.all())
    if not cases:
        return None
    if Claim.objects.filter(case__in=cases).exists() and _claims_owed(cases):
        return None
    if Claim.objects.filter(case__in=cases, amount_confirmed__isnull=True).exists():
        return None
    last = None
    for case in cases:
        recovery = selectors.time_to_recovery(case)
        if recovery.full_paid_on is None:
            return None
        last = max(last or recovery.full_paid_on, recovery.full_paid_on)
    return last


@transaction.atomic
def listing_request_removal(
    *, by: User, listing: Listing, requested_on: dt.date | None, pledge: bool, note: str = ""
) -> Listing:
    """An early-removal request (信用修复): a defaulter that paid everything at least six months
    ago and signed a written credit pledge; a head decides within 15 working days."""
    listing = _locked(by, listing, "request_removal")
    assert listing.start_on is not None
    requested_on = _day("requested_on", requested_on, listing.start_on)
    if listing.kind != ListingKind.DEFAULTER:
        raise field_error("listing", _("重大违法行为公布不适用提前移出申请。"), "not_defaulter")
    if listing.removal_requested_on is not None:
        raise field_error("listing", _("已有待决定的移出申请。"), "already_requested")
    if not pledge:
        raise field_error("pledge", _("提前移出须提交书面信用承诺。"), "pledge_required")
    paid = paid_off_on(listing)
    if paid is None:
        raise field_error("listing", _("相关欠薪尚未全部清偿，不能申请提前移出。"), "not_paid")
    earliest = add_months(paid, REMOVAL_WAIT_MONTHS)
    if requested_on < earliest:
        raise field_error(
            "requested_on",
            _("欠薪于%(paid)s清偿，满6个月（%(earliest)s）后方可申请。")
            % {"paid": paid.isoformat(), "earliest": earliest.isoformat()},
            "too_early",
        )
    listing.removal_requested_on = requested_on
    listing.removal_pledge = True
    listing.removal_request = (note or "").strip()
    listing.removal_due = WorkdayCalendar().add(requested_on, REMOVAL_DECISION_DAYS).date
    with acting_as(by):
        listing.save()
        _event(listing, by, "request_removal", requested_on, note=listing.removal_request)
    return listing


@transaction.atomic
def listing_refuse_removal(*, by: User, listing: Listing, note: str) -> Listing:
    listing = _locked(by, listing, "refuse_removal")
    if listing.removal_requested_on is None:
        raise field_error("listing", _("没有待决定的移出申请。"), "no_request")
    note = clean_text(note)
    if not note:
        raise field_error("note", _("请填写不同意的理由。"), "required")
    with acting_as(by):
        _event(listing, by, "refuse_removal", note=note, requested_on=listing.removal_requested_on.isoformat())
        listing.removal_requested_on = None
        listing.removal_due = None
        listing.removal_pledge = False
        listing.removal_request = ""
        listing.save()
    return listing


@transaction.atomic
def listing_remove(*, by: User, listing: Listing, kind: str, note: str, removed_on: dt.date | None = None) -> Listing:
    """Take the employer off: early (on a request that meets the conditions), when the term
    ended, or revoked (the decision was wrong)."""
    listing = _locked(by, listing, "remove")
    assert listing.start_on is not None and listing.end_on is not None
    removed_on = _day("removed_on", removed_on, listing.start_on)
    if kind not in RemovalKind.values:
        raise field_error("kind", _("请选择移出方式。"), "invalid_choice")
    if kind == RemovalKind.EARLY and listing.removal_requested_on is None:
        raise field_error("kind", _("提前移出须先登记移出申请。"), "no_request")
    if kind == RemovalKind.TERM_END and removed_on <= listing.end_on:
        raise field_error(
            "kind", _("列入期限至%(end)s，尚未期满。") % {"end": listing.end_on.isoformat()}, "term_running"
        )
    note = (note or "").strip()
    if not note and kind != RemovalKind.TERM_END:
        raise field_error("note", _("请填写移出说明。"), "required")
    with acting_as(by):
        _remove(listing, by, kind, removed_on, note)
    return listing


def _remove(listing: Listing, by: User | None, kind: str, removed_on: dt.date, note: str) -> None:
    listing.status = ListingStatus.REMOVED
    listing.removal_kind = kind
    listing.removed_on = removed_on
    listing.removed_by = by
    listing.removal_note = note
    listing.save()
    _event(listing, by, "remove", removed_on, note=note, kind=kind)


@transaction.atomic
def listing_withdraw(*, by: User, listing: Listing, note: str) -> Listing:
    """Drop a proposal before the decision (e.g. the employer paid in full)."""
    listing = _locked(by, listing, "withdraw")
    note = clean_text(note)
    if not note:
        raise field_error("note", _("请填写撤回理由。"), "required")
    if listing.status == ListingStatus.NOTIFIED and not by.has_role(*roles.HEADS) and not by.is_superuser:
        raise PermissionDenied(_("已告知的拟列入事项须由大队长或局长撤回。"))
    listing.status = ListingStatus.REJECTED
    listing.decided_on = timezone.localdate()
    listing.decided_by = by
    listing.decision_note = note
    with acting_as(by):
        listing.save()
        _event(listing, by, "withdraw", note=note)
    return listing


def expire_due(today: dt.date | None = None) -> int:
    """Remove, as the system, the listings whose term ended before today (人社部令45: within
    10 working days of the end; done the next day). Returns how many."""
    today = today or timezone.localdate()
    count = 0
    for pk in Listing.objects.filter(status=ListingStatus.LISTED, end_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=pk)
            if listing.status != ListingStatus.LISTED:
                continue
            _remove(listing, None, RemovalKind.TERM_END, today, "")
            count += 1
    return count

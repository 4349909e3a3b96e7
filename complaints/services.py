"""Every write a user can make to a complaint case: registration at the window and each act
of the lifecycle (see workflow.py). Each runs in a transaction, locks the case, checks the role,
the scope and the workflow table, writes the timeline event and the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import numbering, roles
from bureau.audit import acting_as
from bureau.models import Employer, Region, RegionLevel, Role, User, Worker
from bureau.numbering import county_of
from bureau.services import amount_text, field_error
from bureau.workdays import WorkdayCalendar
from complaints import workflow
from complaints.models import (
    MAX_CLAIM,
    Attachment,
    Category,
    Channel,
    Complainant,
    Complaint,
    Event,
    Kind,
    Outcome,
    Status,
)
from complaints.uploads import check_upload, display_file_name

ACCEPTANCE_DAYS = 5  # 若干规定 art. 18
INVESTIGATION_DAYS = 60  # 条例 art. 17
EXTENSION_DAYS = 30  # once, with the head's approval
LIMITATION_YEARS = 2  # 条例 art. 20
MIN_WORKING_AGE = 16


class InvalidTransition(Exception):
    """An act not allowed from the case's current status (HTTP 409, with what is allowed)."""

    def __init__(self, complaint: Complaint, act: str) -> None:
        self.complaint = complaint
        self.act = act
        self.allowed = [a.name for a in workflow.allowed_from(complaint.status)]
        labels = "、".join(str(a.label) for a in workflow.allowed_from(complaint.status)) or _("无")
        self.message = _("案件当前状态为“%(status)s”，不能执行“%(act)s”。此状态下可以：%(allowed)s。") % {
            "status": complaint.get_status_display(),
            "act": workflow.ACTS[act].label if act in workflow.ACTS else act,
            "allowed": labels,
        }
        super().__init__(self.message)


class DuplicateSubmission(Exception):
    """The same form was submitted twice (same idempotency key): nothing new is stored."""

    def __init__(self, complaint: Complaint) -> None:
        self.complaint = complaint
        self.message = _("该表单已提交过，案件编号 %(number)s，未重复登记。") % {"number": complaint.number}
        super().__init__(self.message)


@dataclass
class ComplainantInput:
    worker: Worker
    amount_claimed: Decimal = Decimal("0.00")
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    is_contact: bool = False


def next_number(county: Region, year: int) -> tuple[int, str]:
    """The next complaint number of a county and year (see bureau.numbering)."""
    return numbering.next_number("complaint", county, year)


def _money(value: Any, field: str, *, limit: Decimal = MAX_CLAIM) -> Decimal:
    try:
        amount = Decimal(amount_text(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("金额格式不正确。"), "invalid") from None
    if amount < 0:
        raise field_error(field, _("金额不能为负数。"), "min_value")
    if amount > limit:
        if limit == MAX_CLAIM:
            raise field_error(field, _("金额超过每人1000万元，请核对。"), "max_value")
        raise field_error(field, _("金额超过%(limit)s元，请核对。") % {"limit": limit}, "max_value")
    return amount


def _check_period(
    prefix: str, start: dt.date | None, end: dt.date | None, today: dt.date, worker: Worker | None = None
) -> None:
    for name, value in ((f"{prefix}period_from", start), (f"{prefix}period_to", end)):
        if value and value > today:
            raise field_error(name, _("日期不能晚于今天。"), "date_in_future")
    if start and end and start > end:
        raise field_error(f"{prefix}period_to", _("截止日不能早于起始日。"), "period_order")
    if worker is not None and start and start < add_years(worker.birth_date, MIN_WORKING_AGE):
        raise field_error(
            f"{prefix}period_from", _("起始日早于该劳动者年满16周岁的日期，请核对。"), "before_working_age"
        )


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _beyond_limitation(received: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    """An act not complained of within two years of its end (a continuing act counts from its
    end) is not pursued: flagged at intake, for the acceptance decision."""
    last = end or start
    return last is not None and last < add_years(received, -LIMITATION_YEARS)


@transaction.atomic
def complaint_register(
    *,
    by: User,
    employer: Employer,
    categories: Sequence[Category],
    facts: str,
    complainants: Sequence[ComplainantInput] = (),
    kind: str = Kind.COMPLAINT,
    channel: str = Channel.WINDOW,
    upstream_ref: str = "",
    project_name: str = "",
    site_address: str = "",
    township: Region | None = None,
    county: Region | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    received_on: dt.date | None = None,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_contact: str = "",
    idempotency_key: str = "",
) -> Complaint:
    """Register a complaint (投诉) or a report (举报) at the window and number it."""
    roles.require(by, "complaints.register")
    if idempotency_key:
        earlier = Complaint.objects.filter(created_by=by, idempotency_key=idempotency_key).first()
        if earlier is not None:
            raise DuplicateSubmission(earlier)
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise field_error("received_on", _("收到日期不能晚于今天。"), "date_in_future")

    county = county or county_of(by.region)
    if county is None:
        raise field_error("county", _("请选择受理的县（区）。"), "required")
    visible_regions = Region.objects.visible_to(by)
    if county.level != RegionLevel.COUNTY or not visible_regions.filter(pk=county.pk).exists():
        raise field_error("county", _("区划不存在或不在您的辖区内。"), "does_not_exist")
    if township is not None and not (township.path.startswith(county.path) and township.level >= RegionLevel.TOWNSHIP):
        raise field_error("township", _("发生地应为受理县（区）内的乡镇（街道）或社区（村）。"), "region_mismatch")
    if not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise field_error("employer", _("用人单位不存在或不在您的辖区内。"), "does_not_exist")
    if not categories:
        raise field_error("categories", _("请至少选择一个类别。"), "required")
    if any(not c.active for c in categories):
        raise field_error("categories", _("所选类别已停用。"), "invalid_choice")
    if not facts.strip():
        raise field_error("facts", _("请填写事实与请求。"), "required")
    if (kind == Kind.INSPECTION) != (channel == Channel.INSPECTION):
        raise field_error("kind", _("检查发现的案件只能由检查记录或整改指令立案。"), "invalid_choice")
    if kind == Kind.COMPLAINT and not complainants:
        raise field_error("complainants", _("投诉应至少有一名投诉人。"), "required")
    if kind == Kind.REPORT and not anonymous and not (reporter_name.strip() or complainants):
        raise field_error("reporter_name", _("实名举报请填写举报人姓名，或选择匿名。"), "required")

    _check_period("", period_from, period_to, today)
    seen: set[int] = set()
    visible_workers = set(
        Worker.objects.visible_to(by).filter(pk__in=[c.worker.pk for c in complainants]).values_list("pk", flat=True)
    )
    for index, item in enumerate(complainants):
        prefix = f"complainants.{index}."
        if item.worker.pk in seen:
            raise field_error(prefix + "worker", _("同一劳动者重复出现。"), "duplicate")
        seen.add(item.worker.pk)
        if item.worker.pk not in visible_workers:
            raise field_error(prefix + "worker", _("劳动者不存在或不在您的辖区内。"), "does_not_exist")
        item.amount_claimed = _money(item.amount_claimed, prefix + "amount_claimed")
        _check_period(prefix, item.period_from, item.period_to, today, item.worker)

    seq, number = next_number(county, received_on.year)
    calendar = WorkdayCalendar()
    due = calendar.add(received_on, ACCEPTANCE_DAYS)
    starts = [d for d in [period_from, *(c.period_from for c in complainants)] if d]
    ends = [d for d in [period_to, *(c.period_to for c in complainants)] if d]
    with acting_as(by):
        complaint = Complaint.objects.create(
            county=county,
            township=township,
            year=received_on.year,
            seq=seq,
            number=number,
            kind=kind,
            channel=channel,
            upstream_ref=upstream_ref.strip(),
            employer=employer,
            project_name=project_name.strip(),
            site_address=site_address.strip(),
            facts=facts.strip(),
            period_from=period_from,
            period_to=period_to,
            beyond_limitation=_beyond_limitation(
                received_on, min(starts) if starts else None, max(ends) if ends else None
            ),
            anonymous=anonymous,
            reporter_name="" if anonymous else reporter_name.strip(),
            reporter_phone="" if anonymous else reporter_phone.strip(),
            reporter_contact="" if anonymous else reporter_contact.strip(),
            received_on=received_on,
            acceptance_due=due.date,
            acceptance_due_provisional=due.provisional,
            created_by=by,
            idempotency_key=idempotency_key,
        )
        complaint.categories.set(categories)
        Complainant.objects.bulk_create(
            Complainant(
                complaint=complaint,
                worker=c.worker,
                amount_claimed=c.amount_claimed,
                period_from=c.period_from,
                period_to=c.period_to,
                is_contact=c.is_contact or index == 0,
            )
            for index, c in enumerate(complainants)
        )
        Event.objects.create(
            complaint=complaint,
            action="register",
            to_status=Status.REGISTERED,
            by=by,
            on_date=received_on,
            data={"beyond_limitation": complaint.beyond_limitation} if complaint.beyond_limitation else {},
        )
    return complaint


def can_act(user: User, complaint: Complaint, act_name: str) -> bool:
    """Role and assignment check for one act (not the status)."""
    act = workflow.ACTS[act_name]
    if user.is_superuser:
        return True
    if not user.has_role(*act.roles):
        return False
    if act.assigned_only and not user.has_role(*workflow.HEADS):
        return complaint.inspectors.filter(pk=user.pk).exists()
    return True


def allowed_acts(user: User, complaint: Complaint) -> list[str]:
    return [act.name for act in workflow.allowed_from(complaint.status) if can_act(user, complaint, act.name)]


@transaction.atomic
def complaint_act(
    *,
    complaint: Complaint,
    by: User,
    act: str,
    reason: str = "",
    on_date: dt.date | None = None,
    data: dict[str, Any] | None = None,
    inspectors: Iterable[User] = (),
    outcome: str = "",
    amount_recovered: Decimal | None = None,
    workers_paid: int | None = None,
    satisfied: bool | None = None,
) -> Event:
    """Perform one act of the lifecycle on a case."""
    if act not in workflow.ACTS:
        raise field_error("act", _("未知的操作。"), "invalid_choice")
    spec = workflow.ACTS[act]
    complaint = Complaint.objects.visible_to(by).select_for_update(of=("self",)).get(pk=complaint.pk)
    if not can_act(by, complaint, act):
        raise PermissionDenied(_("您的角色无权对本案执行“%(act)s”。") % {"act": spec.label})
    if complaint.status not in spec.sources:
        raise InvalidTransition(complaint, act)
    reason = reason.strip()
    if spec.needs_reason and not reason:
        raise field_error("reason", _("请填写理由或说明。"), "required")
    today = timezone.localdate()
    on_date = on_date or today
    if on_date > today:
        raise field_error("on_date", _("日期不能晚于今天。"), "date_in_future")
    if on_date < complaint.received_on:
        raise field_error("on_date", _("日期不能早于收到投诉的日期。"), "before_received")
    data = dict(data or {})
    _check_act_data(complaint, act, on_date, data, workers_paid)
    calendar = WorkdayCalendar()
    before = complaint.status

    chosen = list(inspectors)
    if act == "assign" or (act == "accept" and chosen):
        _check_inspectors(complaint, chosen)
        complaint.inspectors.set(chosen)
        data["inspectors"] = [u.name or u.username for u in chosen]
    if act == "accept":
        complaint.accepted_on = on_date
        due = calendar.add(on_date, INVESTIGATION_DAYS)
        complaint.investigation_due, complaint.investigation_due_provisional = due.date, due.provisional
    elif act == "approve_extension":
        if complaint.extended:
            raise InvalidTransition(complaint, act)
        assert complaint.accepted_on is not None
        complaint.extended = True
        due = calendar.add(complaint.accepted_on, INVESTIGATION_DAYS + EXTENSION_DAYS)
        complaint.investigation_due, complaint.investigation_due_provisional = due.date, due.provisional
    elif act == "decide_penalty" and not complaint.events.filter(action="notify_penalty").exists():
        # 行政处罚法 arts. 44-45: the employer is told the facts and may state its case first.
        raise field_error("act", _("作出处罚决定前，应先进行行政处罚事先告知（陈述申辩）。"), "penalty_notice_first")
    elif act == "request_extension" and complaint.extended:
        raise field_error("act", _("调查期限只能延长一次。"), "already_extended")
    elif act == "request_closure":
        if outcome not in Outcome.values:
            raise field_error("outcome", _("请选择处理结果。"), "required" if not outcome else "invalid_choice")
        data["outcome"] = outcome
        recovered = wage_case_recovery(complaint)
        if recovered is not None:
            # The money side is the wage case's: its figures, once it is closed, and no others.
            _check_recovery_matches(recovered, amount_recovered, workers_paid)
            data["amount_recovered"], data["workers_paid"] = str(recovered.amount), recovered.workers
            data["wage_case"] = recovered.number
        else:
            # The 10-million cap is per worker: a group case may recover more in total.
            paid = int(workers_paid or 0)
            limit = min(MAX_CLAIM * max(paid, 1), Decimal("999999999999.99"))  # the column's range
            data["amount_recovered"] = str(_money(amount_recovered or 0, "amount_recovered", limit=limit))
            data["workers_paid"] = paid
    elif act == "approve_closure":
        request = complaint.events.filter(action="request_closure").order_by("-at", "-id").first()
        proposed = request.data if request else {}
        complaint.closed_on = on_date
        complaint.outcome = proposed.get("outcome", "")
        complaint.amount_recovered = Decimal(proposed.get("amount_recovered", "0"))
        complaint.workers_paid = int(proposed.get("workers_paid", 0))
        recovered = wage_case_recovery(complaint)
        if recovered is not None:
            complaint.amount_recovered, complaint.workers_paid = recovered.amount, recovered.workers
    elif act == "follow_up":
        if satisfied is None and data.get("reached", True):
            raise field_error("satisfied", _("请选择是否满意。"), "required")
        complaint.satisfied = satisfied
        data["satisfied"] = satisfied

    if spec.to is not None:
        complaint.status = spec.to
    with acting_as(by):
        complaint.save()
        event = Event.objects.create(
            complaint=complaint,
            action=act,
            from_status=before,
            to_status=complaint.status,
            by=by,
            on_date=on_date,
            reason=reason,
            data=data,
        )
    return event


@dataclass(frozen=True)
class WageRecovery:
    number: str
    amount: Decimal  # wages, compensation and interest paid to the workers
    workers: int  # workers who received wages


def wage_case_recovery(complaint: Complaint) -> WageRecovery | None:
    """The figures of the complaint's wage case, which must be closed first (None: the
    complaint has no wage case and its figures are typed at closure)."""
    from wagecases import selectors as wage_selectors  # the case app above, through its selectors

    wage_case = wage_selectors.case_of_complaint(complaint)
    if wage_case is None:
        return None
    if wage_case.is_open:
        raise field_error(
            "act",
            _("本案的欠薪案件%(number)s尚未结案：请先在欠薪案件中登记追发款项并结案。") % {"number": wage_case.number},
            "wagecase_open",
        )
    totals = wage_selectors.case_totals(wage_case)
    return WageRecovery(wage_case.number, totals.total_paid, totals.workers_paid)


def _check_recovery_matches(recovered: WageRecovery, amount: Decimal | None, workers: int | None) -> None:
    typed_amount = _money(amount or 0, "amount_recovered", limit=Decimal("999999999999.99"))
    if typed_amount and typed_amount != recovered.amount:
        raise field_error(
            "amount_recovered",
            _("追发金额以欠薪案件%(number)s为准（%(amount)s元），无需填写。")
            % {"number": recovered.number, "amount": recovered.amount},
            "wagecase_figures",
        )
    if workers and workers != recovered.workers:
        raise field_error(
            "workers_paid",
            _("追发涉及人数以欠薪案件%(number)s为准（%(n)d人）。")
            % {"number": recovered.number, "n": recovered.workers},
            "wagecase_figures",
        )


def _name_with_extension(name: str, extension: str) -> str:
    """The shown (and downloaded) name ends with the extension of what the file really is, so a
    PDF uploaded as `x.html` is not opened as a web page."""
    stem, dot, current = name.rpartition(".")
    if dot and "." + current.lower() in {extension, ".jpeg" if extension == ".jpg" else extension}:
        return name
    return (stem if dot else name) + extension


MAX_ACT_AMOUNT = Decimal("100000000.00")  # no penalty, mediation or recovery of one case comes near


def _check_act_data(
    complaint: Complaint, act: str, on_date: dt.date, data: dict[str, Any], workers_paid: int | None
) -> None:
    """Dates and amounts an act carries must make sense for the case: nothing before the case
    was received (a rectification deadline not before the act itself), no absurd amounts, no
    more workers paid than the case has complainants."""
    for key, value in data.items():
        if value in (None, ""):
            continue
        if key.endswith("_on") or key == "deadline":
            try:
                day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            except ValueError:
                raise field_error(f"data.{key}", _("日期格式不正确。"), "invalid") from None
            earliest = on_date if key == "deadline" else complaint.received_on
            if day < earliest:
                raise field_error(f"data.{key}", _("日期不能早于%(day)s。") % {"day": earliest}, "before_received")
            if key != "deadline" and day > timezone.localdate():
                raise field_error(f"data.{key}", _("日期不能晚于今天。"), "date_in_future")
        if key in ("amount", "proposed_amount"):
            _money(value, f"data.{key}", limit=MAX_ACT_AMOUNT)
    if act == "request_closure" and workers_paid:
        count = complaint.complainants.count()
        if count and workers_paid > count:
            raise field_error(
                "workers_paid", _("追发涉及人数不能多于本案投诉人数（%(n)s人）。") % {"n": count}, "too_many_workers"
            )


def _check_inspectors(complaint: Complaint, chosen: list[User]) -> None:
    if len({u.pk for u in chosen}) < 2:
        raise field_error("inspectors", _("调查应由两名以上监察员进行。"), "two_inspectors")
    for user in chosen:
        if not user.is_active or not user.has_role(Role.INSPECTOR, *workflow.HEADS):
            raise field_error("inspectors", _("%(name)s 不是监察员。") % {"name": user}, "not_inspector")
        region = user.region
        if region is None or not (
            complaint.county.path.startswith(region.path) or region.path.startswith(complaint.county.path)
        ):
            raise field_error("inspectors", _("%(name)s 不属于本案的受理单位。") % {"name": user}, "out_of_scope")


def can_see_reporter(user: User, complaint: Complaint) -> bool:
    """Who reported a violation is confidential: the heads and the assigned inspectors only."""
    if roles.can(user, "complaints.reporter"):
        return True
    return complaint.inspectors.filter(pk=user.pk).exists()


@transaction.atomic
def recompute_deadlines(years: list[int]) -> int:
    """After a year's calendar was loaded: recompute stored deadlines that were provisional or
    fall in those years. Returns how many cases changed."""
    calendar = WorkdayCalendar()
    changed = 0
    touched = Q(acceptance_due__year__in=years) | Q(investigation_due__year__in=years)
    touched |= Q(acceptance_due_provisional=True) | Q(investigation_due_provisional=True)
    for complaint in Complaint.objects.filter(touched, status__in=workflow.OPEN).select_for_update():
        fields: list[str] = []
        due = calendar.add(complaint.received_on, ACCEPTANCE_DAYS)
        if (due.date, due.provisional) != (complaint.acceptance_due, complaint.acceptance_due_provisional):
            complaint.acceptance_due, complaint.acceptance_due_provisional = due.date, due.provisional
            fields += ["acceptance_due", "acceptance_due_provisional"]
        if complaint.accepted_on:
            days = INVESTIGATION_DAYS + (EXTENSION_DAYS if complaint.extended else 0)
            due = calendar.add(complaint.accepted_on, days)
            if (due.date, due.provisional) != (complaint.investigation_due, complaint.investigation_due_provisional):
                complaint.investigation_due, complaint.investigation_due_provisional = due.date, due.provisional
                fields += ["investigation_due", "investigation_due_provisional"]
        if fields:
            complaint.save(update_fields=[*fields, "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def attachment_add(*, complaint: Complaint, by: User, file: UploadedFile, event: Event | None = None) -> Attachment:
    """Store a file on a case the user can see. The stored name is random (the displayed
    name is kept apart), so nothing of the user's file name reaches the file system."""
    complaint = Complaint.objects.visible_to(by).select_related("county").get(pk=complaint.pk)
    if event is not None and event.complaint_id != complaint.pk:
        raise ValidationError({"event": [ValidationError(_("该进程不属于本案。"), code="does_not_exist")]})
    found = check_upload(file)
    attachment = Attachment(
        complaint=complaint,
        event=event,
        name=_name_with_extension(display_file_name(file.name or ""), found.extension),
        content_type=found.content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{found.extension}", file, save=False)
    try:
        with acting_as(by):
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment

"""Every write of the inspections app: one transaction each, checked before anything is stored,
errors as field-level `ValidationError`s with stable codes (see docs/api.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import numbering, roles
from bureau.audit import acting_as
from bureau.models import Employer, Industry, Region, RegionLevel, User
from bureau.numbering import county_of
from bureau.services import check_inspectors, clean_text, field_error
from bureau.workdays import WorkdayCalendar
from complaints.uploads import GIF, JPEG, PNG, WEBP, display_file_name, sniff
from inspections.checklists import clean_answers
from inspections.models import (
    MAX_AMOUNT,
    MAX_COUNT,
    AnnualReview,
    Campaign,
    CampaignType,
    ChecklistTemplate,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PatrolTarget,
    RectificationOrder,
    ReviewResult,
    Visit,
    VisitPhoto,
    WagesOnTime,
)

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=10)
DEFAULT_PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAX_ORDER_ITEMS = 30
MAX_PHOTOS_PER_VISIT = 30
IMAGE_TYPES = (JPEG, PNG, WEBP, GIF)


class InvalidState(Exception):
    """An act not possible in the record's current state (HTTP 409)."""

    def __init__(self, message: str, code: str = "invalid_state") -> None:
        self.message = message
        self.code = code
        super().__init__(message)


class DuplicateVisit(Exception):
    """A visit re-sent from the phone (same client UUID): nothing new is stored."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        super().__init__(visit.number)


def photo_max_bytes() -> int:
    return int(getattr(settings, "INSPECTION_PHOTO_MAX_BYTES", DEFAULT_PHOTO_MAX_BYTES))


def _county(by: User, county: Region | None) -> Region:
    county = county or county_of(by.region)
    if county is None:
        raise field_error("county", _("请选择县（区）。"), "required")
    if county.level != RegionLevel.COUNTY or not Region.objects.visible_to(by).filter(pk=county.pk).exists():
        raise field_error("county", _("区划不存在或不在您的辖区内。"), "does_not_exist")
    return county


def _employer(by: User, employer: Employer, county: Region, field: str = "employer") -> None:
    if not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise field_error(field, _("用人单位不存在或不在您的辖区内。"), "does_not_exist")
    in_county = (
        employer.region.path.startswith(county.path)
        or employer.registrations.filter(region__path__startswith=county.path).exists()
    )
    if not in_county:
        raise field_error(field, _("该单位不在本县（区）登记。"), "region_mismatch")


def _count(value: Any, field: str, limit: int = MAX_COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise field_error(field, _("应为不小于零的整数。"), "invalid")
    if value > limit:
        raise field_error(field, _("数量超过上限，请核对。"), "max_value")
    return value


def _coordinate(value: Any) -> Decimal:
    """A latitude or longitude as sent (Decimal, number or text); ValueError when it is none."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _position(latitude: Any, longitude: Any, accuracy_m: Any) -> tuple[Decimal | None, Decimal | None, int | None]:
    """The phone's position: both coordinates or neither, within range, to six decimals (about
    0.1 m); the accuracy in whole metres, kept only with a position."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise field_error("latitude", _("位置应同时有经度和纬度。"), "incomplete_position")
    try:
        lat, lon = _coordinate(latitude), _coordinate(longitude)
    except ValueError:
        raise field_error("latitude", _("位置不正确。"), "invalid_position") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise field_error("latitude", _("位置不正确。"), "invalid_position")
    accuracy = None if accuracy_m in (None, "") else _count(accuracy_m, "accuracy_m", limit=100_000)
    return round(lat, 6), round(lon, 6), accuracy


# Campaigns -------------------------------------------------------------------------------


@dataclass
class CampaignInput:
    name: str
    campaign_type: CampaignType
    starts_on: dt.date
    ends_on: dt.date
    regions: Sequence[Region] = ()
    industries: Sequence[str] = ()
    target_employers: int = 0
    description: str = ""


def _check_campaign(
    county: Region, data: CampaignInput, *, exclude: int | None = None, new_type: bool = True
) -> dict[str, Any]:
    """The cleaned fields of a campaign. A type switched off takes no new campaign, but its
    campaigns stay editable (`new_type` False: the type is the one they had)."""
    name = clean_text(data.name)
    if not name:
        raise field_error("name", _("请填写专项检查名称。"), "required")
    if len(name) > 120:
        raise field_error("name", _("名称最长120个字符。"), "max_length")
    if Campaign.objects.filter(county=county, name=name).exclude(pk=exclude).exists():
        raise field_error("name", _("本县（区）已有同名的专项检查。"), "duplicate")
    if new_type and not data.campaign_type.active:
        raise field_error("campaign_type", _("该检查类型已停用。"), "invalid_choice")
    if data.ends_on < data.starts_on:
        raise field_error("ends_on", _("结束日期不能早于开始日期。"), "date_order")
    if (data.ends_on - data.starts_on).days > 366:
        raise field_error("ends_on", _("专项检查期限不能超过一年。"), "too_long")
    for region in data.regions:
        if region.level < RegionLevel.TOWNSHIP or not region.path.startswith(county.path):
            raise field_error("regions", _("检查区域应为本县（区）内的乡镇（街道）或社区（村）。"), "region_mismatch")
    industries = list(dict.fromkeys(data.industries))
    for code in industries:
        if code not in Industry.values:
            raise field_error("industries", _("行业门类不正确。"), "invalid_choice")
    return {
        "name": name,
        "campaign_type": data.campaign_type,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "industries": industries,
        "target_employers": _count(data.target_employers, "target_employers"),
        "description": (data.description or "").strip()[:4000],
    }


@transaction.atomic
def campaign_create(*, by: User, data: CampaignInput, county: Region | None = None) -> Campaign:
    roles.require(by, "inspections.plan")
    county = _county(by, county)
    fields = _check_campaign(county, data)
    with acting_as(by):
        campaign = Campaign.objects.create(county=county, created_by=by, **fields)
        campaign.regions.set(data.regions)
    return campaign


@transaction.atomic
def campaign_update(*, by: User, campaign: Campaign, data: CampaignInput) -> Campaign:
    """Change a campaign. Its type stays once a visit was recorded (the answers follow the
    type's checklist), and its period must still hold its visits."""
    roles.require(by, "inspections.plan")
    campaign = Campaign.objects.visible_to(by).select_for_update(of=("self",)).get(pk=campaign.pk)
    fields = _check_campaign(
        campaign.county, data, exclude=campaign.pk, new_type=data.campaign_type.pk != campaign.campaign_type_id
    )
    visits = campaign.visits.all()
    if fields["campaign_type"].pk != campaign.campaign_type_id and visits.exists():
        raise field_error("campaign_type", _("已有检查记录的专项检查不能更改类型。"), "has_visits")
    outside = visits.exclude(visited_at__date__gte=data.starts_on, visited_at__date__lte=data.ends_on)
    if outside.exists():
        raise field_error("starts_on", _("已有检查记录在新的期限之外。"), "visits_outside_period")
    for name, value in fields.items():
        setattr(campaign, name, value)
    with acting_as(by):
        campaign.save()
        campaign.regions.set(data.regions)
    return campaign


# Visits ----------------------------------------------------------------------------------


@dataclass
class VisitInput:
    employer: Employer
    visited_at: dt.datetime
    inspectors: Sequence[User]
    campaign: Campaign | None = None
    template: ChecklistTemplate | None = None
    answers: dict[str, Any] | None = None
    site_address: str = ""
    workers_on_site: int = 0
    contracts_found: int = 0
    contracts_urged: int = 0
    wages_on_time: str = WagesOnTime.NOT_CHECKED
    workers_unpaid: int = 0
    amount_unpaid: Any = "0"
    child_labour_found: int = 0
    minimum_wage_problem: bool = False
    findings: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None
    client_uuid: uuid.UUID | None = None


def _check_campaign_visit(campaign: Campaign, employer: Employer, day: dt.date) -> None:
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise field_error(
            "visited_at",
            _("检查日期不在专项检查期限（%(start)s 至 %(end)s）内。")
            % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()},
            "outside_campaign",
        )
    regions = list(campaign.regions.all())
    if regions and not any(employer.region.path.startswith(r.path) for r in regions):
        raise field_error("employer", _("该单位不在本次专项检查的检查区域内。"), "region_mismatch")
    if campaign.industries and employer.industry and employer.industry not in campaign.industries:
        raise field_error("employer", _("该单位的行业不在本次专项检查的范围内。"), "industry_mismatch")


def _template_for(data: VisitInput) -> ChecklistTemplate | None:
    """A campaign visit is answered with the current checklist of the campaign's type unless the
    phone sent the version it showed (kept offline) of that same type; a patrol may use any
    type's checklist, or none."""
    template = data.template
    if data.campaign is not None:
        if template is None:
            return data.campaign.campaign_type.current_template()
        if template.campaign_type_id != data.campaign.campaign_type_id:
            raise field_error("template", _("检查表与专项检查的类型不符。"), "template_mismatch")
    return template


def visit_record(*, by: User, data: VisitInput, county: Region | None = None) -> Visit:
    """Record a site visit. A re-send of a visit typed offline (same `client_uuid` from the same
    user) raises DuplicateVisit with the visit stored the first time."""
    roles.require(by, "inspections.record")
    if data.client_uuid is not None:
        earlier = Visit.objects.filter(created_by=by, client_uuid=data.client_uuid).first()
        if earlier is not None:
            raise DuplicateVisit(earlier)
    try:
        return _visit_record(by=by, data=data, county=county)
    except IntegrityError:
        # the same visit sent twice at once: the other request stored it
        earlier = Visit.objects.filter(created_by=by, client_uuid=data.client_uuid).first()
        if data.client_uuid is None or earlier is None:
            raise
        raise DuplicateVisit(earlier) from None


@transaction.atomic
def _visit_record(*, by: User, data: VisitInput, county: Region | None) -> Visit:
    county = _county(by, county if county is not None else (data.campaign.county if data.campaign else None))
    now = timezone.now()
    visited_at = data.visited_at
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > now + CLOCK_SKEW:
        raise field_error("visited_at", _("检查时间不能晚于现在。"), "date_in_future")
    day = timezone.localdate(visited_at)
    if day.year < now.year - 5:
        raise field_error("visited_at", _("检查日期过早，请核对。"), "too_old")
    _employer(by, data.employer, county)
    if data.campaign is not None:
        if not Campaign.objects.visible_to(by).filter(pk=data.campaign.pk, county=county).exists():
            raise field_error("campaign", _("专项检查不存在或不属于本县（区）。"), "does_not_exist")
        _check_campaign_visit(data.campaign, data.employer, day)
    check_inspectors(county, data.inspectors, _("检查应由两名以上监察员进行。"))
    template = _template_for(data)
    answers = clean_answers(template, data.answers)
    workers = _count(data.workers_on_site, "workers_on_site")
    found = _count(data.contracts_found, "contracts_found")
    urged = _count(data.contracts_urged, "contracts_urged")
    if found > workers:
        raise field_error("contracts_found", _("已签合同人数不能多于在岗人数。"), "more_than_workers")
    if urged > workers - found:
        raise field_error(
            "contracts_urged", _("督促签订人数不能多于未签合同的人数（%(n)s人）。") % {"n": workers - found}, "too_many"
        )
    if data.wages_on_time not in WagesOnTime.values:
        raise field_error("wages_on_time", _("工资支付情况不正确。"), "invalid_choice")
    unpaid = _count(data.workers_unpaid, "workers_unpaid")
    from wagecases.services import money

    amount_unpaid = money(data.amount_unpaid, "amount_unpaid", limit=MAX_AMOUNT)
    if data.wages_on_time != WagesOnTime.NO and (unpaid or amount_unpaid):
        raise field_error(
            "wages_on_time", _("填写了欠薪人数或金额，工资支付情况应为“存在拖欠或克扣”。"), "inconsistent"
        )
    child = _count(data.child_labour_found, "child_labour_found")
    if child > workers:
        raise field_error("child_labour_found", _("童工人数不能多于在岗人数。"), "more_than_workers")
    latitude, longitude, accuracy_m = _position(data.latitude, data.longitude, data.accuracy_m)
    findings = (data.findings or "").strip()
    if len(findings) > 5000:
        raise field_error("findings", _("最长5000个字符。"), "max_length")

    seq, number = numbering.next_number("inspection", county, day.year, prefix="J")
    with acting_as(by):
        visit = Visit.objects.create(
            county=county,
            year=day.year,
            seq=seq,
            number=number,
            employer=data.employer,
            visited_at=visited_at,
            campaign=data.campaign,
            template=template,
            answers=answers,
            site_address=clean_text(data.site_address)[:255],
            workers_on_site=workers,
            contracts_found=found,
            contracts_urged=urged,
            wages_on_time=data.wages_on_time,
            workers_unpaid=unpaid,
            amount_unpaid=amount_unpaid,
            child_labour_found=child,
            minimum_wage_problem=bool(data.minimum_wage_problem),
            findings=findings,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=accuracy_m,
            client_uuid=data.client_uuid,
            created_by=by,
        )
        visit.inspectors.set(data.inspectors)
    return visit


def can_edit_visit(user: User, visit: Visit) -> bool:
    """Its inspectors, whoever typed it, and heads add photos and act on what it found."""
    if not roles.can(user, "inspections.record"):
        return False
    if user.has_role(*roles.HEADS) or user.is_superuser or visit.created_by_id == user.pk:
        return True
    return visit.inspectors.filter(pk=user.pk).exists()


def _locked_visit(by: User, visit: Visit) -> Visit:
    locked = Visit.objects.visible_to(by).select_for_update(of=("self",)).select_related("county").get(pk=visit.pk)
    if not can_edit_visit(by, locked):
        raise PermissionDenied(_("只有本次检查的检查人员和负责人可以操作。"))
    return locked


@transaction.atomic
def photo_add(
    *,
    by: User,
    visit: Visit,
    file: UploadedFile,
    item_key: str = "",
    caption: str = "",
    client_uuid: uuid.UUID | None = None,
) -> tuple[VisitPhoto, bool]:
    """Store a photo of a visit (JPEG, PNG, WebP or GIF, told from its bytes). Returns the photo
    and whether it is new: a re-sent photo (same client UUID) is not stored twice."""
    roles.require(by, "inspections.record")
    visit = _locked_visit(by, visit)
    if client_uuid is not None:
        earlier = visit.photos.filter(client_uuid=client_uuid).first()
        if earlier is not None:
            return earlier, False
    if item_key:
        kinds = {item["key"]: item["kind"] for item in (visit.template.items if visit.template else [])}
        if kinds.get(item_key) != "photo":
            raise field_error("item_key", _("检查表中没有此照片项目。"), "unknown_item")
    if visit.photos.count() >= MAX_PHOTOS_PER_VISIT:
        raise field_error("file", _("每次检查最多 %(n)s 张照片。") % {"n": MAX_PHOTOS_PER_VISIT}, "too_many")
    size = file.size or 0
    if size <= 0:
        raise field_error("file", _("文件为空。"), "empty")
    limit = photo_max_bytes()
    if size > limit:
        raise field_error(
            "file", _("照片超过 %(mb)s MB 的上限。") % {"mb": f"{limit / 1024 / 1024:g}"}, "attachment_size"
        )
    found = sniff(file, file.name or "")
    if found not in IMAGE_TYPES:
        raise field_error("file", _("只接受 JPEG、PNG、WebP 或 GIF 格式的照片。"), "attachment_type")
    assert found is not None
    name = display_file_name(file.name or "")
    photo = VisitPhoto(
        visit=visit,
        item_key=item_key,
        name=name,
        content_type=found.content_type,
        size=size,
        caption=clean_text(caption)[:200],
        client_uuid=client_uuid,
        uploaded_by=by,
    )
    photo.file.save(f"{uuid.uuid4().hex}{found.extension}", file, save=False)
    try:
        with acting_as(by):
            photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    return photo, True


# Rectification orders ----------------------------------------------------------------------


def _clean_order_items(items: Sequence[str], field: str = "items") -> list[str]:
    """The items of an order, blank lines dropped; errors on `field` (`field.N` for one item,
    N its position as sent)."""
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise field_error(field, _("整改事项应为逐项列出的清单。"), "invalid")
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise field_error(f"{field}.{index}", _("整改事项应为文字。"), "invalid")
    cleaned = [(index, clean_text(text)) for index, text in enumerate(items)]
    cleaned = [(index, text) for index, text in cleaned if text]
    if not cleaned:
        raise field_error(field, _("请至少填写一项整改事项。"), "required")
    if len(cleaned) > MAX_ORDER_ITEMS:
        raise field_error(field, _("整改事项不能超过 %(n)s 项。") % {"n": MAX_ORDER_ITEMS}, "max_length")
    for index, text in cleaned:
        if len(text) > 500:
            raise field_error(f"{field}.{index}", _("每项最长500个字符。"), "max_length")
    return [text for _index, text in cleaned]


def _order_event(order: RectificationOrder, by: User | None, action: str, on_date: dt.date, **kw: Any) -> OrderEvent:
    return OrderEvent.objects.create(order=order, by=by, action=action, on_date=on_date, **kw)


def _issue_order(
    *,
    by: User,
    county: Region,
    employer: Employer,
    items: Sequence[str],
    served_on: dt.date,
    deadline_days: int,
    earliest: dt.date,
    visit: Visit | None = None,
    review: AnnualReview | None = None,
    items_field: str = "items",
) -> RectificationOrder:
    cleaned = _clean_order_items(items, items_field)
    today = timezone.localdate()
    if served_on > today:
        raise field_error("served_on", _("送达日期不能晚于今天。"), "date_in_future")
    if served_on < earliest:
        raise field_error("served_on", _("送达日期不能早于检查或审查日期。"), "date_order")
    if isinstance(deadline_days, bool) or not isinstance(deadline_days, int) or not 1 <= deadline_days <= 250:
        raise field_error("deadline_days", _("整改期限应为1至250个工作日。"), "invalid")
    due = WorkdayCalendar().add(served_on, deadline_days)
    seq, number = numbering.next_number("rectification", county, served_on.year, prefix="Z")
    with acting_as(by):
        order = RectificationOrder.objects.create(
            county=county,
            year=served_on.year,
            seq=seq,
            number=number,
            employer=employer,
            visit=visit,
            review=review,
            served_on=served_on,
            deadline_days=deadline_days,
            due_on=due.date,
            due_provisional=due.provisional,
            created_by=by,
        )
        OrderItem.objects.bulk_create(
            OrderItem(order=order, position=index + 1, text=text) for index, text in enumerate(cleaned)
        )
        _order_event(
            order, by, "issue", served_on, visit=visit, data={"items": len(cleaned), "due_on": due.date.isoformat()}
        )
    return order


@transaction.atomic
def order_issue_from_visit(
    *, by: User, visit: Visit, items: Sequence[str], served_on: dt.date | None = None, deadline_days: int
) -> RectificationOrder:
    """Order the employer of a visit to correct what was found (责令改正), due `deadline_days`
    working days after it is served."""
    roles.require(by, "inspections.record")
    visit = _locked_visit(by, visit)
    return _issue_order(
        by=by,
        county=visit.county,
        employer=visit.employer,
        items=items,
        served_on=served_on or timezone.localdate(),
        deadline_days=deadline_days,
        earliest=timezone.localdate(visit.visited_at),
        visit=visit,
    )


def recompute_due_dates(years: list[int]) -> int:
    """After a year's calendar was loaded (registered with `bureau.workdays`): recompute the due
    date of every open order that was provisional or falls in those years. Returns how many
    orders changed."""
    calendar = WorkdayCalendar()
    changed = 0
    touched = Q(due_provisional=True) | Q(due_on__year__in=years) | Q(served_on__year__in=years)
    with transaction.atomic():
        for order in RectificationOrder.objects.filter(touched, status=OrderStatus.OPEN).select_for_update():
            due = calendar.add(order.served_on, order.deadline_days)
            if (due.date, due.provisional) != (order.due_on, order.due_provisional):
                order.due_on, order.due_provisional = due.date, due.provisional
                order.save(update_fields=["due_on", "due_provisional", "updated_at"])
                changed += 1
    return changed


def _locked_order(by: User, order: RectificationOrder) -> RectificationOrder:
    roles.require(by, "inspections.record")
    return RectificationOrder.objects.visible_to(by).select_for_update(of=("self",)).get(pk=order.pk)


@dataclass
class ItemResult:
    item: OrderItem
    met: bool
    note: str = ""


@transaction.atomic
def order_follow_up(
    *, by: User, order: RectificationOrder, visit: Visit, results: Sequence[ItemResult]
) -> RectificationOrder:
    """Record a follow-up visit's findings on an order, item by item. All items met: the order is
    met. Some not met at or after the deadline: unmet (it may then open a case). Before the
    deadline it stays open, with the items met so far recorded."""
    order = _locked_order(by, order)
    if order.status != OrderStatus.OPEN:
        raise InvalidState(
            _("整改指令当前状态为“%(status)s”，不能再复查。") % {"status": order.get_status_display()}, "order_closed"
        )
    if not Visit.objects.visible_to(by).filter(pk=visit.pk).exists():
        raise field_error("visit", _("检查记录不存在或不在您的辖区内。"), "does_not_exist")
    if visit.employer_id != order.employer_id:
        raise field_error("visit", _("复查的检查记录应是对同一用人单位的检查。"), "employer_mismatch")
    if order.visit_id == visit.pk:
        raise field_error("visit", _("复查应是下达指令之后的另一次检查。"), "same_visit")
    day = timezone.localdate(visit.visited_at)
    if day < order.served_on:
        raise field_error("visit", _("复查检查的日期不能早于指令送达日期。"), "date_order")
    if not results:
        raise field_error("results", _("请逐项填写整改情况。"), "required")
    items = {item.pk: item for item in order.items.select_for_update()}
    seen: set[int] = set()
    for index, result in enumerate(results):
        field = f"results.{index}.item"
        item = items.get(result.item.pk)
        if item is None:
            raise field_error(field, _("该事项不属于本指令。"), "does_not_exist")
        if item.pk in seen:
            raise field_error(field, _("同一事项重复出现。"), "duplicate")
        seen.add(item.pk)
        if item.met:
            raise field_error(field, _("该事项已整改。"), "already_met")
        if not isinstance(result.met, bool):
            raise field_error(f"results.{index}.met", _("应为是或否。"), "invalid")
    with acting_as(by):
        for result in results:
            item = items[result.item.pk]
            item.met, item.checked_on, item.followup_visit = result.met, day, visit
            item.note = clean_text(result.note)[:500]
            item.save(update_fields=["met", "checked_on", "followup_visit", "note"])
        met = sum(1 for item in items.values() if item.met)
        if met == len(items):
            order.status, order.concluded_on = OrderStatus.MET, day
        elif day >= order.due_on:
            order.status, order.concluded_on = OrderStatus.UNMET, day
        order.save(update_fields=["status", "concluded_on", "updated_at"])
        _order_event(
            order,
            by,
            "follow_up",
            day,
            visit=visit,
            data={"met": met, "items": len(items), "status": order.status},
        )
    return order


@transaction.atomic
def order_cancel(*, by: User, order: RectificationOrder, reason: str) -> RectificationOrder:
    """Withdraw an order issued in error (heads): it stays on file, cancelled, with the reason."""
    roles.require(by, "inspections.plan")
    order = _locked_order(by, order)
    reason = clean_text(reason)
    if not reason:
        raise field_error("reason", _("请填写撤销理由。"), "required")
    if order.status != OrderStatus.OPEN:
        raise InvalidState(_("只能撤销整改中的指令。"), "order_closed")
    with acting_as(by):
        order.status, order.concluded_on = OrderStatus.CANCELLED, timezone.localdate()
        order.save(update_fields=["status", "concluded_on", "updated_at"])
        _order_event(order, by, "cancel", timezone.localdate(), note=reason)
    return order


# Cases from findings -------------------------------------------------------------------------


def _visit_facts(visit: Visit) -> str:
    parts = [
        _("%(date)s 检查（%(number)s）：")
        % {"date": timezone.localdate(visit.visited_at).isoformat(), "number": visit.number},
        _("在岗%(n)s人，已签书面劳动合同%(c)s人，督促签订%(u)s人。")
        % {"n": visit.workers_on_site, "c": visit.contracts_found, "u": visit.contracts_urged},
    ]
    if visit.wages_on_time == WagesOnTime.NO:
        parts.append(
            _("存在拖欠工资：%(n)s人，%(amount)s元。") % {"n": visit.workers_unpaid, "amount": visit.amount_unpaid}
        )
    if visit.child_labour_found:
        parts.append(_("发现童工%(n)s人。") % {"n": visit.child_labour_found})
    if visit.minimum_wage_problem:
        parts.append(_("存在低于最低工资标准支付的情况。"))
    if visit.findings:
        parts.append(visit.findings)
    return "".join(str(p) for p in parts)


def _order_facts(order: RectificationOrder) -> str:
    unmet = [item.text for item in order.items.all() if not item.met]
    text = _("责令改正指令书 %(number)s（%(served)s 送达，限期至 %(due)s）逾期未整改事项：%(items)s") % {
        "number": order.number,
        "served": order.served_on.isoformat(),
        "due": order.due_on.isoformat(),
        "items": "；".join(unmet),
    }
    return str(text)


def _case_inspectors(county: Region, visit: Visit | None) -> list[User]:
    """The visit's inspectors, to handle the case opened from what they found; none when one
    of them can no longer (left, moved): the brigade head assigns the case then."""
    inspectors = list(visit.inspectors.order_by("pk")) if visit else []
    try:
        check_inspectors(county, inspectors, "")
    except ValidationError:
        return []
    return inspectors


def _case_date(opened_on: dt.date | None, earliest: dt.date, earliest_label: str) -> dt.date:
    """The day a case is opened: today unless told (a case opened yesterday, recorded today),
    never in the future nor before what it was found on."""
    today = timezone.localdate()
    opened_on = opened_on or today
    if opened_on > today:
        raise field_error("opened_on", _("立案日期不能晚于今天。"), "date_in_future")
    if opened_on < earliest:
        raise field_error(
            "opened_on",
            _("立案日期不能早于%(what)s（%(date)s）。") % {"what": earliest_label, "date": earliest.isoformat()},
            "date_order",
        )
    return opened_on


def _open_complaint(
    *,
    by: User,
    visit: Visit | None,
    county: Region,
    employer: Employer,
    facts: str,
    categories: Sequence[Any],
    opened_on: dt.date,
) -> Any:
    from complaints import services as complaint_services
    from complaints.models import Channel, Kind

    township = None
    if visit is not None:
        place = visit.employer.region
        if place.level >= RegionLevel.TOWNSHIP and place.path.startswith(county.path):
            township = place
    complaint = complaint_services.complaint_register(
        by=by,
        employer=employer,
        categories=categories,
        facts=facts[:5000],
        kind=Kind.INSPECTION,
        channel=Channel.INSPECTION,
        county=county,
        site_address=visit.site_address if visit else "",
        township=township,
        received_on=opened_on,
    )
    # found by the bureau itself: placed on file at once (立案), by the same user, and handled
    # by the inspectors who found it
    if complaint_services.can_act(by, complaint, "accept"):
        complaint_services.complaint_act(
            complaint=complaint, by=by, act="accept", on_date=opened_on, inspectors=_case_inspectors(county, visit)
        )
        complaint.refresh_from_db()
    return complaint


def _open_wagecase(
    *,
    by: User,
    visit: Visit | None,
    county: Region,
    employer: Employer,
    facts: str,
    claims: Sequence[Any],
    opened_on: dt.date,
) -> Any:
    from wagecases import services as wage_services
    from wagecases.models import Source

    return wage_services.wagecase_open(
        by=by,
        employer=employer,
        claims=claims,
        county=county,
        source=Source.INSPECTION,
        inspectors=_case_inspectors(county, visit),
        facts=facts,
        opened_on=opened_on,
    )


@transaction.atomic
def visit_open_case(
    *,
    by: User,
    visit: Visit,
    kind: str,
    claims: Sequence[Any] = (),
    categories: Sequence[Any] = (),
    opened_on: dt.date | None = None,
) -> Any:
    """Open a case from what a visit found: `kind="wage"` a wage-arrears case with each unpaid
    worker's claim (the visit must have found unpaid wages), `kind="complaint"` a case to
    investigate (立案, accepted at once) with the categories of the violation. The visit's
    facts are carried over, its inspectors handle the case, and the case is linked to the
    visit. `opened_on` (default today) is not before the visit."""
    roles.require(by, "inspections.record")
    visit = _locked_visit(by, visit)
    facts = _visit_facts(visit)
    opened_on = _case_date(opened_on, timezone.localdate(visit.visited_at), _("检查日期"))
    if kind == "wage":
        if visit.wage_case is not None:
            raise InvalidState(_("本次检查已立欠薪案件 %(n)s。") % {"n": visit.wage_case.number}, "case_exists")
        if visit.wages_on_time != WagesOnTime.NO:
            raise field_error("kind", _("本次检查未发现拖欠工资，不能立欠薪案件。"), "no_unpaid_wages")
        case = _open_wagecase(
            by=by,
            visit=visit,
            county=visit.county,
            employer=visit.employer,
            facts=facts,
            claims=claims,
            opened_on=opened_on,
        )
        visit.wage_case = case
    elif kind == "complaint":
        if visit.complaint is not None:
            raise InvalidState(_("本次检查已立案 %(n)s。") % {"n": visit.complaint.number}, "case_exists")
        case = _open_complaint(
            by=by,
            visit=visit,
            county=visit.county,
            employer=visit.employer,
            facts=facts,
            categories=categories,
            opened_on=opened_on,
        )
        visit.complaint = case
    else:
        raise field_error("kind", _("请选择立案类型。"), "invalid_choice")
    with acting_as(by):
        visit.save(update_fields=["wage_case", "complaint", "updated_at"])
    return case


@transaction.atomic
def order_open_case(
    *,
    by: User,
    order: RectificationOrder,
    kind: str,
    claims: Sequence[Any] = (),
    categories: Sequence[Any] = (),
    opened_on: dt.date | None = None,
) -> Any:
    """Open a case from an order not met by its deadline (逾期未整改), with the order's unmet
    items and the visit's facts carried over; the order is then escalated (已立案查处).
    `opened_on` (default today) is not before the order was found unmet."""
    order = _locked_order(by, order)
    if order.status != OrderStatus.UNMET:
        raise InvalidState(_("只有逾期未整改的指令才能立案查处。"), "order_not_unmet")
    opened_on = _case_date(opened_on, order.concluded_on or order.due_on, _("认定逾期未整改的日期"))
    visit = order.visit
    facts = _order_facts(order) + ("\n" + _visit_facts(visit) if visit else "")
    if kind == "wage":
        case = _open_wagecase(
            by=by,
            visit=visit,
            county=order.county,
            employer=order.employer,
            facts=facts,
            claims=claims,
            opened_on=opened_on,
        )
        order.wage_case = case
    elif kind == "complaint":
        case = _open_complaint(
            by=by,
            visit=visit,
            county=order.county,
            employer=order.employer,
            facts=facts,
            categories=categories,
            opened_on=opened_on,
        )
        order.complaint = case
    else:
        raise field_error("kind", _("请选择立案类型。"), "invalid_choice")
    with acting_as(by):
        order.status = OrderStatus.ESCALATED
        order.save(update_fields=["status", "complaint", "wage_case", "updated_at"])
        _order_event(order, by, "open_case", opened_on, data={"kind": kind, "case": case.number})
    return case


# Annual written reviews ----------------------------------------------------------------------


@dataclass
class ReviewInput:
    employer: Employer
    year: int
    submitted_on: dt.date
    workers: int
    contracts_signed: int
    insured_workers: int
    wages_total: Any
    wages_on_time: bool = True
    lowest_monthly_wage: Any = None
    note: str = ""


@transaction.atomic
def review_submit(*, by: User, data: ReviewInput, county: Region | None = None) -> AnnualReview:
    """Record an employer's yearly written submission for `year` (one per employer and year)."""
    from wagecases.services import money

    roles.require(by, "inspections.record")
    county = _county(by, county)
    _employer(by, data.employer, county)
    today = timezone.localdate()
    if isinstance(data.year, bool) or not isinstance(data.year, int) or not 2000 <= data.year <= today.year:
        raise field_error("year", _("审查年度不正确。"), "invalid")
    if data.submitted_on > today:
        raise field_error("submitted_on", _("报送日期不能晚于今天。"), "date_in_future")
    if data.submitted_on.year < data.year:
        raise field_error("submitted_on", _("报送日期不能早于审查年度。"), "date_order")
    workers = _count(data.workers, "workers")
    contracts = _count(data.contracts_signed, "contracts_signed")
    insured = _count(data.insured_workers, "insured_workers")
    if contracts > workers:
        raise field_error("contracts_signed", _("签订劳动合同人数不能多于职工人数。"), "more_than_workers")
    if insured > workers:
        raise field_error("insured_workers", _("参保人数不能多于职工人数。"), "more_than_workers")
    wages_total = money(data.wages_total, "wages_total", limit=MAX_AMOUNT)
    lowest = None
    if data.lowest_monthly_wage not in (None, ""):
        lowest = money(data.lowest_monthly_wage, "lowest_monthly_wage", limit=Decimal("1000000"))
    duplicate = field_error("year", _("该单位本年度的书面审查已登记。"), "duplicate")
    if AnnualReview.objects.filter(employer=data.employer, year=data.year).exists():
        raise duplicate
    review = AnnualReview(
        county=county,
        employer=data.employer,
        year=data.year,
        submitted_on=data.submitted_on,
        workers=workers,
        contracts_signed=contracts,
        insured_workers=insured,
        wages_total=wages_total,
        wages_on_time=bool(data.wages_on_time),
        lowest_monthly_wage=lowest,
        note=(data.note or "").strip()[:4000],
        created_by=by,
    )
    try:
        with acting_as(by), transaction.atomic():
            review.save(force_insert=True)
    except IntegrityError:  # the same submission, recorded meanwhile by another request
        raise duplicate from None
    return review


@transaction.atomic
def review_decide(
    *,
    by: User,
    review: AnnualReview,
    result: str,
    opinion: str = "",
    on_date: dt.date | None = None,
    order_items: Sequence[str] = (),
    deadline_days: int | None = None,
) -> AnnualReview:
    """Review a submission: passed, rectify (限期整改, optionally with an order) or failed. A
    review to rectify may be decided again once the employer corrected (passed or failed)."""
    roles.require(by, "inspections.record")
    review = AnnualReview.objects.visible_to(by).select_for_update(of=("self",)).get(pk=review.pk)
    if review.result not in (ReviewResult.PENDING, ReviewResult.RECTIFY):
        raise InvalidState(
            _("该书面审查已作出“%(result)s”结论。") % {"result": review.get_result_display()}, "review_decided"
        )
    if result not in (ReviewResult.PASSED, ReviewResult.RECTIFY, ReviewResult.FAILED) or result == review.result:
        raise field_error("result", _("请选择审查结论。"), "invalid_choice")
    on_date = on_date or timezone.localdate()
    if on_date > timezone.localdate():
        raise field_error("on_date", _("审查日期不能晚于今天。"), "date_in_future")
    if on_date < review.submitted_on:
        raise field_error("on_date", _("审查日期不能早于报送日期。"), "date_order")
    if review.reviewed_on is not None and on_date < review.reviewed_on:
        # decided again after 限期整改: not before that first decision
        raise field_error(
            "on_date",
            _("审查日期不能早于上次审查结论的日期（%(date)s）。") % {"date": review.reviewed_on.isoformat()},
            "date_order",
        )
    opinion = (opinion or "").strip()
    if result != ReviewResult.PASSED and not opinion:
        raise field_error("opinion", _("请填写审查意见。"), "required")
    if order_items and result != ReviewResult.RECTIFY:
        raise field_error("order_items", _("只有“限期整改”的结论才下达整改指令。"), "invalid")
    with acting_as(by):
        review.result, review.opinion, review.reviewed_by, review.reviewed_on = result, opinion[:4000], by, on_date
        review.save(update_fields=["result", "opinion", "reviewed_by", "reviewed_on", "updated_at"])
        if order_items:
            _issue_order(
                by=by,
                county=review.county,
                employer=review.employer,
                items=order_items,
                items_field="order_items",
                served_on=on_date,
                deadline_days=deadline_days if deadline_days is not None else 0,
                earliest=review.submitted_on,
                review=review,
            )
    return review


# Targets -------------------------------------------------------------------------------------


@transaction.atomic
def patrol_target_set(*, by: User, year: int, patrols: int, county: Region | None = None) -> PatrolTarget:
    roles.require(by, "inspections.plan")
    county = _county(by, county)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        raise field_error("year", _("年度不正确。"), "invalid")
    patrols = _count(patrols, "patrols")
    with acting_as(by):
        target, _created = PatrolTarget.objects.update_or_create(
            county=county, year=year, defaults={"patrols": patrols, "set_by": by}
        )
    return target

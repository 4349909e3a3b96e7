from decimal import Decimal

from inspections import services
from inspections.models import OrderStatus, WagesOnTime
from tests.inspections.conftest import now


def test_visit_order_followup_case(staff, campaign_a, make_visit, make_order, workers_a, wages):
    visit = make_visit(
        campaign=campaign_a,
        answers={"real_name": True, "special_account": False, "paid_by_bank": True},
        workers_on_site=10,
        contracts_found=6,
        contracts_urged=4,
        wages_on_time=WagesOnTime.NO,
        workers_unpaid=2,
        amount_unpaid="5000.50",
    )
    assert visit.template.version == 1
    order = make_order(visit=visit, days_ago=20)
    assert order.due_on > order.served_on
    later = make_visit(visited_at=now())
    items = list(order.items.all())
    order = services.order_follow_up(
        by=staff["inspector_a"],
        order=order,
        visit=later,
        results=[services.ItemResult(items[0], True), services.ItemResult(items[1], False)],
    )
    assert order.status in (OrderStatus.UNMET, OrderStatus.OPEN)
    case = services.visit_open_case(
        by=staff["inspector_a"], visit=visit, kind="wage", claims=[(workers_a[0], Decimal("5000.50"), None, None)]
    )
    assert case.number
    c2 = services.visit_open_case(by=staff["inspector_a"], visit=visit, kind="complaint", categories=[wages])
    assert c2.status == "accepted"

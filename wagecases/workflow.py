"""The wage-case lifecycle, written once: which act is allowed from which status.

A case is open until it is closed, either paid (nothing outstanding) or with the remainder
transferred (arbitration, court, public security). Money acts happen on open cases only; a
worker's receipt may still be confirmed after closure (it records a fact, not money).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wagecases.models import Status

ALL = frozenset(Status.values)
OPEN = frozenset({Status.OPEN})


@dataclass(frozen=True)
class Act:
    name: str
    label: object
    sources: frozenset[str]


ACTS: dict[str, Act] = {
    act.name: act
    for act in [
        Act("open", _("立案"), frozenset()),
        Act("assign", _("指派承办监察员"), OPEN),
        Act("add_claim", _("增加劳动者"), OPEN),
        Act("link_project", _("关联工程项目"), OPEN),
        Act("order_payment", _("责令限期支付"), OPEN),
        Act("order_contractor", _("责令总包先行清偿"), OPEN),
        Act("mark_incident", _("登记群体性或极端事件"), OPEN),
        Act("confirm_claim", _("核定欠薪金额"), OPEN),
        Act("record_payment", _("登记追发款项"), OPEN),
        Act("reverse_payment", _("冲销款项"), OPEN),
        Act("close", _("结案"), OPEN),
        Act("confirm_receipt", _("确认收款"), ALL),
    ]
}


def allowed_from(status: str) -> list[Act]:
    return [act for act in ACTS.values() if status in act.sources]


def label(action: str) -> str:
    """The label of a timeline entry (an act, or "open")."""
    act = ACTS.get(action)
    return str(act.label) if act else action

"""The complaint lifecycle, written once: which act is allowed from which status, by which
roles, and where it leads. Services consult this table; a test walks every status x act pair.

Acts that do not change the status (an investigation step, a rectification order, ...) have
`to=None`. `assigned_only` acts are for the inspectors assigned to the case (and heads).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bureau.models import Role
from complaints.models import Status

S = Status
WINDOW, INSPECTOR = Role.WINDOW, Role.INSPECTOR
HEADS = frozenset({Role.BRIGADE_HEAD, Role.BUREAU_HEAD})
INTAKE = frozenset({WINDOW, INSPECTOR, *HEADS})
INVESTIGATORS = frozenset({INSPECTOR, *HEADS})

INVESTIGATING = frozenset({S.ACCEPTED, S.EXTENSION_REQUESTED})


@dataclass(frozen=True)
class Act:
    name: str
    label: object
    sources: frozenset[str]
    to: str | None
    roles: frozenset[str]
    needs_reason: bool = False
    assigned_only: bool = False


ACTS: dict[str, Act] = {
    act.name: act
    for act in [
        Act(
            "request_supplement",
            _("要求补正"),
            frozenset({S.REGISTERED}),
            S.SUPPLEMENT_REQUESTED,
            INTAKE,
            needs_reason=True,
        ),
        Act("receive_supplement", _("收到补正材料"), frozenset({S.SUPPLEMENT_REQUESTED}), S.REGISTERED, INTAKE),
        Act("accept", _("受理立案"), frozenset({S.REGISTERED}), S.ACCEPTED, INTAKE),
        Act(
            "request_refusal",
            _("提请不予受理"),
            frozenset({S.REGISTERED, S.SUPPLEMENT_REQUESTED}),
            S.REFUSAL_REQUESTED,
            INTAKE,
            needs_reason=True,
        ),
        Act("approve_refusal", _("批准不予受理"), frozenset({S.REFUSAL_REQUESTED}), S.NOT_ACCEPTED, HEADS),
        Act(
            "reject_refusal",
            _("驳回不予受理"),
            frozenset({S.REFUSAL_REQUESTED}),
            S.REGISTERED,
            HEADS,
            needs_reason=True,
        ),
        Act(
            "refer",
            _("告知/转交他处"),
            frozenset({S.REGISTERED, S.SUPPLEMENT_REQUESTED}),
            S.REFERRED,
            INTAKE,
            needs_reason=True,
        ),
        Act("assign", _("指派监察员"), frozenset({S.REGISTERED, S.SUPPLEMENT_REQUESTED, *INVESTIGATING}), None, HEADS),
        Act("record_step", _("记录调查"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("order_rectification", _("责令改正"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("record_rectification", _("记录整改结果"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("record_mediation", _("记录调解"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("notify_penalty", _("行政处罚事先告知"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("decide_penalty", _("作出处罚决定"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True),
        Act("transfer", _("移送"), INVESTIGATING, None, INVESTIGATORS, assigned_only=True, needs_reason=True),
        Act(
            "request_extension",
            _("申请延期"),
            frozenset({S.ACCEPTED}),
            S.EXTENSION_REQUESTED,
            INVESTIGATORS,
            assigned_only=True,
            needs_reason=True,
        ),
        Act("approve_extension", _("批准延期"), frozenset({S.EXTENSION_REQUESTED}), S.ACCEPTED, HEADS),
        Act(
            "reject_extension", _("驳回延期"), frozenset({S.EXTENSION_REQUESTED}), S.ACCEPTED, HEADS, needs_reason=True
        ),
        # not while an extension awaits a decision: the head decides that first
        Act(
            "request_closure",
            _("提请结案"),
            frozenset({S.ACCEPTED}),
            S.CLOSURE_REQUESTED,
            INVESTIGATORS,
            assigned_only=True,
        ),
        Act("approve_closure", _("批准结案"), frozenset({S.CLOSURE_REQUESTED}), S.CLOSED, HEADS),
        Act("reject_closure", _("退回结案"), frozenset({S.CLOSURE_REQUESTED}), S.ACCEPTED, HEADS, needs_reason=True),
        Act("follow_up", _("回访"), frozenset({S.CLOSED}), S.FOLLOWED_UP, INTAKE),
        Act(
            "withdraw",
            _("投诉人撤回"),
            frozenset({S.REGISTERED, S.SUPPLEMENT_REQUESTED, S.REFUSAL_REQUESTED, *INVESTIGATING}),
            S.WITHDRAWN,
            INTAKE,
            needs_reason=True,
        ),
    ]
}

TERMINAL = frozenset({S.NOT_ACCEPTED, S.REFERRED, S.FOLLOWED_UP, S.WITHDRAWN})
OPEN = frozenset(set(Status.values) - TERMINAL - {S.CLOSED})


def allowed_from(status: str) -> list[Act]:
    return [act for act in ACTS.values() if status in act.sources]

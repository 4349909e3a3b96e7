"""Output serializers of the wage-case API: a list row, the case page and what it holds, the
worker view, the labels of the choices. Inputs are in inputs.py.

Amounts are strings with two decimals ("1234.50"). Fields holding a choice are plain strings
with a `*_display` label beside them (their values are listed by `wage-cases/choices/`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.api.serializers import RegionRefSerializer
from bureau.identifiers import mask_id_number
from bureau.models import Worker
from complaints.api.serializers import EmployerRefSerializer, UserRefSerializer
from wagecases import selectors, workflow
from wagecases.models import Allocation, Claim, Event, Payment, Project, WageCase


def money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2, **kwargs)


# --- totals ---------------------------------------------------------------------------------


class WageTotalsSerializer(serializers.Serializer):
    """The sums over a case's claims (or a worker's). Money of reversed payments does not count."""

    workers = serializers.IntegerField(read_only=True, help_text=_("劳动者人数（欠薪请求数）"))
    unconfirmed = serializers.IntegerField(read_only=True, help_text=_("欠薪金额尚未核定的人数"))
    claimed = money_field(help_text=_("诉求金额合计"))
    confirmed = money_field(help_text=_("已核定的欠薪金额合计"))
    wages_paid = money_field(help_text=_("已追发工资"))
    compensation_paid = money_field(help_text=_("已支付加付赔偿金"))
    interest_paid = money_field(help_text=_("已支付利息"))
    total_paid = money_field(help_text=_("已追发合计（工资、赔偿金、利息）"))
    outstanding = money_field(help_text=_("尚欠工资：已核定金额减已追发工资"))
    workers_paid = serializers.IntegerField(read_only=True, help_text=_("已追发到工资的人数"))
    fully_paid = serializers.BooleanField(read_only=True, help_text=_("全部核定且工资已全部清偿"))


def totals_data(totals: selectors.Totals) -> dict[str, Any]:
    """A `selectors.Totals` in the shape of WageTotalsSerializer."""
    return {
        "workers": totals.claims,
        "unconfirmed": totals.unconfirmed,
        "claimed": totals.claimed,
        "confirmed": totals.confirmed,
        "wages_paid": totals.wages_paid,
        "compensation_paid": totals.compensation_paid,
        "interest_paid": totals.interest_paid,
        "total_paid": totals.total_paid,
        "outstanding": totals.outstanding,
        "workers_paid": totals.workers_paid,
        "fully_paid": totals.fully_paid,
    }


def row_totals(case: Any) -> dict[str, Any]:
    """The same figures from the annotations of `selectors.cases_with_totals()`."""
    figures = {
        name: getattr(case, name)
        for name in (
            "workers",
            "unconfirmed",
            "claimed",
            "confirmed",
            "wages_paid",
            "compensation_paid",
            "interest_paid",
            "total_paid",
            "outstanding",
            "workers_paid",
        )
    }
    figures["fully_paid"] = (
        figures["workers"] > 0 and figures["unconfirmed"] == 0 and figures["outstanding"] == Decimal("0.00")
    )
    return figures


# --- references -----------------------------------------------------------------------------


class WageProjectRefSerializer(serializers.ModelSerializer[Project]):
    general_contractor = EmployerRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "name", "general_contractor"]


class WageComplaintRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


class WageWorkerRefSerializer(serializers.ModelSerializer[Worker]):
    """A worker on a case: ID number masked as in the worker list (full values through
    /workers/{id}/identity/, recorded)."""

    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = ["id", "name", "id_number"]

    def get_id_number(self, obj: Worker) -> str:
        return mask_id_number(obj.id_number)


class WageRefSerializer(serializers.Serializer):
    """An object by id and name (a project, a paying employer, a worker)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- list row -------------------------------------------------------------------------------


class WageCaseRowSerializer(serializers.ModelSerializer[WageCase]):
    """A case as lists show it. Needs `selectors.cases_with_totals()` (the totals) with the
    employer, county and project joined and the inspectors prefetched."""

    status = serializers.CharField(read_only=True, help_text=_("open、closed_paid、closed_transferred"))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    source = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text=_("complaint、inspection、direct")
    )
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    county = RegionRefSerializer(read_only=True)
    employer = EmployerRefSerializer(read_only=True)
    project = serializers.SerializerMethodField()
    inspectors = UserRefSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = WageCase
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "source",
            "source_display",
            "county",
            "opened_on",
            "closed_on",
            "employer",
            "project",
            "inspectors",
            "payment_due",
            "mass_incident",
            "totals",
        ]

    @extend_schema_field(WageRefSerializer(allow_null=True))
    def get_project(self, obj: WageCase) -> dict[str, Any] | None:
        if obj.project is None:
            return None
        return {"id": obj.project.pk, "name": obj.project.name}

    @extend_schema_field(WageTotalsSerializer())
    def get_totals(self, obj: WageCase) -> dict[str, Any]:
        return dict(WageTotalsSerializer(row_totals(obj)).data)


# --- case page ------------------------------------------------------------------------------


class WageClaimSerializer(serializers.ModelSerializer[Claim]):
    """One worker's claim with what he received (context `claim_totals`: {claim id: ClaimTotals})."""

    worker = WageWorkerRefSerializer(read_only=True)
    amount_claimed = money_field()
    amount_confirmed = money_field(allow_null=True, help_text=_("核定欠薪金额；未核定为 null"))
    confirmed_by = UserRefSerializer(read_only=True, allow_null=True)
    wages_paid = serializers.SerializerMethodField()
    compensation_paid = serializers.SerializerMethodField()
    interest_paid = serializers.SerializerMethodField()
    total_paid = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField(help_text=_("核定金额减已追发工资；未核定为 null"))

    class Meta:
        model = Claim
        fields = [
            "id",
            "worker",
            "amount_claimed",
            "amount_confirmed",
            "period_from",
            "period_to",
            "confirmed_by",
            "confirmed_at",
            "wages_paid",
            "compensation_paid",
            "interest_paid",
            "total_paid",
            "outstanding",
        ]

    def _figures(self, obj: Claim) -> selectors.ClaimTotals:
        figures: selectors.ClaimTotals = self.context["claim_totals"][obj.pk]
        return figures

    @extend_schema_field(money_field())
    def get_wages_paid(self, obj: Claim) -> str:
        return _money(self._figures(obj).wages_paid)

    @extend_schema_field(money_field())
    def get_compensation_paid(self, obj: Claim) -> str:
        return _money(self._figures(obj).compensation_paid)

    @extend_schema_field(money_field())
    def get_interest_paid(self, obj: Claim) -> str:
        return _money(self._figures(obj).interest_paid)

    @extend_schema_field(money_field())
    def get_total_paid(self, obj: Claim) -> str:
        return _money(self._figures(obj).total_paid)

    @extend_schema_field(money_field(allow_null=True))
    def get_outstanding(self, obj: Claim) -> str | None:
        outstanding = self._figures(obj).outstanding
        return None if outstanding is None else _money(outstanding)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


class WageAllocationSerializer(serializers.ModelSerializer[Allocation]):
    worker = serializers.SerializerMethodField()
    amount = money_field()
    kind = serializers.CharField(read_only=True, help_text=_("wages：工资；compensation：加付赔偿金；interest：利息"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    receipt_confirmed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "claim",
            "worker",
            "amount",
            "kind",
            "kind_display",
            "receipt_confirmed_at",
            "receipt_confirmed_by",
        ]

    @extend_schema_field(WageRefSerializer())
    def get_worker(self, obj: Allocation) -> dict[str, Any]:
        return {"id": obj.claim.worker_id, "name": obj.claim.worker.name}


class WagePaymentSerializer(serializers.ModelSerializer[Payment]):
    amount = money_field()
    payer = serializers.CharField(read_only=True)
    payer_display = serializers.CharField(source="get_payer_display", read_only=True)
    payer_employer = WageRefSerializer(read_only=True, allow_null=True)
    method = serializers.CharField(read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    reversed = serializers.BooleanField(source="is_reversed", read_only=True, help_text=_("已冲销：不再计入"))
    reversed_by = UserRefSerializer(read_only=True, allow_null=True)
    allocations = WageAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "paid_on",
            "amount",
            "payer",
            "payer_display",
            "payer_employer",
            "method",
            "method_display",
            "evidence",
            "recorded_by",
            "recorded_at",
            "reversed",
            "reversed_at",
            "reversed_by",
            "reversal_reason",
            "allocations",
        ]


class WageRecoverySerializer(serializers.Serializer):
    started_on = serializers.DateField(read_only=True, help_text=_("收到投诉的日期，非投诉案件为立案日期"))
    first_paid_on = serializers.DateField(read_only=True, allow_null=True)
    full_paid_on = serializers.DateField(read_only=True, allow_null=True, help_text=_("工资全部清偿的日期"))
    days_to_first = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("工作日数"))
    days_to_full = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("工作日数"))
    provisional = serializers.BooleanField(
        read_only=True, help_text=_("计算用到了尚未载入官方节假日安排的年份，按周一至周五暂算")
    )


class WageEventSerializer(serializers.ModelSerializer[Event]):
    action_label = serializers.SerializerMethodField()
    by = UserRefSerializer(read_only=True, allow_null=True, help_text=_("null：系统"))

    class Meta:
        model = Event
        fields = ["id", "action", "action_label", "by", "at", "on_date", "note", "data"]

    def get_action_label(self, obj: Event) -> str:
        return workflow.label(obj.action)


class WageActSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class WageCaseDetailSerializer(WageCaseRowSerializer):
    """A case page. The view puts into the context what is computed beside the case:
    `claim_totals`, `totals`, `recovery`, `allowed_acts`."""

    project = WageProjectRefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]
    complaint = serializers.SerializerMethodField()
    transferred_to = serializers.CharField(read_only=True, help_text=_("移送机关；未移送为空"))
    transferred_to_display = serializers.CharField(source="get_transferred_to_display", read_only=True)
    claims = serializers.SerializerMethodField()
    payments = WagePaymentSerializer(many=True, read_only=True)
    recovery = serializers.SerializerMethodField()
    events = WageEventSerializer(many=True, read_only=True)
    allowed_acts = serializers.SerializerMethodField()
    created_by = UserRefSerializer(read_only=True)

    class Meta(WageCaseRowSerializer.Meta):
        fields = [
            *WageCaseRowSerializer.Meta.fields,
            "complaint",
            "payment_ordered_on",
            "contractor_ordered_on",
            "transferred_to",
            "transferred_to_display",
            "transfer_note",
            "claims",
            "payments",
            "recovery",
            "events",
            "allowed_acts",
            "created_by",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(WageComplaintRefSerializer(allow_null=True))
    def get_complaint(self, obj: WageCase) -> dict[str, Any] | None:
        complaint = obj.complaint
        if complaint is None:
            return None
        return {"id": complaint.pk, "number": complaint.number}

    @extend_schema_field(WageClaimSerializer(many=True))
    def get_claims(self, obj: WageCase) -> list[dict[str, Any]]:
        return list(WageClaimSerializer(obj.claims.all(), many=True, context=self.context).data)

    @extend_schema_field(WageTotalsSerializer())
    def get_totals(self, obj: WageCase) -> dict[str, Any]:
        return dict(WageTotalsSerializer(totals_data(self.context["totals"])).data)

    @extend_schema_field(WageRecoverySerializer())
    def get_recovery(self, obj: WageCase) -> dict[str, Any]:
        return dict(WageRecoverySerializer(self.context["recovery"]).data)

    @extend_schema_field(WageActSerializer(many=True))
    def get_allowed_acts(self, obj: WageCase) -> list[dict[str, str]]:
        return [{"name": name, "label": str(workflow.ACTS[name].label)} for name in self.context["allowed_acts"]]


# --- worker view ----------------------------------------------------------------------------


class WageWorkerRowSerializer(WageWorkerRefSerializer):
    cases = serializers.IntegerField(read_only=True, help_text=_("您辖区内涉及该劳动者的欠薪案件数"))

    class Meta(WageWorkerRefSerializer.Meta):
        fields = [*WageWorkerRefSerializer.Meta.fields, "cases"]


class WageWorkerCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(read_only=True)
    opened_on = serializers.DateField(read_only=True)
    employer = EmployerRefSerializer(read_only=True)


class WageWorkerClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(read_only=True)
    case = WageWorkerCaseSerializer(read_only=True)
    claimed = money_field()
    confirmed = money_field(allow_null=True)
    wages_paid = money_field()
    compensation_paid = money_field()
    interest_paid = money_field()
    total_paid = money_field()
    outstanding = money_field(allow_null=True)


class WageSummarySerializer(WageTotalsSerializer):
    """`workers` and `workers_paid` count claims (a worker on two cases twice); `people` and
    `people_paid` count distinct workers."""

    cases = serializers.IntegerField(read_only=True, help_text=_("案件数"))
    people = serializers.IntegerField(read_only=True, help_text=_("涉及劳动者人数（去重）"))
    people_paid = serializers.IntegerField(read_only=True, help_text=_("已追发到工资的劳动者人数（去重）"))


class WageWorkerTotalsSerializer(WageTotalsSerializer):
    cases = serializers.IntegerField(read_only=True)


class WageWorkerSerializer(serializers.Serializer):
    """Every claim of one worker on the wage cases the user may see, and their sums."""

    worker = WageWorkerRefSerializer(read_only=True)
    claims = WageWorkerClaimSerializer(many=True, read_only=True)
    totals = WageWorkerTotalsSerializer(read_only=True)


def worker_data(worker: Worker, figures: selectors.WorkerTotals, cases: dict[int, WageCase]) -> dict[str, Any]:
    """The worker view: `cases` maps the case ids of `figures.claims` to the cases."""
    claims = []
    for row in figures.claims:
        case = cases[row.case_id]
        claims.append(
            {
                "claim": row.claim_id,
                "case": {
                    "id": case.pk,
                    "number": case.number,
                    "status": case.status,
                    "status_display": case.get_status_display(),
                    "opened_on": case.opened_on,
                    "employer": case.employer,
                },
                "claimed": row.claimed,
                "confirmed": row.confirmed,
                "wages_paid": row.wages_paid,
                "compensation_paid": row.compensation_paid,
                "interest_paid": row.interest_paid,
                "total_paid": row.total_paid,
                "outstanding": row.outstanding,
            }
        )
    totals = {**totals_data(figures.totals), "cases": figures.totals.cases}
    return dict(WageWorkerSerializer({"worker": worker, "claims": claims, "totals": totals}).data)


# --- choices --------------------------------------------------------------------------------


class WageChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class WageChoicesSerializer(serializers.Serializer):
    statuses = WageChoiceSerializer(many=True)
    sources = WageChoiceSerializer(many=True)
    payers = WageChoiceSerializer(many=True)
    methods = WageChoiceSerializer(many=True)
    allocation_kinds = WageChoiceSerializer(many=True)
    transfer_targets = WageChoiceSerializer(many=True)
    acts = WageChoiceSerializer(many=True, help_text=_("办理记录和可执行操作的名称"))

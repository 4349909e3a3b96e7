"""The built-in campaign types and the first version of each type's checklist, loaded by a data
migration. Administrators add types and publish new checklist versions in the admin or the
API; these first versions stay as they are (visits answered with them keep them)."""

from __future__ import annotations

from typing import Any


def _item(key: str, label: str, kind: str, required: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "kind": kind, "required": required}


BUILTIN_TYPES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "migrant_wages",
        "农民工工资支付",
        [
            _item("real_name", "是否实行劳务用工实名制管理", "yes_no", True),
            _item("special_account", "是否开设农民工工资专用账户", "yes_no", True),
            _item("deposit", "是否按规定存储工资保证金", "yes_no"),
            _item("paid_by_bank", "是否由银行代发工资到农民工本人账户", "yes_no", True),
            _item("wage_notice", "施工现场是否设置维权信息告示牌", "yes_no"),
            _item("payroll_months", "核查工资支付台账月数", "number"),
            _item("notice_photo", "维权信息告示牌照片", "photo"),
        ],
    ),
    (
        "hr_market",
        "人力资源市场秩序",
        [
            _item("licence", "是否持有人力资源服务许可证", "yes_no", True),
            _item("fee_disclosed", "收费项目和标准是否公示", "yes_no"),
            _item("false_ads", "是否发布虚假招聘信息", "yes_no", True),
            _item("deposits_taken", "是否向求职者收取押金", "yes_no"),
            _item("licence_photo", "许可证照片", "photo"),
        ],
    ),
    (
        "annual_review",
        "劳动用工年检（书面审查）",
        [
            _item("roster", "是否建立职工名册", "yes_no", True),
            _item("contracts_filed", "劳动合同是否备案", "yes_no"),
            _item("insurance_paid", "是否按时足额缴纳社会保险费", "yes_no", True),
            _item("working_hours", "工时制度是否符合规定", "yes_no"),
        ],
    ),
    (
        "child_labour",
        "禁止使用童工和未成年工保护",
        [
            _item("id_checked", "招用人员时是否核查身份证件", "yes_no", True),
            _item("minors", "在岗未成年工（16-18周岁）人数", "number"),
            _item("minors_registered", "未成年工是否办理登记", "yes_no"),
            _item("minors_health", "是否定期为未成年工体检", "yes_no"),
        ],
    ),
    (
        "illegal_employment",
        "非法用工专项整治",
        [
            _item("business_licence", "是否依法取得营业执照", "yes_no", True),
            _item("roster_kept", "是否建立职工名册", "yes_no"),
            _item("licence_photo", "营业执照照片", "photo"),
        ],
    ),
    (
        "minimum_wage",
        "最低工资标准执行",
        [
            _item("standard_known", "是否公示当地最低工资标准", "yes_no"),
            _item("lowest_wage", "查见的最低月工资（元）", "amount", True),
            _item("below_standard", "低于最低工资标准的人数", "number", True),
        ],
    ),
    (
        "contract_law",
        "劳动合同法执行情况",
        [
            _item("contracts_in_month", "是否在用工之日起一个月内订立书面劳动合同", "yes_no", True),
            _item("probation_ok", "试用期约定是否符合规定", "yes_no"),
            _item("dispatch_share", "被派遣劳动者占用工总量比例是否超过10%", "yes_no"),
            _item("double_pay", "未签合同应付二倍工资的人数", "number"),
        ],
    ),
    (
        "public_body_staff",
        "机关事业单位编外用工",
        [
            _item("contracts_signed", "编外人员是否全部签订劳动合同", "yes_no", True),
            _item("insurance_paid", "是否为编外人员缴纳社会保险", "yes_no", True),
            _item("equal_pay", "是否存在同工不同酬的情况", "yes_no"),
            _item("staff_count", "编外人员人数", "number"),
        ],
    ),
    (
        "routine",
        "日常巡查（综合）",
        [
            _item("roster", "是否建立职工名册", "yes_no"),
            _item("wages_on_time", "工资是否按月足额支付", "yes_no"),
            _item("rest_days", "是否保障职工休息休假", "yes_no"),
            _item("site_photo", "现场照片", "photo"),
        ],
    ),
]


def _load(campaign_type_model: Any, template_model: Any) -> int:
    created = 0
    for index, (code, name, items) in enumerate(BUILTIN_TYPES):
        campaign_type, _ = campaign_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "ordering": (index + 1) * 10}
        )
        if not template_model.objects.filter(campaign_type=campaign_type).exists():
            template_model.objects.create(campaign_type=campaign_type, version=1, items=items, note="初始版本")
            created += 1
    return created


def load_builtin(apps: Any, schema_editor: Any) -> None:
    """Data migration: the built-in types with version 1 of their checklists (kept if present)."""
    _load(apps.get_model("inspections", "CampaignType"), apps.get_model("inspections", "ChecklistTemplate"))


def ensure_builtin() -> int:
    """The same, with the current models: puts the built-in types back where a test run (or a
    database restored without them) emptied the table. Returns how many checklists it added."""
    from inspections.models import CampaignType, ChecklistTemplate

    return _load(CampaignType, ChecklistTemplate)

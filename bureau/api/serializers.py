from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau import roles
from bureau.api.base import AnyRegionField, ScopedRegionField, StrictInputSerializer
from bureau.identifiers import (
    PROVINCE_PREFIXES,
    format_phone,
    mask_id_number,
    mask_phone,
    normalize_phone,
    parse_id_number,
    validate_credit_code,
)
from bureau.models import Employer, EmployerSize, EmployerType, Industry, Region, RegionLevel, User, Worker


def _county_or_below(region: Region) -> Region:
    if region.level < RegionLevel.COUNTY:
        raise serializers.ValidationError(_("请选择县（区）或以下的区划。"), code="region_level")
    return region


class RegionSerializer(serializers.ModelSerializer[Region]):
    # A declared field named `parent` shadows Field.parent for the type checker only: DRF
    # moves declared fields off the class.
    parent = serializers.SlugRelatedField[Region](slug_field="code", read_only=True)  # type: ignore[assignment]
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent"]


class RegionRefSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name"]


class EmployerSerializer(serializers.ModelSerializer[Employer]):
    region = RegionRefSerializer(read_only=True)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    industry_display = serializers.CharField(source="get_industry_display", read_only=True)
    size_display = serializers.CharField(source="get_size_display", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Employer
        fields = [
            "id",
            "credit_code",
            "name",
            "legal_representative",
            "type",
            "type_display",
            "industry",
            "industry_display",
            "size",
            "size_display",
            "employee_count",
            "address",
            "region",
            "contact_person",
            "phone",
            "created_at",
            "updated_at",
        ]

    def get_phone(self, obj: Employer) -> str:
        return format_phone(obj.phone)


class EmployerInputSerializer(StrictInputSerializer):
    credit_code = serializers.CharField(label=_("统一社会信用代码"), max_length=30)
    name = serializers.CharField(label=_("单位名称"), max_length=200)
    legal_representative = serializers.CharField(label=_("法定代表人"), max_length=50, required=False, allow_blank=True)
    type = serializers.ChoiceField(label=_("单位类型"), choices=EmployerType.choices, required=False)
    industry = serializers.ChoiceField(label=_("行业门类"), choices=Industry.choices, required=False, allow_blank=True)
    size = serializers.ChoiceField(label=_("规模"), choices=EmployerSize.choices, required=False, allow_blank=True)
    employee_count = serializers.IntegerField(
        label=_("职工人数"), min_value=0, max_value=10_000_000, required=False, allow_null=True
    )
    address = serializers.CharField(label=_("地址"), max_length=255, required=False, allow_blank=True)
    region = ScopedRegionField(label=_("所在区划"))
    contact_person = serializers.CharField(label=_("联系人"), max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(label=_("联系电话"), max_length=30, required=False, allow_blank=True)

    # The checks below are the services' own (which run again on save); running them here too
    # reports every error of a form at once instead of one after another.
    def validate_credit_code(self, value: str) -> str:
        return validate_credit_code(value)

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)

    def validate_region(self, value: Region) -> Region:
        return _county_or_below(value)


class WorkerSerializer(serializers.ModelSerializer[Worker]):
    """A worker as lists and details show him: ID number and phone masked, no birth date
    (with the birth date, the masked ID number could be rebuilt). The full values are
    served by the identity endpoint, to roles that need them, and each read is recorded."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField()
    sex_display = serializers.CharField(source="get_sex_display", read_only=True)
    home_region = RegionRefSerializer(read_only=True)

    class Meta:
        model = Worker
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "sex_display",
            "age",
            "phone",
            "home_region",
            "address",
            "migrant",
            "warnings",
            "created_at",
            "updated_at",
        ]

    warnings = serializers.SerializerMethodField()

    def get_id_number(self, obj: Worker) -> str:
        return mask_id_number(obj.id_number)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_warnings(self, obj: Worker) -> list[dict[str, str]]:
        """Things to check that are not errors: an ID number whose area code is not a
        province of GB/T 2260 (retired codes exist, so it is accepted)."""
        if obj.id_number[:2] in PROVINCE_PREFIXES:
            return []
        return [
            {
                "field": "id_number",
                "code": "id_number_area_unknown",
                "message": str(_("身份证号码的地区代码不是有效的省级代码（可能是已撤销的旧代码），请与证件核对。")),
            }
        ]

    def get_phone(self, obj: Worker) -> str:
        return mask_phone(obj.phone)

    def get_age(self, obj: Worker) -> int:
        today = timezone.localdate()
        born = obj.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class WorkerIdentitySerializer(serializers.ModelSerializer[Worker]):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = ["id", "name", "id_number", "birth_date", "sex", "phone"]

    def get_phone(self, obj: Worker) -> str:
        return format_phone(obj.phone)


class WorkerInputSerializer(StrictInputSerializer):
    name = serializers.CharField(label=_("姓名"), max_length=50)
    id_number = serializers.CharField(label=_("身份证号码"), max_length=30)
    phone = serializers.CharField(label=_("手机/电话"), max_length=30, required=False, allow_blank=True)
    home_region = AnyRegionField(label=_("户籍地"), required=False, allow_null=True)
    address = serializers.CharField(label=_("现住址"), max_length=255, required=False, allow_blank=True)
    migrant = serializers.BooleanField(label=_("农民工"), required=False)
    region = ScopedRegionField(label=_("登记区划"), required=False, help_text=_("默认为当前用户所属区划。"))

    def validate_id_number(self, value: str) -> str:
        return parse_id_number(value).value

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)

    def validate_region(self, value: Region) -> Region:
        return _county_or_below(value)


class WorkerUpdateSerializer(WorkerInputSerializer):
    region = None  # type: ignore[assignment]


class MeSerializer(serializers.ModelSerializer[User]):
    region = RegionRefSerializer(read_only=True)
    roles = serializers.SerializerMethodField()
    capabilities = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "region", "roles", "capabilities", "warnings", "is_superuser"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_codes)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_capabilities(self, obj: User) -> list[str]:
        return sorted(c for c in roles.CAPABILITIES if roles.can(obj, c))

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_warnings(self, obj: User) -> list[dict[str, Any]]:
        from bureau.workdays import admin_warnings

        return [{"code": w.code, "message": str(w.message)} for w in admin_warnings(obj)]


CALENDAR_FIRST, CALENDAR_LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
MAX_SPAN_DAYS = 3660


def _calendar_date(value: dt.date) -> dt.date:
    if not CALENDAR_FIRST <= value <= CALENDAR_LAST:
        raise serializers.ValidationError(_("日期应在2000年至2100年之间。"), code="date_out_of_range")
    return value


class WorkdaysQuerySerializer(StrictInputSerializer):
    start = serializers.DateField(label=_("起算日"))
    days = serializers.IntegerField(label=_("工作日数"), min_value=0, max_value=1000, required=False)
    end = serializers.DateField(label=_("截止日"), required=False)

    def validate_start(self, value: dt.date) -> dt.date:
        return _calendar_date(value)

    def validate_end(self, value: dt.date) -> dt.date:
        return _calendar_date(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "end" in attrs and abs((attrs["end"] - attrs["start"]).days) > MAX_SPAN_DAYS:
            raise serializers.ValidationError(
                {"end": [serializers.ErrorDetail(str(_("两个日期相隔不能超过十年。")), code="span_too_long")]}
            )
        if ("days" in attrs) == ("end" in attrs):
            raise serializers.ValidationError(
                _("请给出 days（起算日后第几个工作日）或 end（两日之间有几个工作日）之一。"), code="days_or_end"
            )
        return attrs


class WorkdaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(help_text=_("工作日数（不含起算日）"))
    end = serializers.DateField()
    provisional = serializers.BooleanField(help_text=_("结果用到了尚未载入官方安排的年份，按周一至周五暂算"))

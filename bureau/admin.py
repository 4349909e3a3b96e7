"""The administrator's back office: regions, staff and roles, reference data and the
working-day calendar. Scoped like everything else: an administrator manages his subtree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bureau import roles, workdays
from bureau.identifiers import mask_id_number, mask_phone
from bureau.models import (
    CalendarDay,
    CalendarYear,
    Employer,
    PersonalDataAccess,
    Region,
    StaffRole,
    User,
    Worker,
)


class RolePermissions:
    """Administrators manage bureau's own models through their role, not Django permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.can(request.user, "admin.manage")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage")


class RoleAdmin(RolePermissions, admin.ModelAdmin):
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Region and db_field.name in self.scoped_region_fields:
            kwargs["queryset"] = Region.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    scoped_region_fields: tuple[str, ...] = ()


class ScopedAdmin(RoleAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    """An administrator keeps the divisions below his own region; his own region and its place
    in the tree belong to the level above."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    scoped_region_fields = ("parent",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not request.user.is_superuser and obj.pk == getattr(request.user, "region_id", None):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "parent" in form.base_fields and not request.user.is_superuser:
            form.base_fields["parent"].required = True
        return form


class StaffRoleInline(RolePermissions, admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin):
    list_display = ["username", "name", "region", "is_active", "last_login"]
    list_filter = ["is_active", "staff_roles__role"]
    search_fields = ["username", "name"]
    autocomplete_fields = ["region"]
    inlines = [StaffRoleInline]
    scoped_region_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("工作人员"), {"fields": ("name", "region", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("工作人员"), {"fields": ("name", "region")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        region = getattr(request.user, "region", None)
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path, is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only system operators make system operators.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "is_staff", "last_login", "date_joined"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "region" in form.base_fields and not request.user.is_superuser:
            form.base_fields["region"].required = True
        return form


class ReadOnlyAdmin(ScopedAdmin):
    """Employers and workers are written only through the services (check digits, scope,
    ownership, audit), from the staff pages or the API; the back office lists them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "type", "region"]
    list_filter = ["type", "industry"]
    search_fields = ["name", "credit_code"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    """Masked like the lists of the staff pages: the back office is no way around the
    recorded identity reveal."""

    list_display = ["name", "masked_id_number", "sex", "migrant"]
    search_fields = ["name"]
    fields = ("name", "masked_id_number", "sex", "masked_phone", "home_region", "address", "migrant", "created_at")
    readonly_fields = fields

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj: Worker) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("手机/电话"))
    def masked_phone(self, obj: Worker) -> str:
        return mask_phone(obj.phone)


class CalendarYearForm(forms.ModelForm):
    schedule_file = forms.FileField(
        label=_("假日安排文件"),
        required=False,
        help_text=_(
            "CSV，每行：日期,类型,名称。类型为 holiday（休）或 workday（班）。上传后替换该年全部节假日和调休日。"
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("schedule_file")
        year = data.get("year")
        if not year:
            return data
        if upload:
            try:
                self.parsed_days = workdays.parse_schedule(workdays.decode_schedule(upload.read()), int(year))
            except ValidationError as exc:
                raise ValidationError({"schedule_file": exc.messages}) from None
        elif not CalendarDay.objects.filter(date__year=year).exists():
            raise ValidationError(
                {"schedule_file": _("请上传该年的假日安排文件，或先在“节假日/调休日”中逐日录入后再标记为已载入。")}
            )
        return data


class CalendarAdmin(RoleAdmin):
    """The calendar is national: kept by system operators and city- or province-level
    administrators, not by each county."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.can_manage_calendar(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_manage_calendar(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_manage_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_manage_calendar(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_manage_calendar(request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    form = CalendarYearForm
    list_display = ["year", "source", "loaded_at", "loaded_by"]

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        days = getattr(form, "parsed_days", None)
        if days:
            loaded = workdays.load_year(year=obj.year, days=days, by=request.user, source=obj.source)
            obj.pk = loaded.pk
            messages.success(request, _("已载入%(n)s个节假日/调休日。") % {"n": len(days)})
        else:
            obj.loaded_by = request.user  # type: ignore[assignment]
            super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(RoleAdmin):
    list_display = ["at", "user", "action", "model", "object_ids", "remote_addr"]
    list_filter = ["action", "model"]
    search_fields = ["user__username", "user__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return queryset
        region = getattr(request.user, "region", None)
        if region is None:
            return queryset.none()
        return queryset.filter(user__region__path__startswith=region.path)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""The back office of inspections.

- Campaign types (专项检查类型) are reference data: administrators add them and change their
  name, order and whether they are in use. Each type's page lists its checklist versions.
- Checklists are versioned and never edited in place: a version is shown read-only, and
  "发布新版本" opens a form whose items are typed as JSON, checked by
  `checklists.clean_items` (errors shown on the form) and published through
  `checklists.template_publish` as the next version. Identical items publish nothing. A version
  that a visit was answered with cannot be deleted.
- Campaigns, visits, orders, reviews and patrol targets are listed read-only, for system
  operators and for administrators who also hold an inspections role (the same
  `visible_to` as the staff pages): they are written by inspectors and heads through the
  services (staff pages and API), which check what the back office could not.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from bureau import roles
from bureau.admin import RoleAdmin
from inspections import checklists
from inspections.models import (
    AnnualReview,
    Campaign,
    CampaignType,
    ChecklistTemplate,
    ItemKind,
    OrderEvent,
    OrderItem,
    PatrolTarget,
    RectificationOrder,
    Visit,
    VisitPhoto,
)

# --- reference data: campaign types and their checklists ----------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage")


class TemplateVersionInline(ReadOnlyInline):
    model = ChecklistTemplate
    fields = readonly_fields = (
        "version",
        "items_count",
        "note",
        "created_at",
        "created_by",
        "visits_count",
    )
    ordering = ["-version"]
    verbose_name = _("检查表版本")
    verbose_name_plural = _("检查表版本（只读；修改请“发布新版本”）")

    @admin.display(description=_("检查项目数"))
    def items_count(self, obj: ChecklistTemplate) -> int:
        return len(obj.items)

    @admin.display(description=_("已用于检查记录"))
    def visits_count(self, obj: ChecklistTemplate) -> int:
        return obj.visits.count()


@admin.register(CampaignType)
class CampaignTypeAdmin(RoleAdmin):
    list_display = ["name", "code", "ordering", "active", "current_version", "publish_link"]
    list_editable = ["ordering", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "ordering", "active", "publish_link"]
    readonly_fields = ["publish_link"]
    inlines = [TemplateVersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # the code is what the API and the phones know a type by: fixed once created
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # stop using a type: untick 启用; its campaigns and checklists stay

    @admin.display(description=_("当前版本"))
    def current_version(self, obj: CampaignType) -> str:
        current = obj.current_template()
        return f"v{current.version}" if current else "—"

    @admin.display(description=_("检查表"))
    def publish_link(self, obj: CampaignType) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:inspections_checklisttemplate_add") + f"?campaign_type={obj.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("发布新版本"))


class ItemsField(forms.JSONField):
    """The items as indented JSON, one item per block, readable in a textarea."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class PublishForm(forms.ModelForm):
    items = ItemsField(
        label=_("检查项目（JSON）"),
        required=False,  # an empty list is refused by clean_items, with its own message
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
        help_text=_(
            '每项：{"key": 代码（小写字母开头，字母数字下划线）, "label": 检查项目内容, "kind": '
            "yes_no（是/否）、number（数量）、amount（金额）、text（文字）或 photo（照片）, "
            '"required": true/false}。已有检查记录仍按其原版本显示。'
        ),
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["campaign_type", "items", "note"]

    def clean_items(self) -> list[dict[str, Any]]:
        try:
            return checklists.clean_items(self.cleaned_data.get("items"))
        except ValidationError as exc:
            raise ValidationError(
                [f"{field}: {message}" for field, errors in exc.message_dict.items() for message in errors]
            ) from None


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(RoleAdmin):
    form = PublishForm
    list_display = ["campaign_type", "version", "items_count", "note", "created_at", "created_by", "visits_count"]
    list_filter = ["campaign_type"]
    list_select_related = ["campaign_type", "created_by"]
    ordering = ["campaign_type__ordering", "campaign_type__code", "-version"]
    view_fields = ["campaign_type", "version", "note", "created_at", "created_by", "questions"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.view_fields if obj is not None else ["campaign_type", "items", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.view_fields if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never edited in place: publish a new version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.visits.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        chosen = str(initial.get("campaign_type", "")).strip()
        campaign_type = CampaignType.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        current = campaign_type.current_template() if campaign_type else None
        if current is not None:
            initial["items"] = current.items  # start from the current version
        return initial

    def save_model(self, request: HttpRequest, obj: ChecklistTemplate, form: Any, change: bool) -> None:
        current = obj.campaign_type.current_template()
        published = checklists.template_publish(
            by=request.user,  # type: ignore[arg-type]
            campaign_type=obj.campaign_type,
            items=form.cleaned_data["items"],
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk, obj.version, obj.created_at = published.pk, published.version, published.created_at
        obj._state.adding = False
        obj.published_new = current is None or published.pk != current.pk  # type: ignore[attr-defined]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(obj, "published_new", True):
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> HttpResponse:
        if getattr(obj, "published_new", True):
            messages.success(request, _("已发布 %(type)s 第%(v)s版。") % {"type": obj.campaign_type, "v": obj.version})
        else:
            messages.info(request, _("检查项目与当前版本（第%(v)s版）相同，未发布新版本。") % {"v": obj.version})
        return HttpResponseRedirect(reverse("admin:inspections_checklisttemplate_change", args=[obj.pk]))

    @admin.display(description=_("检查项目数"))
    def items_count(self, obj: ChecklistTemplate) -> int:
        return len(obj.items)

    @admin.display(description=_("已用于检查记录"))
    def visits_count(self, obj: ChecklistTemplate) -> int:
        return obj.visits.count()

    @admin.display(description=_("检查项目"))
    def questions(self, obj: ChecklistTemplate) -> str:
        kinds = dict(ItemKind.choices)
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} <code>{}</code> · {}{}</li>",
                (
                    (
                        item["label"],
                        item["key"],
                        kinds.get(item["kind"], item["kind"]),
                        _("（必答）") if item.get("required") else "",
                    )
                    for item in obj.items
                ),
            ),
        )


# --- records: read-only ----------------------------------------------------------------------------


class RecordAdmin(admin.ModelAdmin):
    """Listed for whoever may both use the back office and see inspections, scoped like the
    staff pages; written only through the services."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def _sees(self, request: HttpRequest) -> bool:
        return roles.can(request.user, "admin.manage") and roles.can(request.user, "inspections.view")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._sees(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._sees(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordInline(ReadOnlyInline):
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can(request.user, "admin.manage") and roles.can(request.user, "inspections.view")


@admin.register(Campaign)
class CampaignAdmin(RecordAdmin):
    list_display = ["name", "county", "campaign_type", "starts_on", "ends_on", "target_employers"]
    list_filter = ["campaign_type"]
    list_select_related = ["county", "campaign_type"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"


class PhotoInline(RecordInline):
    model = VisitPhoto
    fields = readonly_fields = (
        "name",
        "item_key",
        "caption",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(Visit)
class VisitAdmin(RecordAdmin):
    list_display = ["number", "employer", "visited_at", "campaign", "wages_on_time", "workers_on_site"]
    list_filter = ["wages_on_time", "campaign__campaign_type"]
    list_select_related = ["employer", "campaign"]
    search_fields = ["number", "employer__name", "employer__credit_code"]
    date_hierarchy = "visited_at"
    exclude = ["answers"]
    readonly_fields = ["checklist"]
    inlines = [PhotoInline]

    @admin.display(description=_("检查表答案"))
    def checklist(self, obj: Visit) -> str:
        rows = checklists.display_answers(obj.template, obj.answers)
        if not rows:
            return "—"
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}：{}</li>", ((row["label"], _answer(row["answer"])) for row in rows)),
        )


def _answer(value: Any) -> str:
    if value is None:
        return "—"
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    return str(value)


class OrderItemInline(RecordInline):
    model = OrderItem
    fields = readonly_fields = (
        "position",
        "text",
        "met",
        "checked_on",
        "followup_visit",
        "note",
    )


class OrderEventInline(RecordInline):
    model = OrderEvent
    fields = readonly_fields = (
        "on_date",
        "action",
        "by",
        "visit",
        "note",
        "data",
        "at",
    )


@admin.register(RectificationOrder)
class RectificationOrderAdmin(RecordAdmin):
    list_display = ["number", "employer", "served_on", "due_on", "status", "concluded_on"]
    list_filter = ["status"]
    list_select_related = ["employer"]
    search_fields = ["number", "employer__name"]
    date_hierarchy = "served_on"
    inlines = [OrderItemInline, OrderEventInline]


@admin.register(AnnualReview)
class AnnualReviewAdmin(RecordAdmin):
    list_display = ["employer", "year", "submitted_on", "workers", "result", "reviewed_on"]
    list_filter = ["year", "result"]
    list_select_related = ["employer"]
    search_fields = ["employer__name", "employer__credit_code"]


@admin.register(PatrolTarget)
class PatrolTargetAdmin(RecordAdmin):
    list_display = ["county", "year", "patrols", "set_by", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["county", "set_by"]

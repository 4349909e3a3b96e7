"""Checklist templates and the answers of a visit.

A template is a list of items `{"key", "label", "kind", "required"}`. Publishing a change makes
a new version (`template_publish`); versions already saved are never altered, so a visit's
answers are always read against the questions that were asked. Answers are a map of item key
to value, checked against the item's kind:

| kind    | value                                   |
|---------|-----------------------------------------|
| yes_no  | true / false                            |
| number  | whole number, 0 to 1,000,000            |
| amount  | yuan, to the fen (a string "1234.50")   |
| text    | up to 2,000 characters                  |
| photo   | not answered here: photos are uploaded to the visit with the item's key |
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bureau import roles
from bureau.audit import acting_as
from bureau.models import User
from bureau.services import clean_text, field_error
from inspections.models import MAX_AMOUNT, MAX_COUNT, CampaignType, ChecklistTemplate, ItemKind

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ITEMS = 100
LABEL_MAX = 200
TEXT_MAX = 2000


def clean_items(items: Any) -> list[dict[str, Any]]:
    """The items of a template, checked: a list of 1 to 100 items, each with a unique key (lower
    case letters, digits, underscores), a label and a known kind. Errors name the item."""
    if not isinstance(items, list) or not items:
        raise field_error("items", _("检查表至少应有一个检查项目。"), "required")
    if len(items) > MAX_ITEMS:
        raise field_error("items", _("检查项目不能超过 %(n)s 个。") % {"n": MAX_ITEMS}, "max_length")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        prefix = f"items.{index}."
        if not isinstance(item, dict):
            raise field_error(f"items.{index}", _("检查项目格式不正确。"), "invalid")
        unknown = set(item) - {"key", "label", "kind", "required"}
        if unknown:
            raise field_error(prefix + sorted(unknown)[0], _("不支持的字段。"), "unexpected_field")
        key = item.get("key")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise field_error(
                prefix + "key", _("代码应以小写字母开头，只含小写字母、数字和下划线，最长40个字符。"), "invalid"
            )
        if key in seen:
            raise field_error(prefix + "key", _("代码重复。"), "duplicate")
        seen.add(key)
        raw_label = item.get("label")
        label = clean_text(raw_label if isinstance(raw_label, str) else "")
        if not label:
            raise field_error(prefix + "label", _("请填写检查项目的内容。"), "required")
        if len(label) > LABEL_MAX:
            raise field_error(prefix + "label", _("检查项目的内容最长200个字符。"), "max_length")
        kind = item.get("kind")
        if kind not in ItemKind.values:
            raise field_error(prefix + "kind", _("检查项目类型不正确。"), "invalid_choice")
        required = item.get("required", False)
        if not isinstance(required, bool):
            raise field_error(prefix + "required", _("应为是或否。"), "invalid")
        cleaned.append({"key": key, "label": label, "kind": kind, "required": required})
    return cleaned


@transaction.atomic
def template_publish(*, by: User | None, campaign_type: CampaignType, items: Any, note: str = "") -> ChecklistTemplate:
    """Publish a new version of a type's checklist (versions before it stay as they were).
    Publishing the same items as the current version changes nothing and returns it."""
    if by is not None:
        roles.require(by, "admin.manage")
    cleaned = clean_items(items)
    CampaignType.objects.select_for_update().get(pk=campaign_type.pk)
    current = campaign_type.current_template()
    if current is not None and current.items == cleaned:
        return current
    return ChecklistTemplate.objects.create(
        campaign_type=campaign_type,
        version=(current.version + 1) if current else 1,
        items=cleaned,
        note=clean_text(note)[:200],
        created_by=by,
    )


def _number(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise field_error(field, _("应为整数。"), "invalid")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise field_error(field, _("应为不小于零的整数。"), "invalid")
    text = text.lstrip("0") or "0"
    if len(text) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT:
        raise field_error(field, _("数量超过上限，请核对。"), "max_value")
    return int(text)


def clean_answers(template: ChecklistTemplate | None, answers: Any) -> dict[str, Any]:
    """The answers of a visit, checked against the template version: only its keys, each value
    of the item's kind, required items answered. Amounts are kept as text to the fen."""
    from wagecases.services import money, yuan

    if answers in (None, {}):
        answers = {}
    if not isinstance(answers, dict):
        raise field_error("answers", _("检查表答案格式不正确。"), "invalid")
    if template is None:
        if answers:
            raise field_error("answers", _("未选择检查表，不能填写答案。"), "no_template")
        return {}
    items = {item["key"]: item for item in template.items}
    for key in answers:
        if key not in items:
            raise field_error(f"answers.{key}", _("检查表中没有此项目。"), "unknown_item")
    cleaned: dict[str, Any] = {}
    for key, item in items.items():
        field = f"answers.{key}"
        value = answers.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if item["required"] and item["kind"] != ItemKind.PHOTO:
                raise field_error(field, _("“%(label)s”为必答项目。") % {"label": item["label"]}, "required")
            continue
        kind = item["kind"]
        if kind == ItemKind.YES_NO:
            if not isinstance(value, bool):
                raise field_error(field, _("应回答是或否。"), "invalid")
            cleaned[key] = value
        elif kind == ItemKind.NUMBER:
            cleaned[key] = _number(value, field)
        elif kind == ItemKind.AMOUNT:
            if isinstance(value, bool) or not isinstance(value, int | str | float):
                raise field_error(field, _("金额格式不正确。"), "invalid")
            cleaned[key] = yuan(money(value, field, limit=MAX_AMOUNT))
        elif kind == ItemKind.TEXT:
            if not isinstance(value, str):
                raise field_error(field, _("应为文字。"), "invalid")
            if len(value) > TEXT_MAX:
                raise field_error(field, _("最长2000个字符。"), "max_length")
            cleaned[key] = value
        else:  # photo: uploaded to the visit with the item key
            raise field_error(field, _("照片请作为检查照片上传。"), "photo_item")
    return cleaned


def display_answers(template: ChecklistTemplate | None, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions of the version a visit was answered with, each with its answer (None when
    not answered), in the template's order."""
    if template is None:
        return []
    return [
        {"key": item["key"], "label": item["label"], "kind": item["kind"], "answer": answers.get(item["key"])}
        for item in template.items
    ]


@transaction.atomic
def campaign_type_create(*, by: User, code: str, name: str, ordering: int | None = None) -> CampaignType:
    """A new campaign type (reference data kept by administrators), without a checklist until
    one is published."""
    roles.require(by, "admin.manage")
    name = clean_text(name)
    if not name:
        raise field_error("name", _("请填写名称。"), "required")
    if CampaignType.objects.filter(code=code).exists():
        raise field_error("code", _("已有该代码的检查类型。"), "duplicate")
    if CampaignType.objects.filter(name=name).exists():
        raise field_error("name", _("已有同名的检查类型。"), "duplicate")
    with acting_as(by):
        return CampaignType.objects.create(code=code, name=name, ordering=100 if ordering is None else ordering)

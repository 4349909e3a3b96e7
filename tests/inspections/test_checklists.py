"""Checklists: a visit's answers are checked against the version of the template it was answered
with (each kind its own values, no unknown keys, required items answered, photos uploaded, not
typed); templates are published as new versions and never changed, so an old visit still shows
the questions it was asked; the items of a new version are checked before anything is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import checklists, services
from inspections.models import CampaignType, ChecklistTemplate
from inspections.reference import BUILTIN_TYPES, ensure_builtin
from tests.inspections.conftest import code_of, codes, rows

# minimum_wage: lowest_wage (amount, required), below_standard (number, required)
MINIMUM_WAGE_OK = {"lowest_wage": "2280.00", "below_standard": 0}


def items(*specs):
    return [{"key": key, "label": label, "kind": kind, "required": required} for key, label, kind, required in specs]


ALL_KINDS = items(
    ("signed", "是否签订劳动合同", "yes_no", True),
    ("workers", "在岗人数", "number", False),
    ("lowest", "最低月工资", "amount", False),
    ("remark", "其他情况", "text", False),
    ("board", "告示牌照片", "photo", False),
)


@pytest.fixture
def kinds_template(db):
    campaign_type = CampaignType.objects.create(code="all_kinds", name="各类检查项目")
    return checklists.template_publish(by=None, campaign_type=campaign_type, items=ALL_KINDS)


@pytest.fixture
def answer(staff, visit_inputs, kinds_template):
    """answer(answers) -> the stored answers of a patrol with the five-kind checklist."""

    def record(answers):
        data = visit_inputs(template=kinds_template, answers=answers)
        return services.visit_record(by=staff["inspector_a"], data=data).answers

    return record


@pytest.fixture
def refused_answer(staff, visit_inputs, kinds_template):
    """refused_answer(answers) -> (field, code) of the one error; nothing stored."""

    def record(answers):
        before = rows()
        with pytest.raises(ValidationError) as info:
            services.visit_record(by=staff["inspector_a"], data=visit_inputs(template=kinds_template, answers=answers))
        assert rows() == before
        [field] = codes(info.value)
        return field, code_of(info.value)

    return record


# --- answers ---------------------------------------------------------------------------------


def test_answers_of_every_kind_are_stored_cleaned(answer):
    stored = answer({"signed": False, "workers": "１２", "lowest": 2280.5, "remark": "  食堂卫生良好  "})
    assert stored == {"signed": False, "workers": 12, "lowest": "2280.50", "remark": "食堂卫生良好"}


def test_unanswered_optional_items_are_left_out(answer):
    assert answer({"signed": True, "workers": None, "lowest": "", "remark": "   "}) == {"signed": True}


def test_zero_and_no_are_answers(answer):
    assert answer({"signed": False, "workers": 0, "lowest": "0"}) == {"signed": False, "workers": 0, "lowest": "0.00"}


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "是"])
def test_yes_no_takes_true_or_false_only(refused_answer, value):
    assert refused_answer({"signed": value}) == ("answers.signed", "invalid")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-1, "invalid"),
        ("-3", "invalid"),
        ("2.5", "invalid"),
        (2.0, "invalid"),
        (True, "invalid"),
        ("1e3", "invalid"),
        ("十二", "invalid"),
        (1_000_001, "max_value"),
        (10**40, "max_value"),
        ("9" * 5000, "max_value"),
    ],
)
def test_number_takes_a_whole_number_in_range(refused_answer, value, code):
    assert refused_answer({"signed": True, "workers": value}) == ("answers.workers", code)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12.345", "max_decimal_places"),
        ("1e3", "invalid"),
        ("1,000", "invalid"),
        ("-5", "min_value"),
        (True, "invalid"),
        (["100"], "invalid"),
        ("1000000000.01", "max_value"),
    ],
)
def test_amount_takes_yuan_to_the_fen(refused_answer, value, code):
    assert refused_answer({"signed": True, "lowest": value}) == ("answers.lowest", code)


def test_text_has_a_length_limit_and_must_be_text(refused_answer):
    assert refused_answer({"signed": True, "remark": "字" * 2001}) == ("answers.remark", "max_length")
    assert refused_answer({"signed": True, "remark": 42}) == ("answers.remark", "invalid")


def test_an_unknown_key_is_refused(refused_answer):
    assert refused_answer({"signed": True, "colour": "red"}) == ("answers.colour", "unknown_item")


@pytest.mark.parametrize("missing", [{}, {"signed": None}, {"signed": ""}, {"signed": "  "}])
def test_a_required_item_must_be_answered(refused_answer, missing):
    assert refused_answer({"workers": 3, **missing}) == ("answers.signed", "required")


def test_a_required_text_item_is_not_answered_by_blanks(staff, visit_inputs):
    campaign_type = CampaignType.objects.create(code="text_required", name="必填文字")
    template = checklists.template_publish(
        by=None, campaign_type=campaign_type, items=items(("opinion", "检查意见", "text", True))
    )
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_record(
            by=staff["inspector_a"], data=visit_inputs(template=template, answers={"opinion": " \u3000 "})
        )
    assert (list(codes(info.value)), code_of(info.value)) == (["answers.opinion"], "required")
    assert rows() == before


def test_a_photo_item_is_not_answered_inline(refused_answer):
    assert refused_answer({"signed": True, "board": "photo.jpg"}) == ("answers.board", "photo_item")
    assert refused_answer({"signed": True, "board": True}) == ("answers.board", "photo_item")


def test_answers_must_be_a_map(refused_answer):
    assert refused_answer(["signed"]) == ("answers", "invalid")


def test_a_campaign_checklist_with_required_items(staff, campaign_a, visit_inputs):
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_record(by=staff["inspector_a"], data=visit_inputs(campaign=campaign_a, answers={}))
    assert code_of(info.value) == "required"
    assert rows() == before


# --- versions ------------------------------------------------------------------------------


def test_a_new_version_leaves_old_visits_with_the_questions_they_were_asked(staff, campaign_a, visit_inputs):
    campaign_type = campaign_a.campaign_type
    v1 = campaign_type.current_template()
    old = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(
            campaign=campaign_a, answers={"real_name": True, "special_account": False, "paid_by_bank": True}
        ),
    )
    v2_items = [
        {"key": "real_name", "label": "是否落实实名制管理（含考勤）", "kind": "yes_no", "required": True},
        {"key": "wage_ledger", "label": "是否建立工资支付台账", "kind": "yes_no", "required": True},
    ]
    v2 = checklists.template_publish(by=staff["admin_a"], campaign_type=campaign_type, items=v2_items, note="2026修订")

    assert (v1.version, v2.version) == (1, 2)
    assert campaign_type.current_template() == v2
    v1.refresh_from_db()
    assert v1.items == BUILTIN_TYPES[0][2]  # untouched
    old.refresh_from_db()
    assert old.template == v1
    shown = checklists.display_answers(old.template, old.answers)
    assert [q["label"] for q in shown] == [item["label"] for item in v1.items]
    assert shown[0] == {"key": "real_name", "label": "是否实行劳务用工实名制管理", "kind": "yes_no", "answer": True}
    assert shown[1]["answer"] is False and shown[2]["answer"] is None

    new = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(campaign=campaign_a, answers={"real_name": True, "wage_ledger": True}),
    )
    assert new.template == v2
    # a phone that kept v1 offline may still send v1's answers
    offline = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(
            campaign=campaign_a,
            template=v1,
            answers={"real_name": True, "special_account": True, "paid_by_bank": True},
        ),
    )
    assert offline.template == v1


def test_publishing_the_same_items_returns_the_current_version(staff):
    campaign_type = CampaignType.objects.get(code="routine")
    current = campaign_type.current_template()
    before = rows()
    same = checklists.template_publish(
        by=staff["admin_a"], campaign_type=campaign_type, items=[dict(item) for item in current.items], note="无变化"
    )
    assert same == current
    assert rows() == before


def test_labels_are_cleaned_and_required_defaults_to_no(staff):
    campaign_type = CampaignType.objects.create(code="cleaned", name="清理")
    template = checklists.template_publish(
        by=staff["admin_a"],
        campaign_type=campaign_type,
        items=[{"key": "roster", "label": "  是否建立\u200b职工  名册 ", "kind": "yes_no"}],
    )
    assert template.items == [{"key": "roster", "label": "是否建立职工 名册", "kind": "yes_no", "required": False}]
    assert template.version == 1 and template.created_by == staff["admin_a"]


@pytest.mark.parametrize(
    ("bad_items", "field", "code"),
    [
        ([], "items", "required"),
        ("roster", "items", "required"),
        ([{"key": "a", "label": "一", "kind": "yes_no"}] * 101, "items", "max_length"),
        (
            [{"key": "roster", "label": "一", "kind": "yes_no"}, {"key": "roster", "label": "二", "kind": "number"}],
            "items.1.key",
            "duplicate",
        ),
        ([{"key": "Roster", "label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"key": "1st", "label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"key": "a-b", "label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"key": "a" * 41, "label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"key": "roster\n", "label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"label": "一", "kind": "yes_no"}], "items.0.key", "invalid"),
        ([{"key": "roster", "label": "一", "kind": "choice"}], "items.0.kind", "invalid_choice"),
        ([{"key": "roster", "label": "  ", "kind": "yes_no"}], "items.0.label", "required"),
        ([{"key": "roster", "label": "一" * 201, "kind": "yes_no"}], "items.0.label", "max_length"),
        ([{"key": "roster", "label": "一", "kind": "yes_no", "required": "yes"}], "items.0.required", "invalid"),
        ([{"key": "roster", "label": "一", "kind": "yes_no", "hint": "x"}], "items.0.hint", "unexpected_field"),
        (["roster"], "items.0", "invalid"),
    ],
)
def test_invalid_items_are_refused_and_nothing_is_published(staff, bad_items, field, code):
    campaign_type = CampaignType.objects.get(code="routine")
    before = rows()
    with pytest.raises(ValidationError) as info:
        checklists.template_publish(by=staff["admin_a"], campaign_type=campaign_type, items=bad_items)
    assert (list(codes(info.value)), code_of(info.value)) == ([field], code)
    assert rows() == before


def test_only_administrators_publish_checklists(staff):
    campaign_type = CampaignType.objects.get(code="routine")
    for name in ("inspector_a", "head_a", "window_a"):
        with pytest.raises(PermissionDenied):
            checklists.template_publish(by=staff[name], campaign_type=campaign_type, items=ALL_KINDS)
    assert campaign_type.templates.count() == 1


def test_a_saved_version_is_never_changed_in_place(db):
    template = CampaignType.objects.get(code="routine").current_template()
    template.items = []
    with pytest.raises(ValueError, match="never changed"):
        template.save()
    template.refresh_from_db()
    assert template.items


def test_a_version_used_by_a_visit_cannot_be_deleted(staff, visit_inputs):
    from django.db.models import ProtectedError

    template = CampaignType.objects.get(code="routine").current_template()
    services.visit_record(by=staff["inspector_a"], data=visit_inputs(template=template, answers={}))
    with pytest.raises(ProtectedError):
        template.delete()


# --- the built-in checklists ------------------------------------------------------------------


def test_every_built_in_checklist_is_valid_and_loaded(db):
    for code, name, builtin in BUILTIN_TYPES:
        assert checklists.clean_items(builtin) == builtin, code
        campaign_type = CampaignType.objects.get(code=code)
        assert campaign_type.name == name
        assert campaign_type.current_template().items == builtin
    assert ensure_builtin() == 0  # all there: nothing added
    assert ChecklistTemplate.objects.filter(version=1).count() == len(BUILTIN_TYPES)

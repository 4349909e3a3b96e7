import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from bureau.identifiers import (
    USCC_ALPHABET,
    format_phone,
    id_check_char,
    mask_id_number,
    mask_phone,
    normalize_phone,
    parse_id_number,
    uscc_check_char,
    validate_credit_code,
)


@pytest.mark.parametrize("value", ["11010519491231002X", "440524188001010014"])
def test_published_id_numbers_are_valid(value):
    assert parse_id_number(value).value == value


def test_id_number_gives_birth_date_and_sex():
    female = parse_id_number("11010519491231002X")
    assert female.birth_date == dt.date(1949, 12, 31)
    assert female.sex == "F"
    male = parse_id_number("440524188001010014")
    assert male.birth_date == dt.date(1880, 1, 1)
    assert male.sex == "M"


def test_lower_case_x_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").value == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_number_check_digit"),
        ("11010519491231002", "id_number_length"),
        ("110105491231002", "id_number_legacy"),
        ("11010519491331002X", "id_number_birth_date"),
        ("1101051949123100AX", "id_number_format"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_code(value, code):
    with pytest.raises(ValidationError) as info:
        parse_id_number(value)
    assert info.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    first17 = "33010220300101123"
    with pytest.raises(ValidationError) as info:
        parse_id_number(first17 + id_check_char(first17), today=dt.date(2026, 11, 22))
    assert info.value.code == "id_number_birth_future"


def test_an_unknown_area_code_is_accepted_but_flagged():
    first17 = "99010119900101123"
    parsed = parse_id_number(first17 + id_check_char(first17))
    assert not parsed.province_known


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_changing_any_digit_breaks_the_check(first17):
    valid = first17 + id_check_char(first17)
    for i in range(17):
        changed = valid[:i] + str((int(valid[i]) + 1) % 10) + valid[i + 1 :]
        assert id_check_char(changed[:17]) != changed[17]


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000600037341L"])
def test_published_credit_codes_are_valid(value):
    assert validate_credit_code(value) == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y44", "credit_code_check_char"),
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100I43", "credit_code_format"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_code(value, code):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    assert info.value.code == code


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_generated_credit_codes_validate(first17):
    code = first17 + uscc_check_char(first17)
    assert validate_credit_code(code.lower()) == code


def test_masks_hide_the_birth_date_and_the_middle_of_a_phone():
    assert mask_id_number("330102199001011234") == "330102********1234"
    assert mask_phone("+8613812345678") == "138****5678"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("13812345678", "+8613812345678"), ("0571-87654321", "+8657187654321"), ("+86 138 1234 5678", "+8613812345678")],
)
def test_phones_are_stored_in_e164_and_landlines_are_accepted(raw, e164):
    assert normalize_phone(raw) == e164


def test_a_nonsense_phone_is_refused():
    with pytest.raises(ValidationError) as info:
        normalize_phone("12345")
    assert info.value.code == "phone_invalid"
    assert format_phone("+8613812345678") == "138 1234 5678"

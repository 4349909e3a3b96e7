"""Identifier algorithms: resident ID numbers (GB 11643), unified social credit codes
(GB 32100) and phone numbers, with the masks used wherever a role does not need them.

Every check raises `django.core.exceptions.ValidationError` with a stable `code`, which the API
passes through to clients unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Province-level prefixes of GB/T 2260 (incl. Taiwan, Hong Kong, Macao).
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class IdNumber:
    value: str
    area_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def province_known(self) -> bool:
        return self.area_code[:2] in PROVINCE_PREFIXES


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(raw: str) -> str:
    return "".join(raw.split()).upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate an 18-character resident ID number and return what it encodes."""
    value = normalize_id_number(raw)
    if len(value) == 15 and value.isdigit():
        raise ValidationError(_("请使用18位身份证号码（15位旧号码请先升位）。"), code="id_number_legacy")
    if len(value) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="id_number_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="id_number_format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_number_birth_date") from None
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError(_("身份证号码中的出生日期晚于今天。"), code="id_number_birth_future")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对。"), code="id_number_check_digit")
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, area_code=value[:6], birth_date=birth, sex=sex)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def validate_credit_code(raw: str) -> str:
    """Validate a unified social credit code and return it normalised (upper case, no spaces)."""
    value = normalize_credit_code(raw)
    if len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="credit_code_length")
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、Z、S、V）。"),
            code="credit_code_format",
            params={"chars": "".join(bad)},
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对。"), code="credit_code_check_char")
    return value


def normalize_phone(raw: str) -> str:
    """Parse a Chinese mobile or landline number (or an international one with +) to E.164."""
    value = raw.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确。"), code="phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("电话号码格式不正确。"), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored E.164 number as people write it (national format for China). A value that is
    not a parsable number (typed in before validation existed) is shown as it is."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_id_number(value: str) -> str:
    """`330102199001011234` -> `330102********1234`."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(e164: str) -> str:
    """Keep the first three and last four digits of the number as written nationally:
    `138****5678`, `057*****5678` for the landline 0579-8234-5678."""
    if not e164:
        return ""
    digits = "".join(ch for ch in format_phone(e164) if ch.isdigit())
    if len(digits) <= 7:
        return digits[:2] + "*" * max(len(digits) - 2, 0)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]

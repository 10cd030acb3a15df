"""The phone helper behind the DuckDB UDF (docs/attribution.md#identity-stitching) and the masking used in marts."""

import pytest

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from msgwh.phones import _mask_long_e164, _mask_parsed, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("+49 30 1234567", "US", "+49301234567"),
        ("0049301234567", None, "+49301234567"),
        ("(212) 555-0134", "US", "+12125550134"),
        ("212-555-0134", "us", "+12125550134"),
        ("+1 212 555 0134", None, "+12125550134"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("98765 43210", "IN", "+919876543210"),
    ],
)
def test_formats_normalise_to_e164(phone, country, expected):
    assert normalize_phone(phone, country) == expected


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        (None, "DE"),
        ("", "DE"),
        ("   ", "US"),
        ("n/a", "DE"),
        ("12", "DE"),
        ("abc", "US"),
        ("030 1234567", None),  # national format without a region cannot parse
        ("030 1234567", "XX"),  # nor with a region that is not one
        ("+1 000 000 0000", None),  # possible length, not a valid number
    ],
)
def test_unparseable_phones_stitch_nothing(phone, country):
    assert normalize_phone(phone, country) is None


def test_national_format_depends_on_the_default_region():
    assert normalize_phone("030 1234567", "DE") != normalize_phone("030 1234567", "GB")


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+4915123456789", "+49***6789"),
        ("+12125550134", "+1***0134"),
        ("+919876543210", "+91***3210"),
        (None, None),
    ],
)
def test_mask_keeps_country_code_and_last_four(e164, masked):
    assert mask_phone(e164) == masked


def test_mask_never_shows_the_middle_digits():
    masked = mask_phone("+4915123456789")
    assert "123456" not in masked and masked.count("*") == 3


CALLING_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@settings(max_examples=3000, deadline=None)
@given(
    code=st.sampled_from(CALLING_CODES),
    national_prefix=st.sampled_from(["", "", "", "0", "00", "1", "8", "9", "15", "01"]),
    digits=st.data(),
)
def test_mask_without_parsing_equals_the_parsed_mask(code, national_prefix, digits):
    """The quick path (no parsing) takes every E.164 number with 10 to 14 national digits
    after leading zeros whose fifth digit from the end is not 0, and masks it exactly as
    parsing does (national prefixes included: "+352 15 00000000" is "+352***" once parsed).

    mask_phone parses whatever the quick path declines, so only the quick path is compared;
    the draws are national numbers of 10 to 14 digits (at most 15 digits in all)."""
    longest = min(14, 15 - len(str(code)))
    national = national_prefix + digits.draw(
        st.text(alphabet="0123456789", min_size=max(0, 10 - len(national_prefix)), max_size=longest - len(national_prefix)),
        label="national digits after the prefix",
    )
    e164 = f"+{code}{national}"
    quick = _mask_long_e164(e164)
    if len(national.lstrip("0")) >= 10 and national[-5] != "0":
        assert quick is not None, f"{e164}: long enough for the quick path, but it declined"
        assert quick == _mask_parsed(e164), e164
    else:
        assert quick is None, f"{e164}: goes to the parser"


def test_mask_quick_path_covers_long_numbers_only():
    assert _mask_long_e164("+4915123456789") == "+49***6789"
    assert _mask_long_e164("+33612345678") is None  # nine national digits: parsed
    assert _mask_long_e164("+0123456789012") is None  # no code starts with 0
    # parsing drops leading zeros and may strip a national prefix ("15" in Luxembourg)
    assert mask_phone("+10000000000") == _mask_parsed("+10000000000") == "+1***"
    assert mask_phone("+352154486946") == _mask_parsed("+352154486946") == "+352***"
    # a stripped prefix followed by zeros leaves a short integer (found by the property test)
    assert _mask_long_e164("+3521500000000") is None
    assert mask_phone("+3521500000000") == "+352***"

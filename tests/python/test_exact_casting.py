"""Raw values are typed exactly or rejected, never altered (docs/contract.md#bad-input).

The typing expression staging uses (`typed_raw_value`) is compiled once by dbt for every
type of the raw contract, then run in DuckDB on values hypothesis draws: canonical ones, the
shapes an engine's cast would round, truncate or misread (5.5 into an integer, 19.999 into
money, a '+02:00' offset, nanoseconds, a time on a date, 'nan'), and random text. For each:

* sound: a staged value means exactly what the raw text (or typed raw value) says;
* complete: a value written canonically in its type's domain is staged, not rejected.

No dbt build runs: one `dbt compile --inline`, then in-memory DuckDB queries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from msgwh.contract import RAW_TABLES
from tests.conftest import run_dbt

pytestmark = pytest.mark.dbt

TYPES = sorted({data_type for cols in RAW_TABLES.values() for _, data_type in cols} - {"varchar"})
INT32 = (-(2**31), 2**31 - 1)
MONEY_DIGITS = 16  # decimal(18,2): 16 digits before the point
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def typed_sql(tmp_path_factory) -> dict[str, str]:
    """type -> the SQL that types `raw_value` of a one-column table `probe`."""
    workdir = tmp_path_factory.mktemp("exact_casting")
    columns = ",\n".join(f"{{{{ typed_raw_value('raw_value', '{t}') }}}} as v{i}" for i, t in enumerate(TYPES))
    result = run_dbt(["compile", "--quiet", "--inline", f"select\n{columns}\nfrom probe"], workdir)
    sql = result.stdout.strip()
    assert sql.startswith("select"), result.stdout
    body = sql[len("select"):sql.rindex("from probe")]
    expressions = re.split(r"\bas v\d+,?", body)[: len(TYPES)]
    return {t: f"select {expr.strip()} as typed from probe" for t, expr in zip(TYPES, expressions)}


@pytest.fixture(scope="module")
def conn():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


def staged(conn, typed_sql, data_type: str, raw, raw_type: str = "varchar"):
    """What staging makes of one raw value: the typed value, or None (rejected)."""
    conn.execute(f"create or replace temp table probe as select cast(? as {raw_type}) as raw_value", [raw])
    return conn.execute(typed_sql[data_type]).fetchone()[0]


# ---------------------------------------------------------------- what a text means


def number_meaning(text: str) -> Decimal | None:
    """The number a text states, if any (plain decimal or exponent notation)."""
    if not re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", text):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def instant_meaning(text: str) -> pd.Timestamp | None:
    """The UTC instant an ISO text states (an offset converts), to the nanosecond."""
    try:
        stamp = pd.Timestamp(text.strip())
    except (ValueError, OverflowError):
        return None
    if stamp is pd.NaT:
        return None
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


# ---------------------------------------------------------------- strategies


def number_texts(max_places: int = 4) -> st.SearchStrategy[str]:
    signed = st.sampled_from(["", "-", "+"])
    places = st.integers(0, max_places)
    decimal = st.builds(
        lambda sign, whole, frac, n: f"{sign}{whole}" + (f".{str(frac).zfill(n)[:n]}" if n else ""),
        signed, st.integers(0, 10**12), st.integers(0, 10**max_places), places,
    )
    odd = st.sampled_from(["5.5", "5.4", "19.999", "19.995", "1e3", "1E-2", "0x10", "5_000", "nan", "inf", "-inf",
                           "1.5e400", "", " ", "5.", ".5", "1,5", "12.50", "007", "-0", "2147483648", "1e20"])
    return st.one_of(decimal, odd, st.text(alphabet="0123456789.+-eEx_ ,", max_size=12))


def timestamp_texts() -> st.SearchStrategy[str]:
    parts = st.tuples(
        st.integers(1999, 2100), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25), st.integers(0, 61),
        st.integers(0, 61), st.text(alphabet="0123456789", max_size=10),
        st.sampled_from(["", "Z", "+00", "+00:00", "+0000", "-00:00", "+02:00", "-05:30", "+01", "z", " UTC"]),
        st.sampled_from([" ", "T"]), st.sampled_from(["full", "minutes", "date"]),
    )

    def render(p):
        year, month, day, hour, minute, second, fraction, offset, sep, shape = p
        date = f"{year:04d}-{month:02d}-{day:02d}"
        if shape == "date":
            return date + (offset if offset in ("Z",) else "")
        clock = f"{hour:02d}:{minute:02d}" if shape == "minutes" else f"{hour:02d}:{minute:02d}:{second:02d}"
        if shape == "full" and fraction:
            clock += "." + fraction
        return f"{date}{sep}{clock}{offset}"

    odd = st.sampled_from(["yesterday", "31/10/2026 10:00", "2026-1-1", "20261001", "2026-10-01 24:00:00",
                           "2026-10-01 10:00:00 Europe/Paris", ""])
    return st.one_of(st.builds(render, parts), odd)


# ---------------------------------------------------------------- properties on text (CSV)


@pytest.mark.parametrize("data_type", ["integer", "decimal(18,2)"])
@EXAMPLES
@given(text=number_texts())
@example(text="5.5")
@example(text="1e3")
@example(text="19.999")
@example(text="12.50")
def test_integer_and_money_text_is_exact_or_rejected(conn, typed_sql, data_type, text):
    value = staged(conn, typed_sql, data_type, text)
    if value is not None:
        assert number_meaning(text) == value, f"{text!r} staged as {value!r}"


@EXAMPLES
@given(text=number_texts(max_places=8))
@example(text="nan")
@example(text="1.5e400")
def test_double_text_is_exact_or_rejected(conn, typed_sql, text):
    value = staged(conn, typed_sql, "double", text)
    if value is not None:
        meaning = number_meaning(text)
        assert meaning is not None and float(meaning) == value, f"{text!r} staged as {value!r}"


@EXAMPLES
@given(text=timestamp_texts())
@example(text="2026-10-01 10:00:00+02:00")
@example(text="2026-10-01 10:00:00.1234567")
@example(text="2026-02-30 10:00:00")
def test_timestamp_text_is_exact_or_rejected(conn, typed_sql, text):
    value = staged(conn, typed_sql, "timestamp", text)
    if value is not None:
        assert instant_meaning(text) == pd.Timestamp(value), f"{text!r} staged as {value!r}"


@EXAMPLES
@given(text=timestamp_texts())
@example(text="2026-10-01 10:00:00")
@example(text="2026-02-30")
def test_date_text_is_exact_or_rejected(conn, typed_sql, text):
    value = staged(conn, typed_sql, "date", text)
    if value is not None:
        meaning = instant_meaning(text)
        assert meaning is not None and meaning == pd.Timestamp(value), f"{text!r} staged as {value!r}"


BOOLEAN_MEANING = {"true": True, "t": True, "yes": True, "y": True, "1": True, "on": True,
                   "false": False, "f": False, "no": False, "n": False, "0": False, "off": False}


@EXAMPLES
@given(text=st.one_of(st.sampled_from(sorted(BOOLEAN_MEANING) + ["2", "-1", "maybe", "TRUE", " False ", "1.0", ""]),
                      st.text(max_size=6)))
@example(text="2")
def test_boolean_text_is_exact_or_rejected(conn, typed_sql, text):
    value = staged(conn, typed_sql, "boolean", text)
    if value is not None:
        assert BOOLEAN_MEANING.get(text.strip().lower()) is value, f"{text!r} staged as {value!r}"


# ---------------------------------------------------------------- properties on typed files (Parquet)


@EXAMPLES
@given(number=st.floats(allow_nan=True, allow_infinity=True))
@example(number=5.5)
@example(number=5.0)
def test_a_double_file_column_types_exactly(conn, typed_sql, number):
    for data_type in ("integer", "decimal(18,2)"):
        value = staged(conn, typed_sql, data_type, number, raw_type="double")
        if value is not None:
            assert Decimal(repr(number)) == value, f"{number!r} staged as {value!r} ({data_type})"


@EXAMPLES
@given(instant=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
       offset_minutes=st.integers(-14 * 60, 14 * 60))
def test_a_file_timestamp_with_time_zone_converts_to_utc(conn, typed_sql, instant, offset_minutes):
    aware = instant.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    value = staged(conn, typed_sql, "timestamp", aware.isoformat(), raw_type="timestamptz")
    assert value == aware.astimezone(dt.timezone.utc).replace(tzinfo=None)
    # a date column given a timestamp keeps it only at midnight
    day = staged(conn, typed_sql, "date", instant, raw_type="timestamp")
    assert day == (instant.date() if instant.time() == dt.time(0) else None)


# ---------------------------------------------------------------- completeness: canonical values are kept


@EXAMPLES
@given(number=st.integers(*INT32),
       money=st.decimals(min_value=-(10**MONEY_DIGITS) + 1, max_value=10**MONEY_DIGITS - 1, places=2),
       rate=st.floats(min_value=1e-9, max_value=1e9),
       instant=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
       flag=st.booleans())
def test_canonical_values_are_staged_unchanged(conn, typed_sql, number, money, rate, instant, flag):
    assert staged(conn, typed_sql, "integer", str(number)) == number
    assert staged(conn, typed_sql, "decimal(18,2)", str(money)) == money
    assert staged(conn, typed_sql, "double", repr(rate)) == rate
    assert staged(conn, typed_sql, "timestamp", instant.isoformat(sep=" ")) == instant
    assert staged(conn, typed_sql, "date", instant.date().isoformat()) == instant.date()
    assert staged(conn, typed_sql, "boolean", json.dumps(flag)) is flag
    # the same values typed in a file
    assert staged(conn, typed_sql, "integer", number, raw_type="integer") == number
    assert staged(conn, typed_sql, "decimal(18,2)", money, raw_type="decimal(18,2)") == money
    assert staged(conn, typed_sql, "timestamp", instant, raw_type="timestamp") == instant
    assert staged(conn, typed_sql, "boolean", flag, raw_type="boolean") is flag


def test_every_contract_type_is_probed():
    assert set(TYPES) == {"integer", "decimal(18,2)", "double", "boolean", "date", "timestamp"}

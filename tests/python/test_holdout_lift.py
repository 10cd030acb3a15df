"""Holdout lift end to end (docs/attribution.md#holdout-lift): on generated data whose
experiments have a known true lift, campaign_lift's estimate recovers it, and its statistics
agree with scipy computed here from the mart's own counts."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from scipy.stats import norm

from msgwh.duckdb_plugin import register_udfs

from tests.conftest import REPO, load_script, query, run_dbt

generator = load_script(REPO / "scripts" / "generate_data.py")
TRUE_LIFT = generator.HOLDOUT_CONVERSION["treatment"] - generator.HOLDOUT_CONVERSION["control"]


@pytest.fixture(scope="module")
def lift_rows(tmp_path_factory) -> list[dict]:
    work = tmp_path_factory.mktemp("holdout_lift")
    raw = work / "raw"
    # large enough for a few hundred contacts per group and send (about 4,000 in all)
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_data.py"), "--out", str(raw), "--contacts", "40000",
         "--days", "30", "--seed", "7", "--format", "parquet", "--threads", "1"],
        check=True, capture_output=True,
    )
    run_dbt(["run", "--select", "+campaign_lift", "--vars", f"{{raw_path: '{raw}'}}"], work)
    db = work / "warehouse.duckdb"
    columns = [row[0] for row in query(db, "select column_name from information_schema.columns "
                                           "where table_name = 'campaign_lift' order by ordinal_position")]
    return [dict(zip(columns, row)) for row in query(db, "select * from marts.campaign_lift order by all")]


@pytest.mark.dbt
def test_every_experiment_recovers_the_true_lift(lift_rows):
    assert len(lift_rows) >= 6, "the generator splits a campaign and a flow in each shop"
    for row in lift_rows:
        assert row["treatment_contacts"] >= 150 and row["control_contacts"] >= 150, row
        assert row["lift_ci_low"] <= TRUE_LIFT <= row["lift_ci_high"], row
    # all sends together: the conversion rates are the generator's, within 3 standard errors
    for group, rate in generator.HOLDOUT_CONVERSION.items():
        contacts = sum(row[f"{group}_contacts"] for row in lift_rows)
        converters = sum(row[f"{group}_converters"] for row in lift_rows)
        assert abs(converters / contacts - rate) < 3 * math.sqrt(rate * (1 - rate) / contacts), group
    assert sum(row["is_significant"] for row in lift_rows) >= len(lift_rows) // 2


@pytest.mark.dbt
def test_statistics_equal_scipy_on_the_marts_counts(lift_rows):
    z_975 = norm.ppf(0.975)
    for row in lift_rows:
        n_t, n_c = row["treatment_contacts"], row["control_contacts"]
        p_t, p_c = row["treatment_converters"] / n_t, row["control_converters"] / n_c
        se = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
        pooled = (row["treatment_converters"] + row["control_converters"]) / (n_t + n_c)
        z = (p_t - p_c) / math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
        assert row["absolute_lift"] == pytest.approx(p_t - p_c, abs=1e-12)
        assert row["lift_ci_low"] == pytest.approx(p_t - p_c - z_975 * se, abs=1e-12)
        assert row["p_value"] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-9)
        assert row["incremental_conversions"] == pytest.approx((p_t - p_c) * n_t, abs=1e-9)
        revenue_per_contact = float(row["treatment_revenue"]) / n_t - float(row["control_revenue"]) / n_c
        assert row["incremental_revenue"] == pytest.approx(revenue_per_contact * n_t, rel=1e-9)
        assert row["is_significant"] == (row["p_value"] < 0.05)


def test_normal_quantile_constant_is_scipys():
    macro = (REPO / "macros" / "math" / "normal_distribution.sql").read_text()
    assert repr(float(norm.ppf(0.975))) in macro


def test_p_value_udf_is_scipys_two_sided_tail():
    con = duckdb.connect()
    register_udfs(con)
    rows = con.execute(
        "select z, msgwh_two_sided_p_value(z) from (values (0.0), (1.5), (-2.5), (8.0), (null)) as t (z)"
    ).fetchall()
    for z, p_value in rows:
        if z is None:
            assert p_value is None
        else:
            assert p_value == 2 * norm.sf(abs(float(z)))
    assert rows[0][1] == 1.0

"""dbt-duckdb plugin that registers the project's Python UDFs on every connection.

Enabled in profiles.yml (`plugins: [{module: msgwh.duckdb_plugin}]`). The SQL
side reaches these functions only through dispatched macros: `macros/phones/`
(with a portable SQL fallback for other engines) and `macros/statistics/`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.typing import DOUBLE, VARCHAR
from scipy.stats import norm

from msgwh.phones import mask_phone, normalize_phone


def _normalize_phone_batch(phones: pa.Array, regions: pa.Array) -> pa.Array:
    return pa.array(
        [normalize_phone(p, r) for p, r in zip(phones.to_pylist(), regions.to_pylist())],
        type=pa.string(),
    )


def _mask_phone_batch(phones: pa.Array) -> pa.Array:
    return pa.array([mask_phone(p) for p in phones.to_pylist()], type=pa.string())


def _two_sided_p_value_batch(z_scores: pa.Array) -> pa.Array:
    """P(|Z| >= |z|) for a standard normal Z (scipy's survival function: exact in the tails)."""
    z = z_scores.to_numpy(zero_copy_only=False).astype(float)
    return pa.array(2.0 * norm.sf(np.abs(z)), type=pa.float64(), mask=np.isnan(z))


def register_udfs(conn: DuckDBPyConnection) -> None:
    """Register msgwh_normalize_phone(phone, country), msgwh_mask_phone(e164) and
    msgwh_two_sided_p_value(z)."""
    registered = {
        row[0]
        for row in conn.execute(
            "select function_name from duckdb_functions() where function_name like 'msgwh_%'"
        ).fetchall()
    }
    if "msgwh_normalize_phone" not in registered:
        conn.create_function(
            "msgwh_normalize_phone",
            _normalize_phone_batch,
            [VARCHAR, VARCHAR],
            VARCHAR,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
    if "msgwh_mask_phone" not in registered:
        conn.create_function(
            "msgwh_mask_phone",
            _mask_phone_batch,
            [VARCHAR],
            VARCHAR,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
    if "msgwh_two_sided_p_value" not in registered:
        conn.create_function(
            "msgwh_two_sided_p_value",
            _two_sided_p_value_batch,
            [DOUBLE],
            DOUBLE,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_udfs(conn)

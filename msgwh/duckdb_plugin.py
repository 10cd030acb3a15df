"""dbt-duckdb plugin that registers the project's Python UDFs on every connection.

Enabled in profiles.yml (`plugins: [{module: msgwh.duckdb_plugin}]`). The SQL
side reaches these functions only through the dispatched macros in
`macros/phones/`, which carry a portable SQL fallback for other engines.
"""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.typing import VARCHAR

from msgwh.phones import mask_phone, normalize_phone


def _normalize_phone_batch(phones: pa.Array, regions: pa.Array) -> pa.Array:
    return pa.array(
        [normalize_phone(p, r) for p, r in zip(phones.to_pylist(), regions.to_pylist())],
        type=pa.string(),
    )


def _mask_phone_batch(phones: pa.Array) -> pa.Array:
    return pa.array([mask_phone(p) for p in phones.to_pylist()], type=pa.string())


def register_udfs(conn: DuckDBPyConnection) -> None:
    """Register msgwh_normalize_phone(phone, country) and msgwh_mask_phone(e164)."""
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


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_udfs(conn)

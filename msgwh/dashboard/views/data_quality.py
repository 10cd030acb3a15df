"""Data quality: rejected rows by table and reason, stitch rates, freshness of each raw table."""

import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Data quality")
st.caption("As of the last published build (the date range does not apply).")
stitching = ui.query(
    ctx,
    """
    select contacts, stitched_contacts, stitch_rate, customer_stitch_rate, order_stitch_rate
    from marts.stitching_summary
    where workspace_id = ?
    """,
    ctx.workspace,
)
if not stitching.empty:
    rates = stitching.iloc[0]
    for column, (label, value) in zip(st.columns(3), [("Contacts stitched", rates.stitch_rate),
                                                      ("Customers stitched", rates.customer_stitch_rate),
                                                      ("Orders stitched", rates.order_stitch_rate)]):
        column.metric(label, "–" if value != value else f"{value:.1%}")
st.subheader("Freshness of the raw tables")
ui.table(ui.query(
    ctx,
    """
    select source_table, freshness_status, newest_row_at, raw_rows, age_hours, warn_after_hours, error_after_hours,
           judged_as_of
    from marts.raw_table_freshness
    where workspace_id = ?
    order by source_table
    """,
    ctx.workspace,
), "raw_table_freshness", key="freshness")
st.subheader("Rows not used as they came")
ui.table(ui.query(
    ctx,
    """
    select source_table, reason, disposition, count(*) as rows
    from marts.dq_rejected_rows
    where workspace_id = ?
    group by all
    order by rows desc, source_table, reason, disposition
    """,
    ctx.workspace,
), "rejected_rows_by_reason", key="rejected")

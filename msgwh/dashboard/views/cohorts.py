"""Cohorts: the LTV triangle by local signup month and the 7/30/90-day summary."""

import altair as alt
import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Cohorts")
st.caption("Every signup month of the workspace (the date range does not apply); a cell of a month not over "
           "yet is marked incomplete.")
revenue = st.radio("Revenue", ["net", "gross"], horizontal=True, key="cohort_revenue")
cells = ui.query(
    ctx,
    f"""
    select cohort_month, months_since_signup, cohort_size, cumulative_{revenue}_revenue_per_contact as revenue_per_contact,
           is_complete_month
    from marts.ltv_cohorts
    where workspace_id = ?
    order by cohort_month, months_since_signup
    """,
    ctx.workspace,
)
st.subheader(f"Cumulative {revenue} revenue per contact ({ctx.currency})")
st.altair_chart(
    alt.Chart(cells).mark_rect().encode(
        x=alt.X("months_since_signup:O", title="months since signup"),
        y=alt.Y("yearmonth(cohort_month):O", title="signup month"),
        color=alt.Color("revenue_per_contact:Q", title="per contact"),
        tooltip=["yearmonth(cohort_month):O", "months_since_signup:O", "cohort_size:Q",
                 alt.Tooltip("revenue_per_contact:Q", format=",.2f"), "is_complete_month:N"],
    ),
    width="stretch",
)
ui.table(cells, f"ltv_cohorts_{revenue}", key="cells")
st.subheader("7, 30 and 90 days after signup")
ui.table(ui.query(
    ctx,
    f"""
    select cohort_month, cohort_size,
           {revenue}_revenue_per_contact_7d as per_contact_7d, is_complete_7d,
           {revenue}_revenue_per_contact_30d as per_contact_30d, is_complete_30d,
           {revenue}_revenue_per_contact_90d as per_contact_90d, is_complete_90d
    from marts.ltv_cohort_summary
    where workspace_id = ?
    order by cohort_month
    """,
    ctx.workspace,
), f"ltv_cohort_summary_{revenue}", key="summary")

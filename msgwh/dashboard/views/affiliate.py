"""Affiliate: offers and creatives with EPC, conversions and revenue per send; the conversions."""

import altair as alt
import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Affiliate")
st.caption("Lifetime figures per offer and creative; the date range applies to the conversions.")
offers = ui.query(
    ctx,
    """
    select offer_id, offer_name, network, attribution_window_hours, sends, clicks, conversions, revenue, epc,
           conversion_rate, revenue_per_send, is_known_offer
    from marts.offer_performance
    where workspace_id = ?
    order by revenue desc, offer_id
    """,
    ctx.workspace,
)
st.subheader("Offers")
if not offers.empty:
    st.altair_chart(
        alt.Chart(offers).mark_bar().encode(
            x=alt.X("epc:Q", title=f"EPC ({ctx.currency})"), y=alt.Y("offer_name:N", sort="-x", title=None),
            tooltip=["offer_name:N", "epc:Q", "conversions:Q", "revenue:Q"],
        ),
        width="stretch",
    )
ui.table(offers, "offer_performance")
st.subheader("Creatives")
ui.table(ui.query(
    ctx,
    """
    select creative_id, creative_name, offer_id, sends, clicks, conversions, revenue, epc, conversion_rate,
           revenue_per_send, is_known_creative
    from marts.creative_performance
    where workspace_id = ?
    order by revenue desc, creative_id
    """,
    ctx.workspace,
), "creative_performance")
st.subheader("Conversions")
ui.table(ui.query(
    ctx,
    """
    select conversion_date, postback_id, network, offer_id, creative_id, source_type, source_id, channel,
           revenue, is_attributed, unattributed_reason
    from marts.fct_affiliate_conversions
    where workspace_id = ? and conversion_date between ? and ?
    order by conversion_date, conversion_key
    """,
    ctx.workspace, ctx.start, ctx.end,
), "affiliate_conversions", key="conversions")

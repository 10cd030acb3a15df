"""Helpdesk agents: revenue, customers reached, clicked and purchased, conversion, share."""

import altair as alt
import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Helpdesk agents")
st.caption("Lifetime revenue of orders last-touched by a link an agent shared.")
agents = ui.query(
    ctx,
    """
    select agent_id, agent_name, team, channel, links_shared, customers_reached, customers_clicked,
           customers_purchased, attributed_orders, gross_revenue, net_revenue, conversion_rate, helpdesk_revenue_share
    from marts.agent_performance
    where workspace_id = ?
    order by net_revenue desc, agent_id
    """,
    ctx.workspace,
)
if agents.empty:
    st.info("This workspace has no helpdesk agents.")
else:
    total = agents.gross_revenue.sum()
    left, right = st.columns(2)
    left.metric("Helpdesk revenue (gross)", ctx.money(total))
    # orders add up across agents; customers would not (one may buy through two agents)
    right.metric("Helpdesk orders", f"{agents.attributed_orders.sum():,}")
    st.subheader("Split of the helpdesk revenue between agents")
    st.altair_chart(
        alt.Chart(agents).mark_arc(innerRadius=60).encode(
            theta=alt.Theta("helpdesk_revenue_share:Q"), color=alt.Color("agent_name:N", title="agent"),
            tooltip=["agent_name:N", alt.Tooltip("helpdesk_revenue_share:Q", format=".1%"), "gross_revenue:Q"],
        ),
        width="stretch",
    )
ui.table(agents, "agent_performance")

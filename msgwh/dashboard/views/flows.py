"""Flows: the performance table, one flow's funnel, daily messages and orders."""

import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Flows")
st.caption("Lifetime figures of each flow; the date range applies to the daily chart and the orders.")
performance = ui.query(
    ctx,
    """
    select flow_id, flow_name, flow_type, channel, status, started, completed, contacts_started, sends, clicks,
           bought, attributed_orders, gross_revenue, net_revenue, cost, completion_rate, revenue_per_send, epc,
           holdout_absolute_lift, holdout_is_significant
    from marts.flow_performance
    where workspace_id = ?
    order by net_revenue desc, flow_id
    """,
    ctx.workspace,
)
ui.table(performance, "flow_performance")

if performance.empty:
    st.info("This workspace has no flows.")
else:
    names = dict(zip(performance.flow_id, performance.flow_name))
    flow = ui.pick("Flow", names, key=f"flow__{ctx.workspace}")
    funnel = ui.query(
        ctx,
        """
        select step, messages from (
            select count(*) as sent, count(*) filter (where is_delivered) as delivered,
                   count(*) filter (where is_viewed) as viewed, count(*) filter (where is_clicked) as clicked,
                   count(*) filter (where has_goal) as goal
            from marts.fct_message_funnel
            where workspace_id = ? and flow_id = ?
        ) unpivot (messages for step in (sent, delivered, viewed, clicked, goal))
        """,
        ctx.workspace, flow,
    )
    ui.funnel(funnel)

    daily = ui.query(
        ctx,
        """
        select sent_date, count(*) as sent, count(*) filter (where is_delivered) as delivered,
               count(*) filter (where is_clicked) as clicked, sum(attributed_net_revenue) as attributed_net_revenue
        from marts.fct_message_funnel
        where workspace_id = ? and flow_id = ? and sent_date between ? and ?
        group by sent_date
        order by sent_date
        """,
        ctx.workspace, flow, ctx.start, ctx.end,
    )
    st.subheader("Messages per day (by local send date)")
    ui.daily_lines(daily, "sent_date", ["sent", "delivered", "clicked"])
    ui.table(daily, f"flow_daily_{flow}", key="daily")
    st.subheader("Orders")
    ui.table(ui.query(
        ctx,
        """
        select order_id, order_date, attribution_method, channel, touch_event_type, gross_revenue, net_revenue,
               is_cancelled
        from marts.fct_order_attribution
        where workspace_id = ? and flow_id = ? and order_date between ? and ?
        order by order_date, order_id
        """,
        ctx.workspace, flow, ctx.start, ctx.end,
    ), f"flow_orders_{flow}", key="orders")

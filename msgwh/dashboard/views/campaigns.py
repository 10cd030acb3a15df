"""Campaigns: the performance table, one campaign's funnel, daily stats, recipients and orders; audiences."""

import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Campaigns")
st.caption("Lifetime figures of each campaign; the date range applies to the daily chart.")
performance = ui.query(
    ctx,
    """
    select campaign_id, campaign_name, channel, status, sends, delivered, reads, clicks, attributed_orders,
           gross_revenue, net_revenue, cost, read_rate, click_through_rate, revenue_per_send, epc, roas, roi,
           holdout_absolute_lift, holdout_is_significant
    from marts.campaign_performance
    where workspace_id = ?
    order by net_revenue desc, campaign_id
    """,
    ctx.workspace,
)
ui.table(performance, "campaign_performance")

if performance.empty:
    st.info("This workspace has no campaigns.")
else:
    names = dict(zip(performance.campaign_id, performance.campaign_name))
    # ids are per workspace: each workspace keeps its own choice
    campaign = ui.pick("Campaign", names, key=f"campaign__{ctx.workspace}")
    funnel = ui.query(
        ctx,
        """
        select step, messages from (
            select coalesce(sum(sent), 0)::bigint as sent, coalesce(sum(delivered), 0)::bigint as delivered,
                   coalesce(sum(viewed), 0)::bigint as viewed, coalesce(sum(clicked), 0)::bigint as clicked,
                   coalesce(sum(goal), 0)::bigint as goal
            from marts.campaign_daily_stats
            where workspace_id = ? and campaign_id = ?
        ) unpivot (messages for step in (sent, delivered, viewed, clicked, goal))
        """,
        ctx.workspace, campaign,
    )
    ui.funnel(funnel)

    daily = ui.query(
        ctx,
        """
        select activity_date, sent, delivered, viewed, clicked, goal
        from marts.campaign_daily_stats
        where workspace_id = ? and campaign_id = ? and activity_date between ? and ?
        order by activity_date
        """,
        ctx.workspace, campaign, ctx.start, ctx.end,
    )
    st.subheader("Daily stats")
    ui.daily_lines(daily, "activity_date", ["sent", "delivered", "viewed", "clicked", "goal"])
    ui.table(daily, f"campaign_daily_stats_{campaign}", key="daily")
    st.subheader("Recipients")
    ui.table(ui.query(
        ctx,
        """
        select contact_id, messages_sent, messages_delivered, messages_viewed, messages_clicked, messages_with_goal,
               first_sent_at, first_clicked_at
        from marts.campaign_recipients
        where workspace_id = ? and campaign_id = ?
        order by contact_id
        """,
        ctx.workspace, campaign,
    ), f"campaign_recipients_{campaign}", key="recipients")
    st.subheader("Orders")
    ui.table(ui.query(
        ctx,
        """
        select order_id, order_date, customer_phone_masked, attribution_method, channel, coupon_code,
               gross_revenue, net_revenue, is_cancelled
        from marts.campaign_orders
        where workspace_id = ? and campaign_id = ?
        order by order_date, order_id
        """,
        ctx.workspace, campaign,
    ), f"campaign_orders_{campaign}", key="orders")
    st.subheader("Credit by attribution model")
    st.caption("Net revenue each multi-touch model credits to this campaign, against last touch.")
    ui.table(ui.query(
        ctx,
        """
        select attribution_model, credited_orders, gross_revenue, net_revenue, net_revenue_vs_last_touch
        from marts.attribution_model_comparison
        where workspace_id = ? and source_type = 'campaign' and source_id = ?
        order by attribution_model
        """,
        ctx.workspace, campaign,
    ), f"attribution_models_{campaign}", key="models")

st.header("Holdout lift")
st.caption("Campaigns and flows sent to a treatment group with a held-out control group.")
ui.table(ui.query(
    ctx,
    """
    select source_type, source_id, treatment_contacts, control_contacts, treatment_conversion_rate,
           control_conversion_rate, absolute_lift, lift_ci_low, lift_ci_high, p_value, is_significant,
           incremental_revenue, sample_warning
    from marts.campaign_lift
    where workspace_id = ?
    order by source_type, source_id
    """,
    ctx.workspace,
), "campaign_lift", key="lift")

st.header("Audience")
st.caption("Each message's results credited to its own audience: its campaign's sending list and its "
           "contact's attributes as they stand now.")
dimension = st.selectbox("Audience by", ["sending_list", "signup_source", "region", "country_code", "channel"],
                         key="audience_dimension", format_func=lambda d: d.replace("_", " "))
ui.table(ui.query(
    ctx,
    """
    select dimension_value, sends, delivered, clicks, attributed_orders, conversions, gross_revenue, net_revenue,
           cost, revenue_per_send, epc, conversion_rate, roas
    from marts.audience_performance
    where workspace_id = ? and dimension = ?
    order by revenue_per_send desc nulls last, dimension_value
    """,
    ctx.workspace, dimension,
), f"audience_performance_{dimension}", key="audience")

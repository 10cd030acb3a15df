"""Overview: the last 30 days against the previous 30 by source type, revenue over time, attributed share."""

import altair as alt
import pandas as pd
import streamlit as st

from msgwh.dashboard import ui

ctx = ui.context("Overview")
revenue = st.radio("Revenue", ["net", "gross"], horizontal=True, key="revenue_kind",
                   help="Net: after refunds and cancellations; gross: as ordered.")

# the cards: revenue_rolling as of the last day of the range (the 30 days up to it, the 30 before)
cards = ui.query(
    ctx,
    f"""
    select source_type, {revenue}_revenue_last_30d as last_30d, {revenue}_revenue_previous_30d as previous_30d,
           {revenue}_revenue_change as change, {revenue}_revenue_change_rate as change_rate
    from marts.revenue_rolling
    where workspace_id = ? and as_of_date = ?
    order by case source_type when 'all' then 0 else 1 end, source_type
    """,
    ctx.workspace, ctx.end,
)
st.subheader(f"Last 30 days to {ctx.end:%Y-%m-%d} against the 30 before")
for row_start in range(0, len(cards), 4):
    columns = st.columns(4)
    for column, card in zip(columns, cards.iloc[row_start:row_start + 4].itertuples()):
        rate = "" if card.change_rate != card.change_rate else f" ({card.change_rate:+.1%})"
        column.metric(
            ("All sources" if card.source_type == "all" else card.source_type.capitalize()) + f" ({ctx.currency})",
            f"{card.last_30d:,.2f}", f"{card.change:+,.2f}{rate}",
        )

grain = st.radio("Period", ["day", "week", "month"], horizontal=True, key="grain")
stack = st.radio("Stacked by", ["source_type", "channel"], horizontal=True, key="stack",
                 format_func=lambda c: c.replace("_", " "))
table, period = {"day": ("revenue_daily", "revenue_date"), "week": ("revenue_weekly", "week_start_date"),
                 "month": ("revenue_monthly", "month_start_date")}[grain]
# weeks and months that overlap the range, whole ('all' rows only carry the spine and conversations)
series = ui.query(
    ctx,
    f"""
    select {period} as period, {stack} as part, sum({revenue}_revenue) as revenue
    from marts.{table}
    where workspace_id = ? and source_type != 'all'
      and {period} between date_trunc('{grain}', cast(? as date)) and ?
    group by all
    order by period, part
    """,
    ctx.workspace, ctx.start, ctx.end,
)
st.subheader(f"{revenue.capitalize()} revenue per {grain} ({ctx.currency})")
st.altair_chart(
    alt.Chart(series).mark_bar().encode(
        x=alt.X("period:T", title=grain), y=alt.Y("revenue:Q", title=f"revenue ({ctx.currency})"),
        color=alt.Color("part:N", title=stack.replace("_", " ")), tooltip=["period:T", "part:N", "revenue:Q"],
    ),
    width="stretch",
)

share = ui.query(
    ctx,
    f"""
    select sum({revenue}_revenue) filter (where source_type != 'unattributed') as attributed,
           sum({revenue}_revenue) as total
    from marts.revenue_daily
    where workspace_id = ? and source_type != 'all' and revenue_date between ? and ?
    """,
    ctx.workspace, ctx.start, ctx.end,
).iloc[0]
left, right = st.columns(2)
left.metric(f"Revenue {ctx.start:%Y-%m-%d} to {ctx.end:%Y-%m-%d}", ctx.money(share.total))
# a range without revenue has no share
right.metric("Attributed share", "–" if pd.isna(share.total) or not share.total else f"{share.attributed / share.total:.1%}")
ui.table(series.rename(columns={"part": stack}), f"revenue_{grain}_by_{stack}")

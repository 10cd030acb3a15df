"""What every page shares: the workspace and date pickers, cached queries, tables with downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from msgwh import export
from msgwh.dashboard import data


@dataclass(frozen=True)
class Context:
    """What the sidebar pickers chose: the workspace (with its settings) and the local dates."""

    source: data.Source
    workspace: str
    name: str
    timezone: str
    currency: str
    start: dt.date
    end: dt.date

    def money(self, value: float | None) -> str:
        return "–" if value is None or pd.isna(value) else f"{value:,.2f} {self.currency}"


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, workspace: str | None, version: tuple[int, int], sql: str, params: tuple) -> pd.DataFrame:
    return data.read(data.Source(Path(path), workspace), sql, params)


def query(ctx_or_source: Context | data.Source, sql: str, *params: object) -> pd.DataFrame:
    """Rows of `sql` from the BI file as it is now (a publish since the last call is seen)."""
    source = ctx_or_source.source if isinstance(ctx_or_source, Context) else ctx_or_source
    return _cached(str(source.path), source.workspace, source.version(), sql, params)


def _keep(key: str, valid) -> bool:
    """Keep a picker's value across pages (Streamlit drops a widget's value when another page is
    shown; writing it back keeps it) unless a publish made it invalid. True when one is kept."""
    if key not in st.session_state:
        return False
    if valid(st.session_state[key]):
        st.session_state[key] = st.session_state[key]
        return True
    del st.session_state[key]
    return False


def context(title: str) -> Context:
    """The page title and the sidebar pickers; stops the page with a message when nothing is published."""
    st.title(title)
    source = data.Source.from_environment()
    try:
        workspaces = query(source, "select workspace_id, workspace_name, timezone, currency from marts.dim_workspaces order by workspace_id")
    except data.NotPublished as missing:
        st.error(str(missing))
        st.stop()
    if workspaces.empty:
        st.warning("The BI file holds no workspace.")
        st.stop()
    names = dict(zip(workspaces.workspace_id, workspaces.workspace_name))
    _keep("workspace", lambda value: value in names)
    workspace = st.sidebar.selectbox(
        "Workspace", list(names), key="workspace", format_func=lambda w: f"{w} · {names[w]}",
        disabled=source.workspace is not None,
    )
    settings = workspaces.set_index("workspace_id").loc[workspace]
    first, last = query(
        source, "select min(revenue_date), max(revenue_date) from marts.revenue_daily where workspace_id = ?", workspace
    ).iloc[0]
    if pd.isna(last):
        first = last = dt.date.today()
    first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    # a range inside this workspace's dates (another workspace or a new publish may have others)
    kept = _keep("dates", lambda value: all(first <= day <= last for day in value))
    chosen = st.sidebar.date_input(
        "Dates (local)", **({} if kept else {"value": (max(first, last - dt.timedelta(days=89)), last)}),
        min_value=first, max_value=last, key="dates",
    )
    # while a range is being picked the input holds only its first day
    start, end = (chosen[0], chosen[-1]) if isinstance(chosen, (tuple, list)) and chosen else (first, last)
    st.sidebar.caption(f"Amounts in {settings.currency}, dates in {settings.timezone}. Source: {source.path.name}")
    return Context(source, workspace, settings.workspace_name, settings.timezone, settings.currency, start, end)


def pick(label: str, names: dict[str, str], key: str) -> str:
    """A selectbox of ids shown as "name (id)"; a choice another workspace's list lacks is dropped."""
    _keep(key, lambda value: value in names)
    return st.selectbox(label, list(names), key=key, format_func=lambda value: f"{names[value]} ({value})")


def funnel(steps: pd.DataFrame) -> None:
    """A funnel (columns `step`, `messages`, in order) as bars and one figure per step."""
    st.subheader("Funnel")
    st.altair_chart(
        alt.Chart(steps).mark_bar().encode(
            x=alt.X("messages:Q"), y=alt.Y("step:N", sort=list(steps.step), title=None), tooltip=["step", "messages"],
        ),
        width="stretch",
    )
    for column, step in zip(st.columns(len(steps)), steps.itertuples()):
        column.metric(step.step.capitalize(), f"{step.messages:,}")


def daily_lines(frame: pd.DataFrame, day: str, steps: list[str]) -> None:
    """One line per step over the local days of `day`."""
    st.altair_chart(
        alt.Chart(frame.melt(day, steps, var_name="step", value_name="messages")).mark_line(point=True).encode(
            x=alt.X(f"{day}:T", title="local date"), y="messages:Q", color="step:N",
            tooltip=[f"{day}:T", "step:N", "messages:Q"],
        ),
        width="stretch",
    )


def table(frame: pd.DataFrame, name: str, key: str | None = None) -> None:
    """A sortable table with its CSV and XLSX downloads (written by the project's exporter)."""
    st.dataframe(frame, hide_index=True, width="stretch", key=f"table_{key or name}")
    header = list(frame.columns)
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    left, right = st.columns(2)
    for column, fmt in ((left, "csv"), (right, "xlsx")):
        column.download_button(
            f"Download {fmt.upper()}", export.to_bytes(fmt, name, header, rows), file_name=f"{name}.{fmt}",
            key=f"download_{key or name}_{fmt}", on_click="ignore",
        )

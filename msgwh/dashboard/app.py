"""The revenue dashboard: `make dashboard` (streamlit run msgwh/dashboard/app.py).

Reads the published BI file read-only ($MSGWH_BI_PATH, else `<warehouse stem>_bi.duckdb`);
$MSGWH_DASHBOARD_WORKSPACE scopes it to one workspace's own file (msgwh/dashboard/data.py).
Each page draws the shared pickers itself, so a page also runs alone (the AppTests do).
"""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "views"

st.set_page_config(page_title="Messaging revenue", layout="wide")
st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", default=True),
    st.Page(PAGES / "campaigns.py", title="Campaigns", url_path="campaigns"),
    st.Page(PAGES / "flows.py", title="Flows", url_path="flows"),
    st.Page(PAGES / "agents.py", title="Helpdesk agents", url_path="agents"),
    st.Page(PAGES / "affiliate.py", title="Affiliate", url_path="affiliate"),
    st.Page(PAGES / "cohorts.py", title="Cohorts", url_path="cohorts"),
    st.Page(PAGES / "data_quality.py", title="Data quality", url_path="data-quality"),
]).run()

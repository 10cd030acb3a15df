"""scripts/export_report.py campaign|flow: the protected workbook, its permission check, password,
encryption, audit trail and bad inputs (unit tests), and its sheets against the demo marts (dbt)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import msoffcrypto
import pytest
from openpyxl import load_workbook
from tests.conftest import load_script

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "export_report.py"
PASSWORD = "correct horse battery staple"


export_report = load_script(SCRIPT)


def _write_access(path: Path, users: dict) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"users": users}))
    return path


def _open(path: Path, password: str = PASSWORD):
    """The workbook decrypted with `password`, as openpyxl reads it."""
    decrypted = io.BytesIO()
    with path.open("rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password=password)
        office.decrypt(decrypted)
    decrypted.seek(0)
    return load_workbook(decrypted, read_only=True)


def _rows(workbook, name: str) -> list[tuple]:
    """The sheet's rows, each padded to the header's width (read-only mode drops trailing empty cells)."""
    rows = list(workbook[name].iter_rows(values_only=True))
    width = len(rows[0])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {key: value for key, value in os.environ.items() if key != export_report.PASSWORD_ENV}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=REPO, env=full_env, stdin=subprocess.DEVNULL
    )


# --- permission -------------------------------------------------------------------------------


def test_the_repository_access_file_is_valid():
    grants = export_report.load_access(export_report.DEFAULT_ACCESS_FILE)
    assert grants, "config/access.yml lists no users"
    assert any(grant.can_download for grant in grants.values())


def test_permission_needs_membership_and_the_download_right(tmp_path: Path):
    grants = export_report.load_access(
        _write_access(
            tmp_path / "access.yml",
            {
                "ann": {"workspaces": ["w01", "w02"], "can_download": True},
                "bob": {"workspaces": ["w01"], "can_download": False},
                "cid": {"workspaces": ["w01"]},
            },
        )
    )
    export_report.check_permission(grants, "ann", "w02")
    with pytest.raises(export_report.Refused, match="not a member of workspace 'w03'"):
        export_report.check_permission(grants, "ann", "w03")
    with pytest.raises(export_report.Refused, match="may not download"):
        export_report.check_permission(grants, "bob", "w01")
    with pytest.raises(export_report.Refused, match="may not download"):
        export_report.check_permission(grants, "cid", "w01")  # no right unless granted
    with pytest.raises(export_report.Refused, match="not in the access file"):
        export_report.check_permission(grants, "eve", "w01")
    assert export_report.Refused("x").exit_code == 3


@pytest.mark.parametrize(
    "users, message",
    [
        ({"ann": {"workspaces": ["w01"], "can_downlaod": True}}, "unknown keys can_downlaod"),
        ({"ann": {"workspaces": ["w01"], "can_download": "yes"}}, "true or false"),
        ({"ann": {"workspaces": "w01", "can_download": True}}, "list of workspace ids"),
    ],
)
def test_a_malformed_access_file_is_a_configuration_error(tmp_path: Path, users: dict, message: str):
    path = _write_access(tmp_path / "access.yml", users)
    with pytest.raises(export_report.ConfigError, match=message):
        export_report.load_access(path)
    with pytest.raises(export_report.ConfigError, match="cannot read"):
        export_report.load_access(tmp_path / "missing.yml")


# --- audit record and log ---------------------------------------------------------------------


def test_audit_records_are_appended_and_read_back(tmp_path: Path):
    log = export_report.audit_log_path(tmp_path / "warehouse.duckdb")
    assert log == tmp_path / "warehouse.duckdb.exports.log"
    first = export_report.audit_record(
        "download", user="ann", kind="campaign", workspace="w01", source_id="cp1", reason="weekly review",
        rows={"Campaign": 30, "Daily stats": 3}, out=tmp_path / "a.xlsx", sha256="ab" * 32,
        now=dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc),
    )  # fmt: skip
    second = export_report.audit_record(
        "refused", user="bob", kind="flow", workspace="w02", source_id="fl1", reason=None,
        message="not a member", exit_code=3,
    )  # fmt: skip
    export_report.append_audit(log, first)
    before = log.read_bytes()
    export_report.append_audit(log, second)
    assert log.read_bytes().startswith(before)  # appended, never rewritten
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    records = export_report.read_audit(log)
    assert records == [first, second]
    assert records[0]["time"] == "2026-03-01T12:00:00.000000+00:00"
    assert records[0]["filters"] == {"workspace_id": "w01", "campaign_id": "cp1"}
    assert records[0]["file"] == str((tmp_path / "a.xlsx").resolve())
    assert records[1]["filters"] == {"workspace_id": "w02", "flow_id": "fl1"}
    assert records[1]["file"] is None and records[1]["sha256"] is None and records[1]["exit_code"] == 3
    for line in log.read_text().splitlines():
        assert set(json.loads(line)) >= {"time", "event", "user", "workspace_id", "export", "filters", "rows", "reason", "sha256"}


# --- password and encryption ------------------------------------------------------------------


def test_password_sources_and_empty_passwords(tmp_path: Path):
    env = {export_report.PASSWORD_ENV: "from-env"}
    password_file = tmp_path / "pw"
    password_file.write_text("from-file\nignored\n")
    assert export_report.read_password(password_file, env, interactive=False) == "from-file"
    assert export_report.read_password(None, env, interactive=False) == "from-env"
    with pytest.raises(export_report.RequestError, match="no password"):
        export_report.read_password(None, {}, interactive=False)
    for empty in ("", "   "):
        with pytest.raises(export_report.RequestError, match="password is empty"):
            export_report.read_password(None, {export_report.PASSWORD_ENV: empty}, interactive=False)
    password_file.write_text("")
    with pytest.raises(export_report.RequestError, match="password is empty"):
        export_report.read_password(password_file, env, interactive=False)


def test_the_password_is_not_a_command_line_option():
    for kind in ("campaign", "flow"):
        result = _run(kind, "--help")
        assert result.returncode == 0
        assert "--password-file" in result.stdout and "--password " not in result.stdout
        for option in ("--workspace", f"--{kind}", "--reason", "--user", "--out", "--db", "--access"):
            assert option in result.stdout
    assert "export_report.py campaign --help" in _run("--help").stdout


def test_the_workbook_opens_with_its_password_only(tmp_path: Path):
    sheets = [
        export_report.Sheet("Campaign", ["Field", "Value"], [["Messages sent", 3]]),
        export_report.Sheet("Audience", ["Contact ID", "Signup date"], [["c1", dt.date(2026, 3, 1)]]),
    ]
    path = tmp_path / "w.xlsx"
    path.write_bytes(export_report.encrypted_workbook(sheets, PASSWORD))
    with path.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    workbook = _open(path)
    assert workbook.sheetnames == ["Campaign", "Audience"]
    assert _rows(workbook, "Audience")[1] == ("c1", dt.datetime(2026, 3, 1))
    with pytest.raises(Exception):
        load_workbook(path)  # not a plain XLSX (zip) file
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        _open(path, "wrong password")


# --- the command on a tiny warehouse: refusals and configuration errors write nothing -----------


@pytest.fixture()
def tiny(tmp_path: Path) -> dict[str, Path]:
    """A DuckDB file with only the workspaces table, and an access file."""
    db = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema staging")
        conn.execute(
            "create table staging.base_raw__workspaces as select 'w01' as workspace_id, 'Shop' as workspace_name, "
            "'Europe/Berlin' as timezone, 'EUR' as currency, cast(null as varchar) as rejection_reason"
        )
    access = _write_access(tmp_path / "access.yml", {"bob": {"workspaces": ["w01"], "can_download": False}})
    return {"db": db, "access": access, "out": tmp_path / "out" / "c.xlsx", "log": export_report.audit_log_path(db)}


def _tiny_args(tiny: dict[str, Path], *extra: str) -> list[str]:
    return [
        "campaign", "--workspace", "w01", "--campaign", "cp1", "--reason", "check",
        "--db", str(tiny["db"]), "--access", str(tiny["access"]), "--out", str(tiny["out"]), *extra,
    ]  # fmt: skip


def test_a_refused_user_gets_exit_3_nothing_written_and_a_record(tiny: dict[str, Path]):
    result = _run(*_tiny_args(tiny, "--user", "bob"), env={export_report.PASSWORD_ENV: PASSWORD})
    assert result.returncode == export_report.EXIT_REFUSED == 3, result.stderr
    assert "refused: user 'bob' may not download" in result.stderr and "nothing written" in result.stderr
    assert not tiny["out"].exists() and not tiny["out"].parent.exists()
    [record] = export_report.read_audit(tiny["log"])
    assert record["event"] == "refused" and record["user"] == "bob" and record["exit_code"] == 3
    assert record["filters"] == {"workspace_id": "w01", "campaign_id": "cp1"} and record["reason"] == "check"
    assert PASSWORD not in tiny["log"].read_text()


def test_an_unknown_user_and_an_unknown_workspace(tiny: dict[str, Path]):
    assert _run(*_tiny_args(tiny, "--user", "mallory")).returncode == 3
    unknown = _run(*[("w99" if arg == "w01" else arg) for arg in _tiny_args(tiny, "--user", "bob")])
    assert unknown.returncode == 2 and "unknown workspace 'w99'" in unknown.stderr
    assert [record["event"] for record in export_report.read_audit(tiny["log"])] == ["refused", "rejected"]
    assert not tiny["out"].exists()


def test_a_refusal_leaves_an_existing_file_alone(tiny: dict[str, Path]):
    tiny["out"].parent.mkdir()
    tiny["out"].write_bytes(b"earlier download")
    assert _run(*_tiny_args(tiny, "--user", "bob"), env={export_report.PASSWORD_ENV: PASSWORD}).returncode == 3
    assert tiny["out"].read_bytes() == b"earlier download"
    assert [path.name for path in tiny["out"].parent.iterdir()] == [tiny["out"].name]  # no partial file left


def test_a_broken_access_file_is_exit_4(tiny: dict[str, Path]):
    tiny["access"].write_text("users: [bob]\n")
    result = _run(*_tiny_args(tiny, "--user", "bob"))
    assert result.returncode == 4 and "access file" in result.stderr
    assert export_report.read_audit(tiny["log"])[0]["event"] == "failed"
    assert not tiny["out"].exists()


# --- end to end on the demo build -------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path, tmp_path_factory) -> Path:
    """A copy of the demo build, so the audit log lands beside the copy, not the shared build."""
    copy = tmp_path_factory.mktemp("workbook") / "warehouse.duckdb"
    shutil.copy(demo_warehouse, copy)
    return copy


@pytest.fixture(scope="module")
def access(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("access") / "access.yml"
    return _write_access(
        path,
        {
            "manager": {"workspaces": ["w01", "w02", "w03", "w04", "w05"], "can_download": True},
            "analyst": {"workspaces": ["w01", "w02"], "can_download": False},
        },
    )


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def _download(warehouse: Path, access: Path, out: Path, kind: str, workspace: str, source_id: str, reason: str, *extra: str, password: str | None = PASSWORD):
    env = {} if password is None else {export_report.PASSWORD_ENV: password}
    return _run(
        kind, "--workspace", workspace, f"--{kind}", source_id, "--reason", reason, "--user", "manager",
        "--db", str(warehouse), "--access", str(access), "--out", str(out), *extra, env=env,
    )  # fmt: skip


def _records(warehouse: Path, reason: str) -> list[dict]:
    return [record for record in export_report.read_audit(export_report.audit_log_path(warehouse)) if record["reason"] == reason]


def _busy_campaign(warehouse: Path) -> tuple[str, str, str]:
    """(workspace, campaign, time zone) of a campaign with recipients over several days, outside UTC."""
    return _query(
        warehouse,
        """
        select stats.workspace_id, stats.campaign_id, workspaces.timezone
        from marts.campaign_daily_stats as stats
        inner join staging.base_raw__workspaces as workspaces
            on stats.workspace_id = workspaces.workspace_id and workspaces.rejection_reason is null
        where workspaces.timezone <> 'UTC'
        group by all
        having count(*) >= 3
        order by sum(stats.viewed) desc, 1, 2
        limit 1
        """,
    )[0]


@pytest.mark.dbt
def test_campaign_workbook_matches_the_marts(warehouse: Path, access: Path, tmp_path: Path):
    workspace, campaign, timezone = _busy_campaign(warehouse)
    out, reason = tmp_path / "campaign.xlsx", f"review {uuid.uuid4()}"
    result = _download(warehouse, access, out, "campaign", workspace, campaign, reason)
    assert result.returncode == 0, result.stderr
    workbook = _open(out)
    assert workbook.sheetnames == ["Campaign", "Daily stats", "Recipients", "Audience"]

    # campaign: the performance row and the recipient funnel
    summary = dict(_rows(workbook, "Campaign")[1:])
    performance = _query(
        warehouse,
        "select campaign_name, sends, reads, clicks, goal_conversions, net_revenue, published_at "
        "from marts.campaign_performance where workspace_id = ? and campaign_id = ?",
        [workspace, campaign],
    )[0]
    currency = _query(warehouse, "select currency from staging.base_raw__workspaces where workspace_id = ? and rejection_reason is null", [workspace])[0][0]
    assert summary["Campaign ID"] == campaign and summary["Campaign name"] == performance[0]
    assert (summary["Messages sent"], summary["Viewed"], summary["Clicked"], summary["Goal reached"]) == performance[1:5]
    assert float(summary[f"Net revenue ({currency})"]) == pytest.approx(float(performance[5]))
    published_local = performance[6].replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    assert summary["Published (local time)"] == published_local
    recipients_mart = _query(
        warehouse,
        "select contact_id, is_viewed, is_clicked, first_sent_at, first_viewed_at from marts.campaign_recipients "
        "where workspace_id = ? and campaign_id = ? order by contact_id",
        [workspace, campaign],
    )
    assert summary["Recipients"] == len(recipients_mart)
    assert summary["Recipients who viewed"] == sum(row[1] for row in recipients_mart)

    # daily stats: campaign_daily_stats, one row per local date
    daily = _rows(workbook, "Daily stats")
    assert daily[0] == (f"Date ({timezone})", "Sent", "Delivered", "Viewed", "Clicked", "Goal reached")
    daily_mart = _query(
        warehouse,
        "select activity_date, sent, delivered, viewed, clicked, goal from marts.campaign_daily_stats "
        "where workspace_id = ? and campaign_id = ? order by activity_date",
        [workspace, campaign],
    )
    assert [(row[0].date(), *row[1:]) for row in daily[1:]] == daily_mart

    # recipients: campaign_recipients, times in the workspace's zone
    recipients = _rows(workbook, "Recipients")
    header = recipients[0]
    assert header[:3] == ("Contact ID", "Messages sent", "Delivered") and f"First sent ({timezone})" in header
    assert [row[0] for row in recipients[1:]] == [row[0] for row in recipients_mart]
    first_sent, first_viewed = header.index(f"First sent ({timezone})"), header.index(f"First viewed ({timezone})")
    zone = ZoneInfo(timezone)
    for row, mart_row in zip(recipients[1:], recipients_mart):
        assert row[first_sent] == mart_row[3].replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
        if mart_row[4] is None:
            assert row[first_viewed] is None
        else:
            assert row[first_viewed] == mart_row[4].replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None)

    # audience: the recipients' profile from dim_contacts, masked and hashed only
    audience = _rows(workbook, "Audience")
    assert audience[0] == ("Contact ID", "Phone (masked)", "E-mail (hashed)", "Channel", "Country", "Signup source", "Region", "Signup date")
    contacts = _query(
        warehouse,
        "select contact_id, phone_masked, email_hashed, channel, country_code, signup_source, region, signup_date "
        "from marts.dim_contacts where workspace_id = ? and contact_id in "
        "(select contact_id from marts.campaign_recipients where workspace_id = ? and campaign_id = ?) order by contact_id",
        [workspace, workspace, campaign],
    )
    assert len(audience) - 1 == len(contacts) > 0
    assert [row[:7] for row in audience[1:]] == [row[:7] for row in contacts]
    assert [row[7].date() if row[7] else None for row in audience[1:]] == [row[7] for row in contacts]
    assert all(row[1] is None or "***" in row[1] for row in audience[1:])

    # the audit trail: one download with the counts and the file's hash
    [record] = _records(warehouse, reason)
    assert record["event"] == "download" and record["user"] == "manager" and record["export"] == "campaign"
    assert record["filters"] == {"workspace_id": workspace, "campaign_id": campaign}
    assert record["rows"] == {
        "Campaign": len(summary), "Daily stats": len(daily_mart), "Recipients": len(recipients_mart), "Audience": len(contacts)
    }  # fmt: skip
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert record["file"] == str(out.resolve())
    assert PASSWORD not in export_report.audit_log_path(warehouse).read_text()


@pytest.mark.dbt
def test_flow_workbook_matches_the_funnel(warehouse: Path, access: Path, tmp_path: Path):
    workspace, flow, messages = _query(
        warehouse,
        "select workspace_id, flow_id, count(*) from marts.fct_message_funnel where source_type = 'flow' "
        "group by all order by 3 desc, 1, 2 limit 1",
    )[0]
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    out, reason = tmp_path / "flow.xlsx", f"flow review {uuid.uuid4()}"
    result = _download(warehouse, access, out, "flow", workspace, flow, reason, "--password-file", str(password_file), password=None)
    assert result.returncode == 0, result.stderr
    workbook = _open(out)
    assert workbook.sheetnames == ["Flow", "Daily stats", "Recipients", "Audience"]
    summary = dict(_rows(workbook, "Flow")[1:])
    sends, flow_name = _query(
        warehouse, "select sends, flow_name from marts.flow_performance where workspace_id = ? and flow_id = ?", [workspace, flow]
    )[0]
    assert summary["Flow ID"] == flow and summary["Flow name"] == flow_name
    assert summary["Messages sent"] == messages == sends
    contacts = _query(
        warehouse,
        "select count(distinct contact_id) from marts.fct_message_funnel where workspace_id = ? and flow_id = ? and source_type = 'flow'",
        [workspace, flow],
    )[0][0]
    assert summary["Recipients"] == len(_rows(workbook, "Recipients")) - 1 == contacts
    assert sum(row[1] for row in _rows(workbook, "Recipients")[1:]) == messages
    assert sum(row[1] for row in _rows(workbook, "Daily stats")[1:]) == messages
    assert len(_rows(workbook, "Audience")) - 1 == contacts
    [record] = _records(warehouse, reason)
    assert record["filters"] == {"workspace_id": workspace, "flow_id": flow}
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


@pytest.mark.dbt
def test_the_flow_derivation_reproduces_the_campaign_marts(warehouse: Path):
    """Flows have no recipients or daily mart: the exporter derives them from the funnel as the campaign
    marts do. Applied to campaigns, the derivation equals campaign_recipients and campaign_daily_stats."""
    spec = export_report.WORKBOOKS["campaign"]
    campaigns = _query(warehouse, "select workspace_id, campaign_id from marts.campaign_performance where sends > 0 order by sends desc limit 6")
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for workspace, campaign in campaigns:
            timezone = export_report.workspace_settings(conn, workspace)[1]
            params = {"workspace": workspace, "id": campaign, "kind": "campaign", "tz": timezone}
            for build in (export_report._recipients_sql, export_report._daily_sql):
                from_marts, from_funnel = (
                    conn.execute(sql, {key: value for key, value in params.items() if f"${key}" in sql}).fetchall()
                    for sql in (build(spec, from_funnel=False), build(spec, from_funnel=True))
                )
                assert from_marts, (workspace, campaign, build.__name__)
                assert from_funnel == from_marts, (workspace, campaign, build.__name__)


@pytest.mark.dbt
def test_bad_inputs_write_nothing_and_are_recorded(warehouse: Path, access: Path, tmp_path: Path):
    workspace, campaign, _timezone = _busy_campaign(warehouse)
    elsewhere = _query(
        warehouse,
        "select workspace_id, campaign_id from marts.campaign_performance where campaign_id not in "
        "(select campaign_id from marts.campaign_performance where workspace_id = ?) order by 1, 2 limit 1",
        [workspace],
    )[0]
    out = tmp_path / "bad.xlsx"
    cases = [
        (("campaign", "w_unknown", campaign), {}, "unknown workspace 'w_unknown'"),
        (("campaign", workspace, "cp_unknown"), {}, f"no campaign 'cp_unknown' in workspace '{workspace}'"),
        (("campaign", workspace, elsewhere[1]), {}, f"no campaign '{elsewhere[1]}' in workspace '{workspace}'"),
        (("flow", workspace, "fl_unknown"), {}, f"no flow 'fl_unknown' in workspace '{workspace}'"),
        (("campaign", workspace, campaign), {"password": ""}, "password is empty"),
        (("campaign", workspace, campaign), {"password": None}, "no password"),
    ]
    for (kind, ws, source_id), options, message in cases:
        reason = f"bad input {uuid.uuid4()}"
        result = _download(warehouse, access, out, kind, ws, source_id, reason, **options)
        assert result.returncode == 2, (kind, ws, source_id, result.stderr)
        assert message in result.stderr and "nothing written" in result.stderr
        assert not out.exists()
        [record] = _records(warehouse, reason)
        assert record["event"] == "rejected" and record["exit_code"] == 2 and message in record["message"]
        assert record["sha256"] is None and record["file"] is None
    # no reason: rejected too, recorded with the attempt's filters
    before = len(export_report.read_audit(export_report.audit_log_path(warehouse)))
    result = _download(warehouse, access, out, "campaign", workspace, campaign, "   ")
    assert result.returncode == 2 and "--reason is required" in result.stderr and not out.exists()
    last = export_report.read_audit(export_report.audit_log_path(warehouse))[before:]
    assert [record["event"] for record in last] == ["rejected"]
    # a member without the download right is refused (exit 3), nothing written
    reason = f"analyst {uuid.uuid4()}"
    result = _run(
        "campaign", "--workspace", "w01", "--campaign", campaign, "--reason", reason, "--user", "analyst",
        "--db", str(warehouse), "--access", str(access), "--out", str(out), env={export_report.PASSWORD_ENV: PASSWORD},
    )  # fmt: skip
    assert result.returncode == 3 and not out.exists()
    assert [record["event"] for record in _records(warehouse, reason)] == ["refused"]

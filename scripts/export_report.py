#!/usr/bin/env python
"""Export one mart, filtered by workspace (and campaign, and date range), to CSV or XLSX.

The "export campaign data" button of the platform, for the command line and schedulers:

    python scripts/export_report.py --mart campaign_orders --workspace ws_1 \\
        --campaign cmp_7 --from 2026-01-01 --to 2026-01-31 --format xlsx --out orders.xlsx

Reads the BI file read-only (default: $MSGWH_BI_PATH, else `<warehouse stem>_bi.duckdb` beside
$DBT_DUCKDB_PATH or warehouse.duckdb in the repo root: the marts alone, see msgwh/bi.py).
Only the public marts of docs/contract.md#marts can be exported (a whitelist); identifiers come
from that whitelist and the database's own catalogue, and every user value is passed as a query
parameter, never formatted into the SQL.

One send's data as a marketer downloads it: a password-protected workbook of four sheets
(campaign, daily stats, recipients, audience), for members the access file allows, with a
reason, recorded in an append-only log beside the warehouse file (`<warehouse>.exports.log`):

    MSGWH_EXPORT_PASSWORD=... python scripts/export_report.py campaign --workspace w01 \\
        --campaign cp00001 --reason "weekly review" --out cp00001.xlsx
    python scripts/export_report.py flow --workspace w01 --flow fl001 --reason ... \\
        --password-file "$EXPORT_PASSWORD_FILE" --out fl001.xlsx

Exit codes of the workbook commands: 0 written, 2 bad request (unknown workspace, campaign or
flow; missing reason; empty password), 3 refused (the access file does not allow it),
4 configuration (access file, warehouse or audit log unusable). Nothing is written unless 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import io
import json
import os
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh import bi  # noqa: E402
from msgwh.export import DEFAULT_SCHEMA, MARTS, ExportError, xlsx_value, export, table_columns  # noqa: E402


def default_db_path() -> str:
    """The BI file (the marts alone, msgwh/bi.py): exports never open the private warehouse."""
    return str(bi.bi_path(Path(os.environ.get("DBT_DUCKDB_PATH") or ROOT / "warehouse.duckdb")))


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_report.py",
        description="Export a mart (docs/contract.md#marts), filtered by workspace, campaign and date range, to CSV or XLSX.",
        epilog="One campaign's or flow's protected workbook: export_report.py campaign --help, export_report.py flow --help.",
    )
    parser.add_argument("--mart", required=True, choices=sorted(MARTS), metavar="NAME", help="mart to export: %(choices)s")
    parser.add_argument("--workspace", required=True, metavar="W", help="workspace_id to export")
    parser.add_argument("--campaign", metavar="C", help="campaign_id to keep (marts with a campaign_id column only)")
    parser.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE", help="first local date to keep, inclusive (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE", help="last local date to keep, inclusive (YYYY-MM-DD)")
    parser.add_argument("--format", dest="fmt", required=True, choices=("csv", "xlsx"), help="output format")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="file to write")
    parser.add_argument("--db", default=None, metavar="PATH", help="DuckDB file (default: the BI file, $MSGWH_BI_PATH or warehouse_bi.duckdb)")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA, help=argparse.SUPPRESS)
    return parser



EXIT_OK = 0
EXIT_BAD_REQUEST = 2
EXIT_REFUSED = 3
EXIT_CONFIG = 4

DEFAULT_ACCESS_FILE = ROOT / "config" / "access.yml"
PASSWORD_ENV = "MSGWH_EXPORT_PASSWORD"
AUDIT_SUFFIX = ".exports.log"
STAGING_SCHEMA = "staging"


class Workbook(NamedTuple):
    """What a workbook command exports: its kind, the id column it selects by and the marts it reads."""

    kind: str
    id_column: str
    performance_mart: str
    name_column: str


WORKBOOKS: dict[str, Workbook] = {
    "campaign": Workbook("campaign", "campaign_id", "campaign_performance", "campaign_name"),
    "flow": Workbook("flow", "flow_id", "flow_performance", "flow_name"),
}

# the first sheet is named for the kind: "Campaign" or "Flow"
SHEETS = ("Summary", "Daily stats", "Recipients", "Audience")


class RequestError(Exception):
    """A workbook request that cannot be served as asked; `exit_code` says why (2, 3 or 4)."""

    exit_code = EXIT_BAD_REQUEST
    event = "rejected"


class Refused(RequestError):
    """The access file does not let this user download this workspace's data."""

    exit_code = EXIT_REFUSED
    event = "refused"


class ConfigError(RequestError):
    """The access file, the warehouse or the audit log cannot be used."""

    exit_code = EXIT_CONFIG
    event = "failed"


class Grant(NamedTuple):
    """One user's entry of the access file."""

    workspaces: frozenset[str]
    can_download: bool


def load_access(path: Path) -> dict[str, Grant]:
    """The access file (config/access.yml): users -> workspaces and download right; strict about its shape."""
    import yaml

    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the access file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"the access file {path} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("users"), dict):
        raise ConfigError(f"the access file {path} needs a mapping `users:` of user -> workspaces, can_download")
    unknown = set(document) - {"users"}
    if unknown:
        raise ConfigError(f"the access file {path} has unknown top-level keys: {', '.join(sorted(map(str, unknown)))}")
    grants: dict[str, Grant] = {}
    for user, entry in document["users"].items():
        where = f"the access file {path}, user {user!r}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a mapping with workspaces and can_download")
        extra = set(entry) - {"workspaces", "can_download"}
        if extra:
            raise ConfigError(f"{where}: unknown keys {', '.join(sorted(map(str, extra)))}")
        workspaces = entry.get("workspaces", [])
        if not isinstance(workspaces, list) or not all(isinstance(item, str) and item for item in workspaces):
            raise ConfigError(f"{where}: workspaces must be a list of workspace ids")
        can_download = entry.get("can_download", False)
        if not isinstance(can_download, bool):
            raise ConfigError(f"{where}: can_download must be true or false")
        grants[str(user)] = Grant(frozenset(workspaces), can_download)
    return grants


def check_permission(grants: dict[str, Grant], user: str, workspace: str) -> None:
    """Raise Refused unless `user` is a member of `workspace` with the download right."""
    grant = grants.get(user)
    if grant is None:
        raise Refused(f"user {user!r} is not in the access file: ask an administrator for download access")
    if workspace not in grant.workspaces:
        raise Refused(f"user {user!r} is not a member of workspace {workspace!r}")
    if not grant.can_download:
        raise Refused(f"user {user!r} may not download personal data of workspace {workspace!r}")


def audit_log_path(db: str | Path) -> Path:
    """The audit log beside the private warehouse file: never inside a DuckDB file that BI reads."""
    db = Path(db)
    return db.with_name(db.name + AUDIT_SUFFIX)


def audit_record(
    event: str,
    *,
    user: str,
    kind: str,
    workspace: str,
    source_id: str | None,
    reason: str | None,
    rows: dict[str, int] | None = None,
    out: Path | None = None,
    sha256: str | None = None,
    message: str | None = None,
    exit_code: int = EXIT_OK,
    now: dt.datetime | None = None,
) -> dict[str, object]:
    """One line of the audit log; never the password."""
    return {
        "time": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="microseconds"),
        "event": event,
        "user": user,
        "os_user": _os_user(),
        "host": socket.gethostname(),
        "workspace_id": workspace,
        "export": kind,
        "filters": {"workspace_id": workspace, WORKBOOKS[kind].id_column: source_id},
        "reason": reason,
        "rows": rows,
        "file": str(Path(out).resolve()) if out is not None and event == "download" else None,
        "sha256": sha256,
        "message": message,
        "exit_code": exit_code,
    }


def append_audit(path: Path, record: dict[str, object]) -> None:
    """Append one JSON line (O_APPEND, one write, fsync); the log is only ever appended to."""
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise ConfigError(f"cannot append to the audit log {path}: {exc.strerror or exc}") from exc


def read_audit(path: Path) -> list[dict[str, object]]:
    """Every record of an audit log, oldest first."""
    if not Path(path).exists():
        return []
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def read_password(password_file: Path | None, environ: dict[str, str] | None = None, interactive: bool | None = None) -> str:
    """The workbook password: --password-file, else $MSGWH_EXPORT_PASSWORD, else a prompt on a terminal.

    Never from the command line itself (it would land in shell history and the process list).
    """
    environ = os.environ if environ is None else environ
    if password_file is not None:
        try:
            lines = Path(password_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise RequestError(f"cannot read --password-file {password_file}: {exc.strerror or exc}") from exc
        password = lines[0] if lines else ""
    elif PASSWORD_ENV in environ:
        password = environ[PASSWORD_ENV]
    elif interactive if interactive is not None else sys.stdin.isatty():
        password = getpass.getpass("Workbook password: ")
        if password and getpass.getpass("Repeat the password: ") != password:
            raise RequestError("the passwords do not match")
    else:
        raise RequestError(f"no password: set {PASSWORD_ENV}, pass --password-file, or run on a terminal to be asked")
    if not password.strip():
        raise RequestError("the password is empty: the workbook holds personal data and must be encrypted")
    return password


class Sheet(NamedTuple):
    """One sheet of a workbook: its name, header and rows."""

    name: str
    header: list[str]
    rows: list[list[object]]


def _local(expression: str) -> str:
    """A UTC timestamp column as the workspace's local time (the time zone is the first parameter)."""
    return f"timezone($tz, {expression} at time zone 'UTC')"


def workspace_settings(conn: duckdb.DuckDBPyConnection, workspace: str) -> tuple[str, str, str]:
    """(name, time zone, currency) of a workspace: its usable row in the checked base table that
    stg_raw__workspaces selects from. No mart carries the time zone, and the staging view names the
    catalogue it was built in, which a copied or renamed warehouse file no longer has."""
    if not table_columns(conn, STAGING_SCHEMA, "base_raw__workspaces"):
        raise ConfigError(f"{STAGING_SCHEMA}.base_raw__workspaces is missing: this is not a built private warehouse")
    row = conn.execute(
        f"""
        select workspace_name, timezone, currency from {STAGING_SCHEMA}.base_raw__workspaces
        where workspace_id = ? and rejection_reason is null
        """,
        [workspace],
    ).fetchone()
    if row is None:
        raise RequestError(f"unknown workspace {workspace!r}")
    return row


def _summary_sheet(conn, spec: Workbook, params: dict[str, object], currency: str, recipients: list[list[object]]) -> Sheet:
    row = conn.execute(
        f"select * from marts.{spec.performance_mart} where workspace_id = $workspace and {spec.id_column} = $id",
        {key: params[key] for key in ("workspace", "id")},
    )
    names = [description[0] for description in row.description]
    values = dict(zip(names, row.fetchone()))
    funnel = conn.execute(
        f"""
        select
            count(*),
            count(case when is_delivered or is_viewed or is_clicked then 1 end),
            count(case when is_viewed then 1 end),
            count(case when is_clicked then 1 end),
            count(case when has_goal then 1 end),
            count(case when is_failed then 1 end)
        from marts.fct_message_funnel
        where workspace_id = $workspace and {spec.id_column} = $id and source_type = $kind
        """,
        {key: params[key] for key in ("workspace", "id", "kind")},
    ).fetchone()
    if spec.kind == "campaign":
        # the message totals of campaign_performance (they reconcile with the funnel)
        funnel = (values["sends"], values["delivered"], values["reads"], values["clicks"], values["goal_conversions"], values["failed"])
    pairs: list[tuple[str, object]] = [
        (f"{spec.kind.title()} ID", values[spec.id_column]),
        (f"{spec.kind.title()} name", values[spec.name_column]),
        ("Channel", values["channel"]),
        ("Status", values["status"]),
    ]
    if spec.kind == "campaign":
        pairs.append(("Published (local time)", values["published_at"]))
    else:
        pairs += [
            ("Flow type", values["flow_type"]),
            ("Created (local time)", values["created_at"]),
            ("Flow runs started", values["started"]),
            ("Flow runs completed", values["completed"]),
            ("Contacts who entered", values["contacts_started"]),
        ]
    pairs += list(zip(("Messages sent", "Delivered", "Viewed", "Clicked", "Goal reached", "Failed"), funnel))
    pairs += [
        ("Recipients", len(recipients)),
        ("Recipients delivered", sum(1 for row in recipients if row[2])),
        ("Recipients who viewed", sum(1 for row in recipients if row[3])),
        ("Recipients who clicked", sum(1 for row in recipients if row[4])),
        ("Recipients who reached the goal", sum(1 for row in recipients if row[5])),
        ("Attributed orders", values["attributed_orders"]),
        (f"Gross revenue ({currency})", values["gross_revenue"]),
        (f"Net revenue ({currency})", values["net_revenue"]),
        (f"Cost ({currency})", values["cost"]),
        (f"Revenue per send ({currency})", values["revenue_per_send"]),
        (f"Earnings per click ({currency})", values["epc"]),
    ]
    if spec.kind == "campaign":
        pairs += [
            ("Orders by last touch", values["last_touch_orders"]),
            ("Orders by coupon", values["coupon_orders"]),
            ("View rate", values["read_rate"]),
            ("Click-through rate", values["click_through_rate"]),
            ("ROAS", values["roas"]),
            ("ROI", values["roi"]),
        ]
    else:
        pairs += [("Contacts who bought", values["bought"]), ("Completion rate", values["completion_rate"])]
    local_column = {"campaign": "Published (local time)", "flow": "Created (local time)"}[spec.kind]
    utc_value = values["published_at" if spec.kind == "campaign" else "created_at"]
    if utc_value is not None:
        local_value = conn.execute(f"select {_local('$at')}", {"tz": params["tz"], "at": utc_value}).fetchone()[0]
        pairs = [(label, local_value if label == local_column else value) for label, value in pairs]
    return Sheet(spec.kind.title(), ["Field", "Value"], [list(pair) for pair in pairs])


RECIPIENT_HEADER = [
    "Contact ID", "Messages sent", "Delivered", "Viewed", "Clicked", "Goal reached", "Messages delivered",
    "Messages viewed", "Messages clicked", "Messages reaching the goal", "Clicks",
    "First sent", "Last sent", "First delivered", "First viewed", "First clicked", "First goal",
]  # fmt: skip


def _recipients_sql(spec: Workbook, from_funnel: bool | None = None) -> str:
    """Recipients of the send with their local first times: campaign_recipients for a campaign;
    for a flow (`from_funnel`) the same aggregation of fct_message_funnel as
    models/marts/campaigns/campaign_recipients.sql (a test checks both agree on campaigns)."""
    if not (spec.kind != "campaign" if from_funnel is None else from_funnel):
        source = """
            select * from marts.campaign_recipients
            where workspace_id = $workspace and campaign_id = $id
        """
    else:
        source = f"""
            select
                contact_id,
                count(*) as messages_sent,
                count(case when is_delivered or is_viewed or is_clicked then 1 end) as messages_delivered,
                count(case when is_viewed then 1 end) as messages_viewed,
                count(case when is_clicked then 1 end) as messages_clicked,
                count(case when has_goal then 1 end) as messages_with_goal,
                sum(click_count) as click_events,
                min(sent_at) as first_sent_at,
                max(sent_at) as last_sent_at,
                min(least(delivered_at, viewed_at, clicked_at)) as first_delivered_at,
                min(viewed_at) as first_viewed_at,
                min(clicked_at) as first_clicked_at,
                min(goal_at) as first_goal_at
            from marts.fct_message_funnel
            where workspace_id = $workspace and {spec.id_column} = $id and source_type = $kind
            group by contact_id
        """
    times = ("first_sent_at", "last_sent_at", "first_delivered_at", "first_viewed_at", "first_clicked_at", "first_goal_at")
    return f"""
        with recipients as ({source})
        select
            contact_id,
            messages_sent,
            messages_delivered > 0,
            messages_viewed > 0,
            messages_clicked > 0,
            messages_with_goal > 0,
            messages_delivered,
            messages_viewed,
            messages_clicked,
            messages_with_goal,
            cast(click_events as bigint),
            {", ".join(_local(column) for column in times)}
        from recipients
        order by contact_id
    """


def _daily_sql(spec: Workbook, from_funnel: bool | None = None) -> str:
    """Daily stats: campaign_daily_stats for a campaign; for a flow (`from_funnel`) each message milestone
    counted on its local date, as campaign_daily_stats counts them (a read or click proves delivery;
    a test checks both agree on campaigns)."""
    if not (spec.kind != "campaign" if from_funnel is None else from_funnel):
        return """
            select activity_date, sent, delivered, viewed, clicked, goal
            from marts.campaign_daily_stats
            where workspace_id = $workspace and campaign_id = $id
            order by activity_date
        """
    milestones = {
        "sent": "sent_at",
        "delivered": "least(delivered_at, viewed_at, clicked_at)",
        "viewed": "viewed_at",
        "clicked": "clicked_at",
        "goal": "goal_at",
    }
    unions = "\n            union all\n".join(
        f"            select '{name}' as milestone, {expression} as happened_at from messages" for name, expression in milestones.items()
    )
    counts = ",\n            ".join(f"count(case when milestone = '{name}' then 1 end) as {name}" for name in milestones)
    return f"""
        with messages as (
            select * from marts.fct_message_funnel
            where workspace_id = $workspace and {spec.id_column} = $id and source_type = $kind
        ),
        milestones as (
{unions}
        )
        select
            cast({_local('happened_at')} as date) as activity_date,
            {counts}
        from milestones
        where happened_at is not null
        group by 1
        order by 1
    """


AUDIENCE_HEADER = ["Contact ID", "Phone (masked)", "E-mail (hashed)", "Channel", "Country", "Signup source", "Region", "Signup date"]


def build_sheets(conn: duckdb.DuckDBPyConnection, kind: str, workspace: str, source_id: str) -> list[Sheet]:
    """The four sheets of one campaign's or flow's workbook; RequestError for an unknown workspace or send."""
    spec = WORKBOOKS[kind]
    _name, timezone, currency = workspace_settings(conn, workspace)
    found = conn.execute(
        f"select count(*) from marts.{spec.performance_mart} where workspace_id = ? and {spec.id_column} = ?",
        [workspace, source_id],
    ).fetchone()[0]
    if not found:
        # the same words whether the id is unknown or belongs to another workspace: nothing leaks across workspaces
        raise RequestError(f"no {kind} {source_id!r} in workspace {workspace!r}")
    params: dict[str, object] = {"workspace": workspace, "id": source_id, "kind": kind, "tz": timezone}

    def run(sql: str) -> list[list[object]]:
        used = {key: value for key, value in params.items() if f"${key}" in sql}
        return [list(row) for row in conn.execute(sql, used).fetchall()]

    recipients = run(_recipients_sql(spec))
    daily = run(_daily_sql(spec))
    audience = run(
        f"""
        with recipients as ({_recipients_sql(spec)})
        select
            contacts.contact_id,
            contacts.phone_masked,
            contacts.email_hashed,
            contacts.channel,
            contacts.country_code,
            contacts.signup_source,
            contacts.region,
            contacts.signup_date
        from marts.dim_contacts as contacts
        inner join recipients
            on contacts.contact_id = recipients.contact_id
        where contacts.workspace_id = $workspace
        order by contacts.contact_id
        """
    )
    zone = f" ({timezone})"
    recipient_header = [name + zone if name.startswith(("First ", "Last ")) else name for name in RECIPIENT_HEADER]
    return [
        _summary_sheet(conn, spec, params, currency, recipients),
        Sheet(SHEETS[1], [f"Date{zone}", "Sent", "Delivered", "Viewed", "Clicked", "Goal reached"], daily),
        Sheet(SHEETS[2], recipient_header, recipients),
        Sheet(SHEETS[3], AUDIENCE_HEADER, audience),
    ]


def encrypted_workbook(sheets: Sequence[Sheet], password: str) -> bytes:
    """The sheets as an XLSX workbook, encrypted with `password` (ECMA-376 agile encryption, msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook as XlsxWorkbook

    workbook = XlsxWorkbook(write_only=True)
    for sheet in sheets:
        target = workbook.create_sheet(title=sheet.name[:31])
        target.append(sheet.header)
        for row in sheet.rows:
            target.append([xlsx_value(value) for value in row])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt(password, encrypted)
    return encrypted.getvalue()


def build_workbook_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_report.py",
        description="Download one campaign's or flow's data as a password-protected XLSX workbook "
        "(sheets: campaign, daily stats, recipients, audience), with permission, reason and audit trail.",
    )
    commands = parser.add_subparsers(dest="kind", required=True, metavar="{campaign,flow}")
    for kind, spec in WORKBOOKS.items():
        command = commands.add_parser(
            kind,
            help=f"one {kind}'s workbook",
            description=f"Write one {kind}'s workbook, encrypted with a password, for a user the access file allows; "
            f"record the download (or the refusal) in <warehouse>{AUDIT_SUFFIX}. Exit codes: 0 written, "
            "2 bad request, 3 refused, 4 configuration; nothing is written unless 0.",
        )
        command.add_argument("--workspace", required=True, metavar="W", help="workspace_id")
        command.add_argument(f"--{kind}", dest="source_id", required=True, metavar=spec.id_column.split("_")[0][0].upper(), help=spec.id_column)
        command.add_argument("--reason", metavar="TEXT", help="why the data is needed (required; recorded)")
        command.add_argument("--out", required=True, type=Path, metavar="FILE", help="the .xlsx file to write")
        command.add_argument(
            "--user",
            default=None,
            metavar="NAME",
            help="who downloads, as named in the access file (default: your login name; both are recorded)",
        )
        command.add_argument(
            "--password-file",
            type=Path,
            metavar="FILE",
            help=f"read the password from the first line of FILE (else ${PASSWORD_ENV}, else a prompt on a terminal; "
            "never an option value)",
        )
        command.add_argument("--access", type=Path, default=DEFAULT_ACCESS_FILE, metavar="FILE", help="access file (default: config/access.yml)")
        command.add_argument("--db", default=None, metavar="PATH", help="DuckDB file (default: the BI file, $MSGWH_BI_PATH or warehouse_bi.duckdb)")
    return parser


def export_workbook(
    *,
    db: str,
    kind: str,
    workspace: str,
    source_id: str,
    user: str,
    reason: str | None,
    out: Path,
    access: Path = DEFAULT_ACCESS_FILE,
    password_file: Path | None = None,
    environ: dict[str, str] | None = None,
    interactive: bool | None = None,
) -> dict[str, object]:
    """Check, build, encrypt, record and write one workbook; return its audit record.

    Every attempt is recorded in `<db>.exports.log`; on any RequestError nothing is written. The
    file appears (atomically, by rename) only after its record is in the log.
    """
    log = audit_log_path(db)
    record = dict(user=user, kind=kind, workspace=workspace, source_id=source_id, reason=reason)
    try:
        if not Path(db).exists():
            raise ConfigError(f"no DuckDB file at {db}")
        grants = load_access(access)
        try:
            with duckdb.connect(str(db), read_only=True) as conn:
                workspace_settings(conn, workspace)
                check_permission(grants, user, workspace)
                if reason is None or not reason.strip():
                    raise RequestError("a --reason is required: say why the data is needed (it is recorded)")
                sheets = build_sheets(conn, kind, workspace, source_id)
        except duckdb.Error as exc:
            raise ConfigError(f"cannot read the warehouse {db}: {exc}") from exc
        password = read_password(password_file, environ, interactive)
        payload = encrypted_workbook(sheets, password)
    except RequestError as exc:
        if Path(db).exists():
            try:
                append_audit(log, audit_record(exc.event, **record, message=str(exc), exit_code=exc.exit_code))
            except ConfigError as log_error:
                exc.args = (f"{exc} (and {log_error})",)
        raise
    rows = {sheet.name: len(sheet.rows) for sheet in sheets}
    sha256 = hashlib.sha256(payload).hexdigest()
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        error = ConfigError(f"cannot write to {out.parent}: {exc.strerror or exc}")
        append_audit(log, audit_record(error.event, **record, message=str(error), exit_code=error.exit_code))
        raise error from exc
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
        entry = audit_record("download", **record, rows=rows, out=out, sha256=sha256)
        append_audit(log, entry)
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return entry


def workbook_main(argv: Sequence[str]) -> int:
    parser = build_workbook_parser()
    args = parser.parse_args(argv)
    user = args.user or _os_user()
    try:
        entry = export_workbook(
            db=args.db or default_db_path(),
            kind=args.kind,
            workspace=args.workspace,
            source_id=args.source_id,
            user=user,
            reason=args.reason,
            out=args.out,
            access=args.access,
            password_file=args.password_file,
        )
    except RequestError as exc:
        label = {EXIT_REFUSED: "refused", EXIT_CONFIG: "cannot export"}.get(exc.exit_code, "bad request")
        print(f"export_report.py {args.kind}: {label}: {exc}; nothing written", file=sys.stderr)
        return exc.exit_code
    counts = ", ".join(f"{name.lower()} {count}" for name, count in entry["rows"].items())
    print(f"wrote {args.out} (encrypted; rows: {counts}); recorded in {audit_log_path(args.db or default_db_path())}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in WORKBOOKS:
        return workbook_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        count = export(
            db=args.db or default_db_path(),
            mart=args.mart,
            workspace=args.workspace,
            fmt=args.fmt,
            out=args.out,
            campaign=args.campaign,
            date_from=args.date_from,
            date_to=args.date_to,
            schema=args.schema,
        )
    except ExportError as exc:
        parser.error(str(exc))
    print(f"wrote {count} rows of {args.mart} to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

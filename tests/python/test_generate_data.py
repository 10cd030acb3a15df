"""Tests of scripts/generate_data.py: determinism, the contract shape, and that the data
looks like a platform (funnels, duplicates, stitching material, bad rows of every kind)."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import phonenumbers
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_data.py"
sys.path.insert(0, str(ROOT))

from msgwh.contract import CHANNELS, EVENT_TYPES, RAW_TABLES  # noqa: E402
from tests.conftest import load_script

CONTACTS = 300
SEED = 11


gd = load_script(SCRIPT)


def _run(out: Path, fmt: str = "parquet", seed: int = SEED, contacts: int = CONTACTS, **extra) -> Path:
    argv = ["--out", str(out), "--contacts", str(contacts), "--days", "60", "--seed", str(seed),
            "--format", fmt, *[a for k, v in extra.items() for a in (f"--{k.replace('_', '-')}", str(v))]]
    gd.generate(gd.parse_args(argv), progress=False)
    return out


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("parquet"))


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("csv"), fmt="csv")


@pytest.fixture(scope="module")
def con(parquet_dir) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    for table in RAW_TABLES:
        c.execute(f"create view {table} as select * from read_parquet('{parquet_dir / table}.parquet')")
    # the usable rows: known workspace, id present, in the period
    c.execute("create view good_ws as select distinct workspace_id from workspaces where workspace_id is not null")
    return c


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


# -- files and determinism ------------------------------------------------------------------


def test_one_file_per_contract_table(parquet_dir, csv_dir):
    assert sorted(p.name for p in parquet_dir.iterdir()) == sorted(f"{t}.parquet" for t in RAW_TABLES)
    assert sorted(p.name for p in csv_dir.iterdir()) == sorted(f"{t}.csv" for t in RAW_TABLES)


def test_same_seed_gives_identical_files(parquet_dir, tmp_path):
    again = _run(tmp_path / "again", threads=1)  # a different thread count must not matter
    assert _hashes(again) == _hashes(parquet_dir)


def test_csv_is_deterministic_too(csv_dir, tmp_path):
    assert _hashes(_run(tmp_path / "again", fmt="csv")) == _hashes(csv_dir)


def test_other_seed_gives_other_data(parquet_dir, tmp_path):
    other = _hashes(_run(tmp_path / "other", seed=SEED + 1))
    mine = _hashes(parquet_dir)
    changed = [name for name in mine if mine[name] != other[name]]
    assert {"contacts.parquet", "messages.parquet", "message_events.parquet", "shop_orders.parquet"} <= set(changed)


def test_parquet_has_exactly_the_contract_columns_and_types(con):
    for table, cols in RAW_TABLES.items():
        described = con.execute(f"describe {table}").fetchall()
        got = [(row[0], row[1].lower()) for row in described]
        assert got == [(c, t.lower()) for c, t in cols], table


def test_every_table_has_rows(con):
    for table in RAW_TABLES:
        assert scalar(con, f"select count(*) from {table}") > 0, table


def test_csv_holds_the_same_rows_as_parquet(csv_dir, con):
    """Read with the contract types: NULL is an empty field, text round-trips exactly."""
    for table, cols in RAW_TABLES.items():
        types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols) + "}"
        csv_rel = (f"read_csv('{csv_dir / table}.csv', header = true, columns = {types}, "
                   f"quote = '\"', escape = '\"', timestampformat = '%Y-%m-%d %H:%M:%S')")
        diff = scalar(con, f"select count(*) from ((select * from {csv_rel} except all select * from {table}) "
                           f"union all (select * from {table} except all select * from {csv_rel}))")
        assert diff == 0, table


def test_csv_can_be_sniffed(csv_dir):
    """A plain read_csv (as a dbt source over raw_path would do) gets every column and row."""
    c = duckdb.connect()
    for table, cols in RAW_TABLES.items():
        names = [r[0] for r in c.execute(f"describe select * from read_csv('{csv_dir / table}.csv')").fetchall()]
        assert names == [c for c, _ in cols], table


def test_csv_format_details(csv_dir):
    header, first = (csv_dir / "flow_runs.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.replace('"', "").split(",") == [c for c, _ in RAW_TABLES["flow_runs"]]
    started_at = first.split(",")[4]
    assert len(started_at) == len("2026-01-01 00:00:00") and started_at[10] == " "
    settings = (csv_dir / "attribution_settings.csv").read_text().splitlines()[1]
    assert settings.endswith((",true", ",false"))


def test_help_runs():
    out = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "--contacts" in out.stdout and "--bad-share" in out.stdout and "--end-date" in out.stdout


def test_main_prints_row_counts(tmp_path):
    """The summary table printed by main() names every table with the rows its file holds."""
    out = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path), "--contacts", "50", "--days", "14",
                          "--format", "csv"], capture_output=True, text=True, check=True)
    assert "generated in" in out.stdout
    # table rows look like "│ shop_orders │ 51 │" (box characters vary with the terminal); the
    # title wraps with the length of the path, so a line "seed 42)" has that shape too
    printed = {
        match[1]: int(match[2].replace(",", ""))
        for line in out.stdout.splitlines()
        if (match := re.fullmatch(r"\W*([a-z_]+)\s*\W\s*([\d,]+)\W*", line.strip()))
        and match[1] in (*RAW_TABLES, "total")
    }
    reader = duckdb.connect()
    written = {
        table: scalar(reader, f"select count(*) from read_csv('{tmp_path / table}.csv', header = true, "
                              f"all_varchar = true, quote = '\"', escape = '\"')")
        for table in RAW_TABLES
    }
    assert printed.pop("total") == sum(written.values())
    assert printed == written
    assert sum(1 for n in written.values() if n > 0) > len(RAW_TABLES) // 2


# -- realism --------------------------------------------------------------------------------


def test_funnel_rates_are_believable(con):
    rates = con.execute("""
        with per_message as (
            select m.workspace_id, m.message_id,
                max((e.event_type = 'delivered')::int) as delivered,
                max((e.event_type = 'read')::int) as viewed,
                max((e.event_type in ('clicked', 'cta_click', 'quick_reply'))::int) as clicked,
                max((e.event_type = 'failed')::int) as failed
            from (select distinct workspace_id, message_id from messages where message_id is not null) m
            left join message_events e on m.workspace_id = e.workspace_id and m.message_id = e.message_id
            group by all
        )
        select avg(delivered), avg(viewed), avg(clicked), avg(failed) from per_message
    """).fetchone()
    delivered, viewed, clicked, failed = rates
    assert 0.90 < delivered < 0.99
    assert 0.35 < viewed < delivered
    assert 0.03 < clicked < viewed
    assert 0.005 < failed < 0.10


def test_events_follow_their_message(con):
    early = scalar(con, """
        select count(*) from message_events e
        inner join messages m on e.workspace_id = m.workspace_id and e.message_id = m.message_id
        where e.occurred_at < m.sent_at and e.occurred_at >= timestamp '2000-01-01'
          and m.sent_at >= timestamp '2000-01-01' and m.sent_at < timestamp '2099-01-01'
    """)
    # only the message rows duplicated with another sent_at may precede their events
    assert early <= scalar(con, "select count(*) from messages") * 0.01


def test_webhook_retries_repeat_event_ids(con):
    repeated = scalar(con, """
        select count(*) from (select workspace_id, event_id from message_events where event_id is not null
                              group by all having count(*) > 1)""")
    assert repeated > 0


def test_click_events_carry_click_ids(con):
    rows = dict(con.execute("""
        select event_type, avg((click_id is not null)::int) from message_events
        where event_type in ('clicked', 'delivered', 'read') group by 1""").fetchall())
    assert rows["clicked"] == 1.0 and rows["delivered"] == 0 and rows["read"] == 0


def test_heavy_and_light_contacts(con):
    p10, p90 = con.execute("""
        select quantile_disc(n, 0.1), quantile_disc(n, 0.9) from (
            select workspace_id, contact_id, count(*) as n from messages group by all)""").fetchone()
    assert p90 >= 3 * p10


def test_ids_are_reused_across_workspaces(con):
    for table, key in [("contacts", "contact_id"), ("messages", "message_id"), ("shop_orders", "order_id"),
                       ("campaigns", "campaign_id")]:
        shared = scalar(con, f"""
            select count(*) from (select {key} from {table} where workspace_id in (select * from good_ws)
                                  and {key} is not null group by 1 having count(distinct workspace_id) > 1)""")
        assert shared > 0, table


def test_workspaces_differ_in_zone_and_currency(con):
    zones, currencies = con.execute(
        "select count(distinct timezone), count(distinct currency) from workspaces").fetchone()
    assert zones >= 4 and currencies >= 4


def test_each_workspace_has_settings(con):
    missing = scalar(con, """
        select count(*) from good_ws w
        where not exists (select 1 from attribution_settings s where s.workspace_id = w.workspace_id
                          and s.window_days > 0)""")
    assert missing == 0
    assert scalar(con, "select max(n) from (select count(*) n from attribution_settings "
                       "where workspace_id in (select * from good_ws) group by workspace_id)") >= 2
    assert scalar(con, "select count(*) from attribution_settings where not coupon_attribution_enabled") > 0


def test_fx_rates_cover_every_currency_pair_used(con):
    for table, currency_col, at_col in [("shop_orders", "currency", "created_at"),
                                        ("affiliate_postbacks", "currency", "converted_at")]:
        uncovered = scalar(con, f"""
            select count(*) from {table} t
            inner join workspaces w on t.workspace_id = w.workspace_id
            where t.{currency_col} <> w.currency and t.{currency_col} <> 'XYZ'
              and t.{at_col} between timestamp '2000-01-01' and timestamp '2099-01-01'
              and not exists (select 1 from fx_rates f where f.rate_date = t.{at_col}::date
                              and f.from_currency = t.{currency_col} and f.to_currency = w.currency
                              and f.rate > 0)""")
        assert uncovered == 0, table
    assert scalar(con, "select count(*) from shop_orders o inner join workspaces w using (workspace_id) "
                       "where o.currency <> w.currency and o.currency <> 'XYZ'") > 0


def test_orders_include_guests_updates_refunds_and_cancellations(con):
    guests = scalar(con, "select count(*) from shop_orders where shop_customer_id is null and email is not null")
    updates = scalar(con, """
        select count(*) from (select workspace_id, order_id from shop_orders where order_id is not null
                              group by all having count(distinct updated_at) > 1)""")
    assert guests > 0 and updates > 0
    assert scalar(con, "select count(*) from shop_orders where cancelled_at is not null") > 0
    partial, full = con.execute("""
        select count(*) filter (where r.amount < o.total_price), count(*) filter (where r.amount = o.total_price)
        from order_refunds r
        inner join (select distinct workspace_id, order_id, total_price from shop_orders) o
            on r.workspace_id = o.workspace_id and r.order_id = o.order_id""").fetchone()
    assert partial > 0 and full > 0


def test_link_orders_come_after_the_share(con):
    rows = con.execute("""
        select count(*), count(*) filter (where o.created_at < l.shared_at)
        from shop_orders o
        inner join shared_links l on o.workspace_id = l.workspace_id and o.shared_link_id = l.link_id""").fetchone()
    assert rows[0] > 0 and rows[1] == 0


def test_discount_codes_are_messy(con):
    codes = [r[0] for r in con.execute(
        "select discount_codes from shop_orders where discount_codes is not null").fetchall()]
    assert any(c != c.strip() for c in codes) or any("," in c for c in codes)
    assert any(c != c.upper() for c in codes)
    split = {part.strip().upper() for c in codes for part in c.split(",")}
    assert split & set(gd.FIXED_CODES)  # shop codes the platform did not generate
    platform = scalar(con, """
        select count(*) from shop_orders o inner join coupons c
            on o.workspace_id = c.workspace_id and upper(trim(o.discount_codes)) = upper(c.code)
        where c.generated_by_platform""")
    assert platform > 0


def test_contacts_stitch_material(con):
    emails = [r[0] for r in con.execute("select email from contacts where email is not null").fetchall()]
    assert any(e != e.strip() for e in emails) and any(e != e.lower() for e in emails)
    by_email = scalar(con, """
        select count(*) from contacts c inner join shop_customers k
            on c.workspace_id = k.workspace_id and lower(trim(c.email)) = lower(trim(k.email))""")
    twins = scalar(con, """
        select count(*) from (select k.workspace_id, k.shop_customer_id from shop_customers k
            inner join contacts c on c.workspace_id = k.workspace_id and lower(trim(c.email)) = lower(trim(k.email))
            group by all having count(distinct c.contact_id) > 1)""")
    assert by_email > 0 and twins > 0  # a WhatsApp and an email subscriber of one customer
    assert scalar(con, "select count(*) from identity_links") > 0
    assert scalar(con, "select count(distinct channel) from contacts where channel in "
                       f"{tuple(CHANNELS)}") == len(CHANNELS)


def test_phones_mostly_parse_as_valid_numbers(con):
    rows = con.execute("""
        select phone, country_code from contacts
        where phone is not null and country_code is not null and contact_id not like 'c9%'""").fetchall()
    valid = 0
    for phone, region in rows:
        try:
            valid += phonenumbers.is_valid_number(phonenumbers.parse(phone, region))
        except phonenumbers.NumberParseException:
            pass
    assert len(rows) > 50 and valid / len(rows) > 0.97
    formats = {("+" if p.startswith("+") else "00" if p.startswith("00") else "national") for p, _ in rows}
    assert formats == {"+", "00", "national"}


def test_affiliate_material(con):
    matched, unmatched = con.execute("""
        select count(*) filter (where e.click_id is not null), count(*) filter (where e.click_id is null)
        from affiliate_postbacks p
        left join (select distinct workspace_id, click_id from message_events where event_type = 'clicked') e
            on p.workspace_id = e.workspace_id and p.click_id = e.click_id
        where p.click_id is not null""").fetchone()
    assert matched > 0 and unmatched > 0
    outside_window = scalar(con, """
        select count(*) from affiliate_postbacks p
        inner join message_events e
            on p.workspace_id = e.workspace_id and p.click_id = e.click_id and e.event_type = 'clicked'
        inner join messages m on e.workspace_id = m.workspace_id and e.message_id = m.message_id
        left join creatives cr on m.workspace_id = cr.workspace_id and m.creative_id = cr.creative_id
        left join offers o on m.workspace_id = o.workspace_id and coalesce(m.offer_id, cr.offer_id) = o.offer_id
        where p.converted_at > e.occurred_at + to_hours(coalesce(o.attribution_window_hours, 168))""")
    assert outside_window > 0
    refired = scalar(con, """
        select count(*) from (select workspace_id, network, conversion_id from affiliate_postbacks
                              group by all having count(distinct postback_id) > 1)""")
    assert refired > 0
    repeats_postback = scalar(con, """
        select count(*) from manual_revenue_imports i inner join affiliate_postbacks p
            on i.workspace_id = p.workspace_id and i.click_id = p.click_id and i.conversion_date = p.converted_at::date""")
    repeats_import = scalar(con, """
        select count(*) from (select workspace_id, click_id, conversion_date, amount from manual_revenue_imports
                              where import_id is not null group by all having count(distinct import_id) > 1)""")
    assert repeats_postback > 0 and repeats_import > 0
    assert scalar(con, "select count(distinct network) from offers where network <> 'cake'") == 4
    assert scalar(con, "select count(*) from offers where attribution_window_hours is null") > 0


def test_messages_carry_conversation_and_cost(con):
    cats = dict(con.execute("""
        select source_type, list(distinct conversation_category order by conversation_category) from messages
        where source_type in ('campaign', 'flow', 'helpdesk') group by 1""").fetchall())
    assert "marketing" in cats["campaign"] and "utility" in cats["flow"] and "service" in cats["helpdesk"]
    assert scalar(con, "select count(*) from messages where channel = 'sms' and segments is null "
                       "and message_id not like 'm9%'") == 0
    assert scalar(con, "select count(*) from messages where cost > 0") > 0
    assert scalar(con, "select count(*) from messages where conversation_id is null") == 0


def test_enumerations_are_respected_by_good_rows(con):
    allowed = set(EVENT_TYPES) | {"bounced", "opened"}
    assert {r[0] for r in con.execute("select distinct event_type from message_events").fetchall()} <= allowed


# -- bad rows -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", gd.BAD_KINDS, ids=lambda k: f"{k.table}:{k.kind}")
def test_every_bad_kind_is_present(con, kind):
    assert scalar(con, gd.detect_sql(kind, kind.table)) > 0


def test_bad_share_zero_writes_only_good_rows(tmp_path):
    out = _run(tmp_path / "clean", contacts=200, bad_share=0)
    c = duckdb.connect()
    assert scalar(c, f"select count(*) from read_parquet('{out}/workspaces.parquet')") == len(gd.WORKSPACES)
    assert scalar(c, f"""select count(*) from read_parquet('{out}/shop_orders.parquet')
                        where order_id is null or currency = 'XYZ' or total_price < 0""") == 0


def test_bad_rows_are_a_small_share(tmp_path):
    out = _run(tmp_path / "big", contacts=3000, bad_share=0.01)
    c = duckdb.connect()
    total = scalar(c, f"select count(*) from read_parquet('{out}/message_events.parquet')")
    odd = scalar(c, f"""select count(*) from read_parquet('{out}/message_events.parquet')
                       where event_id is null or message_id is null or message_id like 'm9%'
                          or event_type not in {tuple(EVENT_TYPES)} or workspace_id = 'w99'""")
    assert 0 < odd / total < 0.02

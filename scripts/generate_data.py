#!/usr/bin/env python
"""Generate a realistic synthetic raw data set for the warehouse (docs/contract.md#raw-tables).

The demo seeds in ``seeds/`` were produced, from the repo root, with exactly:

    .venv/bin/python scripts/generate_data.py --out seeds --contacts 2000 --days 90 --seed 42 --format csv

Everything is generated inside DuckDB with SQL over ``range()`` tables.  Randomness
is hash based (``hash(seed, keys..., salt)``), never ``random()``, so the output
depends only on the arguments, not on thread scheduling: the same arguments give
byte-identical files.  Every file is written with ``COPY ... TO`` from a query sorted
on its keys.

The data imitates a messaging-marketing platform: five workspaces in different
time zones and currencies (ids are unique only inside a workspace and the same id
strings are reused across workspaces), contacts on five channels with phones and
emails in many formats, campaigns, flows with runs, popups, helpdesk agents sharing
links, message funnels with webhook retries, shop orders that follow touches,
coupons, refunds, order updates, affiliate offers with postbacks and manual
imports, and daily fx rates.  About ``--bad-share`` of the rows of every table
(at least a few per kind) are bad in the ways docs/contract.md#bad-input names; ``BAD_KINDS``
lists them with a SQL predicate that finds each kind in the written files.

Internally all times are epoch seconds (BIGINT) and all ids are numbers; strings
are formatted only in the ``out_<table>`` views that the files are written from.

Shapes the staging layer meets (besides ``BAD_KINDS``):

* the period is the ``--days`` UTC days ending on ``--end-date``; nothing happens after it
  except scheduled campaigns (``published_at`` up to two weeks later) and bad 2099 rows;
* ``message_events``: ~2% of events repeat identically (webhook retries); a message
  can have two ``read`` or two ``clicked`` events with different ids (re-read, second click);
* ``shop_orders``: an order may have a second row with the same ``order_id`` and a later
  ``updated_at`` (cancellation or a no-op update); the first row's ``updated_at`` is
  ``created_at`` + 0-4 s, or ``cancelled_at`` when it arrived cancelled;
* ``affiliate_postbacks``: refires repeat network, conversion_id, click_id, payout and
  converted_at with a new ``postback_id`` and a later ``received_at``;
* ``manual_revenue_imports``: re-uploads repeat click_id, conversion_date and amount with a
  new ``import_id``, ``imported_at`` + 7 days and a ``*_corrected.csv`` file name; some rows
  repeat a postback (same click_id, conversion_date = the UTC date of converted_at);
* ``holdouts``: each shop splits its largest campaign and flow into treatment (recipients) and
  control, among people whose only orders are the experiment's (``HOLDOUT_CONVERSION``: a known
  true lift; those orders are numbered after all others, never cancelled or refunded);
* amounts without a currency column are in the workspace currency (import ``amount``,
  message ``cost``); refunds are in the order's currency; ``fx_rates.rate`` converts one
  unit of ``from_currency`` into ``to_currency`` (all ordered pairs, no same-currency rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import msgwh  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from msgwh.contract import RAW_TABLES, columns

DEFAULT_END_DATE = "2026-10-31"
DAY = 86400

# --------------------------------------------------------------------------------------
# Configuration (small constant tables; the big tables are generated in SQL)
# --------------------------------------------------------------------------------------

# units of the currency per 1 USD (base of the generated fx rates)
FX_PER_USD = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "INR": 83.4, "AUD": 1.53, "BRL": 5.10}

WORKSPACES = [
    dict(
        workspace_id="w01", name="Kaffeerösterei Müller & Söhne", timezone="Europe/Berlin",
        currency="EUR", created_at="2023-03-14 09:12:00", weight=30, kind="shop",
        domain="kaffee-mueller.de", locale="de", price_median=38.0,
        countries={"DE": 90, "GB": 6, "US": 4},
        channels={"whatsapp": 34, "email": 36, "sms": 10, "instagram": 12, "web_chat": 8},
        campaign_channels={"email": 50, "whatsapp": 35, "sms": 10, "instagram": 5},
        alt_currencies=["GBP", "USD"], n_offers=2, n_creatives=8, n_agents=8, n_popups=3,
        campaigns_per_day=1.0,
        settings=[(-400, 5, True), (0.35, 7, True)],
    ),
    dict(
        workspace_id="w02", name="Brooklyn Sneaker Co.", timezone="America/New_York",
        currency="USD", created_at="2022-11-02 15:40:00", weight=25, kind="shop",
        domain="brooklynsneaker.co", locale="en", price_median=95.0,
        countries={"US": 94, "GB": 3, "DE": 3},
        channels={"sms": 40, "email": 35, "whatsapp": 6, "instagram": 14, "web_chat": 5},
        campaign_channels={"sms": 45, "email": 45, "instagram": 5, "whatsapp": 5},
        alt_currencies=["EUR", "GBP"], n_offers=4, n_creatives=10, n_agents=10, n_popups=4,
        campaigns_per_day=1.1,
        settings=[(-500, 7, True), (0.5, 3, True)],
    ),
    dict(
        workspace_id="w03", name="Mumbai Spice Market", timezone="Asia/Kolkata",
        currency="INR", created_at="2024-01-20 05:30:00", weight=20, kind="shop",
        domain="mumbaispice.in", locale="en", price_median=1450.0,
        countries={"IN": 96, "GB": 2, "US": 2},
        channels={"whatsapp": 60, "sms": 15, "email": 15, "instagram": 7, "web_chat": 3},
        campaign_channels={"whatsapp": 70, "sms": 15, "email": 15},
        alt_currencies=["USD"], n_offers=0, n_creatives=6, n_agents=6, n_popups=2,
        campaigns_per_day=0.9,
        settings=[(-300, 5, True), (0.25, 5, False), (0.6, 5, True)],
    ),
    dict(
        workspace_id="w04", name='Bondi\'s "Surf" Supply', timezone="Australia/Sydney",
        currency="AUD", created_at="2023-09-01 22:00:00", weight=13, kind="shop",
        domain="bondisurf.com.au", locale="en", price_median=75.0,
        countries={"AU": 90, "GB": 6, "US": 4},
        channels={"email": 40, "sms": 28, "whatsapp": 12, "instagram": 15, "web_chat": 5},
        campaign_channels={"email": 55, "sms": 30, "whatsapp": 10, "instagram": 5},
        alt_currencies=["USD"], n_offers=0, n_creatives=6, n_agents=5, n_popups=3,
        campaigns_per_day=0.8,
        settings=[(-200, 3, True)],
    ),
    dict(
        workspace_id="w05", name="Loja Verde Ofertas 🌿", timezone="America/Sao_Paulo",
        currency="BRL", created_at="2024-06-10 13:00:00", weight=12, kind="publisher",
        domain="lojaverde.com.br", locale="pt", price_median=150.0,
        countries={"BR": 97, "US": 3},
        channels={"whatsapp": 70, "email": 15, "sms": 5, "instagram": 8, "web_chat": 2},
        campaign_channels={"whatsapp": 75, "email": 15, "sms": 5, "instagram": 5},
        alt_currencies=["USD"], n_offers=12, n_creatives=20, n_agents=3, n_popups=2,
        campaigns_per_day=1.4,
        settings=[(-100, 1, False), (0.5, 2, False)],
    ),
]

COUNTRIES = {
    "DE": dict(
        dial="49",
        firsts=["Anna", "Lukas", "Leonie", "Maximilian", "Sophie", "Felix", "Marie", "Jonas", "Laura",
                "Paul", "Lena", "Tim", "Julia", "Jan", "Hannah", "Niklas", "Emma", "Finn", "Lea", "Moritz"],
        lasts=["Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
               "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann",
               "Braun", "Hofmann", "Hartmann", "Lange"],
        domains=["gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de", "yahoo.de"],
        regions=["Berlin", "Bayern", "Hamburg", "Nordrhein-Westfalen", "Hessen", "Baden-Württemberg",
                 "Sachsen", "Niedersachsen"],
    ),
    "US": dict(
        dial="1",
        firsts=["James", "Mary", "Michael", "Jennifer", "David", "Jessica", "Chris", "Ashley", "Daniel",
                "Emily", "Matthew", "Sarah", "Tyler", "Megan", "Brandon", "Olivia", "Ethan", "Ava",
                "Noah", "Mia"],
        lasts=["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
               "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
               "Lee", "Harris", "Clark", "Lewis"],
        domains=["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "comcast.net"],
        regions=["NY", "NJ", "CA", "TX", "FL", "IL", "WA", "MA", "PA"],
    ),
    "IN": dict(
        dial="91",
        firsts=["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rahul",
                "Pooja", "Aditya", "Isha", "Karan", "Neha", "Siddharth", "Divya", "Amit", "Riya",
                "Varun", "Meera"],
        lasts=["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi",
               "Rao", "Das", "Chopra", "Desai", "Kapoor", "Banerjee", "Verma", "Pillai", "Agarwal",
               "Menon"],
        domains=["gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com", "hotmail.com"],
        regions=["Maharashtra", "Karnataka", "Delhi", "Tamil Nadu", "Gujarat", "West Bengal",
                 "Telangana"],
    ),
    "AU": dict(
        dial="61",
        firsts=["Jack", "Charlotte", "Oliver", "Amelia", "William", "Isla", "Thomas", "Ruby", "Lachlan",
                "Chloe", "Cooper", "Zoe", "Riley", "Sienna", "Harrison", "Matilda", "Liam", "Grace",
                "Lucas", "Mia"],
        lasts=["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
               "White", "Anderson", "Walker", "Thompson", "Kelly", "Ryan", "Harris", "Clarke",
               "Campbell", "Murphy", "Mitchell"],
        domains=["gmail.com", "bigpond.com", "outlook.com.au", "hotmail.com", "optusnet.com.au"],
        regions=["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT"],
    ),
    "BR": dict(
        dial="55",
        firsts=["Lucas", "Ana", "Gabriel", "Maria", "Pedro", "Julia", "Matheus", "Beatriz", "Rafael",
                "Larissa", "Gustavo", "Camila", "Felipe", "Fernanda", "Bruno", "Mariana", "Thiago",
                "Leticia", "Rodrigo", "Amanda"],
        lasts=["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira", "Almeida",
               "Carvalho", "Gomes", "Ribeiro", "Martins", "Rocha", "Alves", "Barbosa", "Araujo",
               "Cardoso", "Melo", "Dias"],
        domains=["gmail.com", "hotmail.com", "uol.com.br", "bol.com.br", "outlook.com", "yahoo.com.br"],
        regions=["SP", "RJ", "MG", "PR", "RS", "BA", "PE", "DF"],
    ),
    "GB": dict(
        dial="44",
        firsts=["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlie",
                "Sophie", "Thomas", "Grace", "James", "Lily", "William", "Freya", "Alfie", "Poppy",
                "Henry", "Evie"],
        lasts=["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
               "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
               "Hall", "Wood", "Jackson", "Clarke"],
        domains=["gmail.com", "hotmail.co.uk", "btinternet.com", "outlook.com", "yahoo.co.uk", "sky.com"],
        regions=["England", "Scotland", "Wales", "Northern Ireland"],
    ),
}
# domains never used for the canonical addresses: a person's second address lives here
ALT_DOMAINS = ["proton.me", "icloud.com", "me.com", "fastmail.com", "mailbox.org"]

# name, flow_type, channel, step delays (hours), conversation category, status,
# created (days relative to the period start; a value in (0, 1) is a fraction of the period),
# shops only, coupon kind handed out with the first message, runs per contact per 90 days (type 'other')
FLOWS = [
    ("Welcome series (email)", "welcome", "email", [0.05, 24, 72], "marketing", "live", -400, False, "welcome", 0),
    ("Welcome – WhatsApp opt-in", "welcome", "whatsapp", [0.02, 48], "marketing", "live", -300, False, "welcome", 0),
    ("Welcome SMS", "welcome", "sms", [0.02], "marketing", "live", -200, False, None, 0),
    ("Instagram DM welcome", "welcome", "instagram", [0.01], "marketing", "live", -100, False, None, 0),
    ('Abandoned cart – "You forgot something"', "cart_abandonment", "whatsapp", [1, 23], "marketing", "live", -350, True, "cart", 0),
    ("Abandoned cart (email)", "cart_abandonment", "email", [1, 24, 72], "marketing", "live", -350, True, "cart", 0),
    ("Abandoned cart SMS", "cart_abandonment", "sms", [2], "marketing", "live", -120, True, None, 0),
    ("Browse abandonment", "browse_abandonment", "email", [4], "marketing", "live", -250, True, None, 0),
    ("Viewed product – Instagram", "browse_abandonment", "instagram", [1], "marketing", "live", -60, True, None, 0),
    ("Order confirmation & shipping updates", "post_purchase", "whatsapp", [0.02, 36], "utility", "live", -380, True, None, 0),
    ("Review request ⭐", "post_purchase", "email", [168], "utility", "live", -380, True, None, 0),
    ("Win-back 90 days", "winback", "email", [0, 120], "marketing", "live", -300, False, None, 0),
    ("Win-back SMS", "winback", "sms", [0], "marketing", "paused", -200, True, None, 0),
    ("Back in stock 🔔", "other", "whatsapp", [0], "marketing", "live", 0.4, True, None, 0.15),
    ("Login code", "other", "sms", [0], "authentication", "live", -500, False, None, 0.25),
    ("Birthday treat 🎂", "other", "email", [0], "marketing", "paused", -150, False, None, 0.05),
    ("Price drop alert", "browse_abandonment", "whatsapp", [0], "marketing", "draft", -10, True, None, 0),
]
EXIT_REASONS = {
    "welcome": ["unsubscribed", "goal_reached"],
    "cart_abandonment": ["order_placed", "order_placed", "unsubscribed", "cart_emptied"],
    "browse_abandonment": ["order_placed", "unsubscribed"],
    "post_purchase": ["order_cancelled", "unsubscribed"],
    "winback": ["order_placed", "unsubscribed"],
    "other": ["unsubscribed", "removed_by_filter"],
}

CAMPAIGN_NAMES = {
    "en": ["Flash Sale ⚡", "New arrivals", "Weekend special", "VIP early access", "Back in stock",
           "Last chance: ends tonight", "Free shipping weekend", "Mother's Day gift guide 💐",
           '"Members only" preview', "Newsletter", "Restock alert", "Bundle & save"],
    "de": ["Herbst-Sale 🍂", "Neuheiten der Woche", "Gratis Versand", "VIP-Vorverkauf",
           "Nur heute: 20 % Rabatt", "Black-Friday-Vorschau", "Röstfrisch: neue Sorten ☕",
           'Newsletter "Kaffeeklatsch"', "Wieder da!", "Letzte Chance"],
    "pt": ["Promoção Relâmpago ⚡", "Frete Grátis", "Novidades da Semana", "Black Friday Antecipada",
           "Cupom exclusivo 🎁", "Ofertas do dia", "Cashback em dobro", "Só hoje!",
           "Oferta \"imperdível\"", "Newsletter"],
}
CODE_PREFIXES = ["FLASH", "SALE", "VIP", "WEEKEND", "LASTCALL", "BUNDLE", "AUTUMN", "PROMO"]
OFFER_NAMES = ["Bank account opening – CPA", "Streaming trial 30 days", "Credit card approval",
               "Travel insurance quote", "Fitness app premium", "Mobile plan switch", "Meal kit first box",
               "VPN annual plan", "Language app premium", "Online course enrolment", "Neo-broker deposit",
               "Energy tariff switch", "Sneaker drop raffle", "Coffee subscription"]
NETWORK_DOMAIN = {"tune": "trk.tunetrack.io", "everflow": "go.efclicks.com",
                  "impact": "imp.pxf.io", "other": "partners.affnet.example"}
AGENT_TEAMS = ["Sales", "Sales", "Support", "Support", "Support", "VIP Concierge", "Returns & Exchanges"]
POPUP_NAMES = ["Exit intent – 10% off", "Newsletter footer signup", "Spin the wheel 🎡", "WhatsApp opt-in (mobile)"]
POPUP_CODES = ["EXIT10", "NEWS10", "spin15", "WAOPT10"]  # spin15 is stored lower case on purpose
FIXED_CODES = ["WELCOME10", "FREESHIP", "VIP20"]
SIGNUP_SOURCES = {
    "email": {"popup": 45, "checkout": 25, "import": 10, "landing_page": 20},
    "whatsapp": {"popup": 30, "checkout": 30, "qr_code": 15, "click_to_whatsapp_ad": 25},
    "sms": {"keyword": 30, "popup": 40, "checkout": 30},
    "instagram": {"instagram_dm": 70, "comment_to_dm": 30},
    "web_chat": {"web_chat_widget": 90, "popup": 10},
}
IDENTITY_METHODS = ["checkout_optin", "login_widget", "manual_merge", "shopify_customer_id"]

# holdout experiments (docs/attribution.md#holdout-lift): the chance that a contact of each group
# places an order within the lift window; their difference is the true absolute lift
HOLDOUT_CONVERSION = {"control": 0.05, "treatment": 0.11}
HOLDOUT_WINDOW_DAYS = 7

LONG_NAME = ("Super-long name " + "ÄÖÜ ß 😀 \"quoted\" 'single' , semi; " * 40).strip()


def slots(weights: dict[str, float], n: int = 100) -> list[str]:
    """A list of n values, each repeated in proportion to its weight (for hash picks)."""
    total = sum(weights.values())
    out: list[str] = []
    acc = 0.0
    for value, w in weights.items():
        acc += w
        while len(out) < round(acc / total * n):
            out.append(value)
    return out


def sql_str(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(sql_str(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


# --------------------------------------------------------------------------------------
# Bad rows: kind -> a predicate that finds it in the written table (used by the tests
# and as documentation for the staging rules).  {t} is the table relation.
# --------------------------------------------------------------------------------------

EXACT_DUP = "exact_duplicate"
DUP_KEY = "duplicate_key_conflicting"


def _dup_exact(t: str) -> str:
    return f"select count(*) - (select count(*) from (select distinct * from {t})) from {t}"


@dataclass(frozen=True)
class BadKind:
    table: str
    kind: str
    detect: str  # SQL returning one number > 0 when the kind is present; {t} = relation
    note: str


def _where(pred: str) -> str:
    return "select count(*) from {t} where " + pred


def _dupkey(keys: str) -> str:
    return ("select count(*) from (select " + keys + " from (select distinct * from {t}) "
            "where " + keys.split(",")[-1].strip() + " is not null group by " + keys +
            " having count(*) > 1)")


BAD_KINDS: list[BadKind] = []


def _bk(table, kind, detect, note=""):
    BAD_KINDS.append(BadKind(table, kind, detect, note))


UNKNOWN_WS = "w99"
FUTURE = "2099"
_bk("workspaces", EXACT_DUP, "EXACT", "one workspace row appears twice, identical")
_bk("workspaces", "null_id", _where("workspace_id is null"), "name 'Ghost shop (deleted)'")
_bk("attribution_settings", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("attribution_settings", "null_window_days", _where("window_days is null"))
_bk("attribution_settings", "negative_window_days", _where("window_days < 0"), "window_days = -1")
_bk("attribution_settings", EXACT_DUP, "EXACT")
_bk("contacts", "null_id", _where("contact_id is null"))
_bk("contacts", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("contacts", "unparseable_phone", _where("phone in ('n/a', '12', 'abc', '+', '000')"))
_bk("contacts", "malformed_email", _where("email in ('foo@', 'bar', 'anna@@example.com', '@example.com')"))
_bk("contacts", "future_timestamp", _where(f"created_at >= timestamp '{FUTURE}-01-01'"))
_bk("contacts", "timestamp_before_2000", _where("created_at < timestamp '2000-01-01'"))
_bk("contacts", "unknown_channel", _where("channel in ('fax', 'carrier_pigeon')"))
_bk("contacts", "nasty_text", _where("length(region) > 500 or region like '%🏰%' or region like '%\"%'"),
    "region with emoji, quotes, commas or 1,400 characters (valid text; pass through)")
_bk("contacts", EXACT_DUP, "EXACT")
_bk("contacts", DUP_KEY, _dupkey("workspace_id, contact_id"), "same id, other email/channel/created_at")
_bk("shop_customers", "null_id", _where("shop_customer_id is null"))
_bk("shop_customers", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("shop_customers", "unparseable_phone", _where("phone in ('n/a', '12', 'abc', '+', '000')"))
_bk("shop_customers", "malformed_email", _where("email in ('foo@', 'bar', 'anna@@example.com', '@example.com')"))
_bk("shop_customers", "future_timestamp", _where(f"created_at >= timestamp '{FUTURE}-01-01'"))
_bk("shop_customers", "timestamp_before_2000", _where("created_at < timestamp '2000-01-01'"))
_bk("shop_customers", EXACT_DUP, "EXACT")
_bk("shop_customers", DUP_KEY, _dupkey("workspace_id, shop_customer_id"), "same id, other email/phone")
_bk("identity_links", "null_contact_id", _where("contact_id is null"))
_bk("identity_links", "null_shop_customer_id", _where("shop_customer_id is null"))
_bk("identity_links", "unknown_contact", _where("contact_id like 'c9%'"), "contact_id 'c9<kind><n>'")
_bk("identity_links", "unknown_shop_customer", _where("shop_customer_id like 'sc9%'"))
_bk("identity_links", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("identity_links", "future_timestamp", _where(f"linked_at >= timestamp '{FUTURE}-01-01'"))
_bk("identity_links", EXACT_DUP, "EXACT")
_bk("campaigns", "null_id", _where("campaign_id is null"))
_bk("campaigns", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("campaigns", "unknown_status", _where("status = 'paused'"))
_bk("campaigns", "unknown_channel", _where("channel = 'fax'"))
_bk("campaigns", "future_timestamp", _where(f"published_at >= timestamp '{FUTURE}-01-01'"))
_bk("campaigns", "unknown_creative", _where("creative_id like 'cr9%'"))
_bk("campaigns", "nasty_text", _where("length(name) > 500"), "very long name with quotes and emoji (valid text)")
_bk("campaigns", EXACT_DUP, "EXACT")
_bk("campaigns", DUP_KEY, _dupkey("workspace_id, campaign_id"), "same id, other name/published_at")
_bk("flows", "null_id", _where("flow_id is null"))
_bk("flows", "unknown_flow_type", _where("flow_type = 'sms_keyword'"))
_bk("flows", "unknown_channel", _where("channel = 'fax'"))
_bk("flows", "nasty_text", _where("length(name) > 500"))
_bk("flows", EXACT_DUP, "EXACT")
_bk("flows", DUP_KEY, _dupkey("workspace_id, flow_id"), "same id, other name/status")
_bk("flow_runs", "null_id", _where("flow_run_id is null"))
_bk("flow_runs", "unknown_flow", _where("flow_id like 'fl9%'"))
_bk("flow_runs", "unknown_contact", _where("contact_id like 'c9%'"))
_bk("flow_runs", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("flow_runs", "completed_before_started", _where("completed_at < started_at"))
_bk("flow_runs", "future_timestamp", _where(f"started_at >= timestamp '{FUTURE}-01-01'"))
_bk("flow_runs", EXACT_DUP, "EXACT")
_bk("flow_runs", DUP_KEY, _dupkey("workspace_id, flow_run_id"), "same id, other started_at")
_bk("popups", "null_id", _where("popup_id is null"))
_bk("popups", "nasty_text", _where("length(name) > 500"))
_bk("popups", EXACT_DUP, "EXACT")
_bk("popups", DUP_KEY, _dupkey("workspace_id, popup_id"), "same id, other name")
_bk("messages", "null_id", _where("message_id is null"))
_bk("messages", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("messages", "unknown_contact", _where("contact_id like 'c9%'"))
_bk("messages", "unknown_campaign", _where("campaign_id like 'cp9%'"))
_bk("messages", "unknown_channel", _where("channel = 'fax'"))
_bk("messages", "unknown_source_type", _where("source_type = 'push'"))
_bk("messages", "unknown_conversation_category", _where("conversation_category = 'promotional'"))
_bk("messages", "future_timestamp", _where(f"sent_at >= timestamp '{FUTURE}-01-01'"))
_bk("messages", "timestamp_before_2000", _where("sent_at < timestamp '2000-01-01'"))
_bk("messages", "negative_cost", _where("cost < 0"))
_bk("messages", EXACT_DUP, "EXACT")
_bk("messages", DUP_KEY, _dupkey("workspace_id, message_id"), "same id, other contact_id and sent_at")
_bk("message_events", "null_id", _where("event_id is null"))
_bk("message_events", "null_message_id", _where("message_id is null"))
_bk("message_events", "unknown_message", _where("message_id like 'm9%'"), "events for unknown messages")
_bk("message_events", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("message_events", "unknown_event_type", _where("event_type in ('bounced', 'opened')"))
_bk("message_events", "future_timestamp", _where(f"occurred_at >= timestamp '{FUTURE}-01-01'"))
_bk("message_events", "timestamp_before_2000", _where("occurred_at < timestamp '2000-01-01'"))
_bk("message_events", EXACT_DUP, "EXACT", "webhook retries: ~2% of events repeat identically")
_bk("message_events", DUP_KEY, _dupkey("workspace_id, event_id"), "same event_id, occurred_at later by 1-60 s")
_bk("shop_orders", "null_id", _where("order_id is null"))
_bk("shop_orders", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("shop_orders", "unknown_shop_customer", _where("shop_customer_id like 'sc9%'"))
_bk("shop_orders", "negative_amount", _where("total_price < 0"))
_bk("shop_orders", "null_amount", _where("total_price is null"))
_bk("shop_orders", "absurd_amount", _where("total_price >= 999999999"))
_bk("shop_orders", "currency_without_fx", _where("currency = 'XYZ'"))
_bk("shop_orders", "future_timestamp", _where(f"created_at >= timestamp '{FUTURE}-01-01'"))
_bk("shop_orders", "timestamp_before_2000", _where("created_at < timestamp '2000-01-01'"))
_bk("shop_orders", "unparseable_phone", _where("phone in ('n/a', '12', 'abc', '+', '000')"))
_bk("shop_orders", "malformed_email", _where("email in ('foo@', 'bar', 'anna@@example.com', '@example.com')"))
_bk("shop_orders", EXACT_DUP, "EXACT")
_bk("shop_orders", DUP_KEY, _dupkey("workspace_id, order_id, updated_at"), "same order_id and updated_at, other total_price")
_bk("order_refunds", "null_id", _where("refund_id is null"))
_bk("order_refunds", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("order_refunds", "unknown_order", _where("order_id like 'o9%'"))
_bk("order_refunds", "negative_amount", _where("amount < 0"))
_bk("order_refunds", "null_amount", _where("amount is null"))
_bk("order_refunds", "absurd_amount", _where("amount >= 999999999"))
_bk("order_refunds", "future_timestamp", _where(f"refunded_at >= timestamp '{FUTURE}-01-01'"))
_bk("order_refunds", EXACT_DUP, "EXACT")
_bk("order_refunds", DUP_KEY, _dupkey("workspace_id, refund_id"), "same id, other amount")
_bk("coupons", "null_code", _where("code is null"))
_bk("coupons", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("coupons", "unknown_source_type", _where("source_type = 'sms_keyword'"))
_bk("coupons", "unknown_source", _where("source_id like 'cp9%' or source_id like 'fl9%' or source_id like 'pp9%'"))
_bk("coupons", "future_timestamp", _where(f"distributed_at >= timestamp '{FUTURE}-01-01'"))
_bk("coupons", EXACT_DUP, "EXACT")
_bk("agents", "null_id", _where("agent_id is null"))
_bk("agents", "nasty_text", _where("length(name) > 500"))
_bk("agents", EXACT_DUP, "EXACT")
_bk("agents", DUP_KEY, _dupkey("workspace_id, agent_id"), "same id, other team")
_bk("shared_links", "null_id", _where("link_id is null"))
_bk("shared_links", "unknown_agent", _where("agent_id like 'ag9%'"))
_bk("shared_links", "unknown_contact", _where("contact_id like 'c9%'"))
_bk("shared_links", "unknown_link_type", _where("link_type = 'video'"))
_bk("shared_links", "future_timestamp", _where(f"shared_at >= timestamp '{FUTURE}-01-01'"))
_bk("shared_links", EXACT_DUP, "EXACT")
_bk("shared_links", DUP_KEY, _dupkey("workspace_id, link_id"), "same id, other shared_at")
_bk("link_clicks", "null_id", _where("click_event_id is null"))
_bk("link_clicks", "null_link_id", _where("link_id is null"))
_bk("link_clicks", "unknown_link", _where("link_id like 'lk9%'"))
_bk("link_clicks", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("link_clicks", "future_timestamp", _where(f"clicked_at >= timestamp '{FUTURE}-01-01'"))
_bk("link_clicks", "timestamp_before_2000", _where("clicked_at < timestamp '2000-01-01'"))
_bk("link_clicks", EXACT_DUP, "EXACT")
_bk("offers", "null_id", _where("offer_id is null"))
_bk("offers", "unknown_network", _where("network = 'cake'"))
_bk("offers", "negative_window", _where("attribution_window_hours < 0"))
_bk("offers", "nasty_text", _where("length(name) > 500"))
_bk("offers", EXACT_DUP, "EXACT")
_bk("offers", DUP_KEY, _dupkey("workspace_id, offer_id"), "same id, other attribution_window_hours")
_bk("creatives", "null_id", _where("creative_id is null"))
_bk("creatives", "unknown_offer", _where("offer_id like 'of9%'"))
_bk("creatives", "nasty_text", _where("length(name) > 500"))
_bk("creatives", EXACT_DUP, "EXACT")
_bk("creatives", DUP_KEY, _dupkey("workspace_id, creative_id"), "same id, other offer_id")
_bk("affiliate_postbacks", "null_id", _where("postback_id is null"))
_bk("affiliate_postbacks", "null_click_id", _where("click_id is null"))
_bk("affiliate_postbacks", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("affiliate_postbacks", "negative_amount", _where("payout < 0"))
_bk("affiliate_postbacks", "null_amount", _where("payout is null"))
_bk("affiliate_postbacks", "absurd_amount", _where("payout >= 999999999"))
_bk("affiliate_postbacks", "currency_without_fx", _where("currency = 'XYZ'"))
_bk("affiliate_postbacks", "future_timestamp", _where(f"converted_at >= timestamp '{FUTURE}-01-01'"))
_bk("affiliate_postbacks", "timestamp_before_2000", _where("converted_at < timestamp '2000-01-01'"))
_bk("affiliate_postbacks", EXACT_DUP, "EXACT")
_bk("manual_revenue_imports", "null_id", _where("import_id is null"))
_bk("manual_revenue_imports", "null_click_id", _where("click_id is null"))
_bk("manual_revenue_imports", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("manual_revenue_imports", "negative_amount", _where("amount < 0"))
_bk("manual_revenue_imports", "null_amount", _where("amount is null"))
_bk("manual_revenue_imports", "absurd_amount", _where("amount >= 999999999"))
_bk("manual_revenue_imports", "future_timestamp", _where(f"conversion_date >= date '{FUTURE}-01-01'"))
_bk("manual_revenue_imports", EXACT_DUP, "EXACT")
_bk("holdouts", "null_contact_id", _where("contact_id is null"))
_bk("holdouts", "unknown_workspace", _where(f"workspace_id = '{UNKNOWN_WS}'"))
_bk("holdouts", "unknown_contact", _where("contact_id like 'c9%'"))
_bk("holdouts", "unknown_campaign", _where("campaign_id like 'cp9%'"))
_bk("holdouts", "campaign_and_flow", _where("campaign_id is not null and flow_id is not null"))
_bk("holdouts", "unknown_group", _where("holdout_group not in ('treatment', 'control')"))
_bk("holdouts", "contact_in_both_groups",
    "select count(*) from (select workspace_id, campaign_id, flow_id, contact_id from {t} "
    "where holdout_group in ('treatment', 'control') group by all having count(distinct holdout_group) > 1)",
    "the same send and contact in treatment and control: both rows are rejected")
_bk("holdouts", "future_timestamp", _where(f"assigned_at >= timestamp '{FUTURE}-01-01'"))
_bk("holdouts", EXACT_DUP, "EXACT")
_bk("fx_rates", "null_rate", _where("rate is null"))
_bk("fx_rates", EXACT_DUP, "EXACT")


def detect_sql(kind: BadKind, relation: str) -> str:
    """SQL returning a positive number when `kind` occurs in `relation`."""
    if kind.detect == "EXACT":
        return _dup_exact(relation)
    return kind.detect.format(t=relation)


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------


@dataclass
class Params:
    out: Path
    contacts: int
    days: int
    seed: int
    fmt: str
    end_date: dt.date
    bad_share: float
    threads: int | None = None
    memory_limit: str = "3GB"
    tmp_dir: str | None = None

    @property
    def start_date(self) -> dt.date:
        return self.end_date - dt.timedelta(days=self.days - 1)

    @property
    def start_s(self) -> int:
        return int(dt.datetime.combine(self.start_date, dt.time(), tzinfo=dt.timezone.utc).timestamp())

    @property
    def stop_s(self) -> int:
        return self.start_s + self.days * DAY


# the internal table an output view is built on (cheap row counts for the big ones)
BASE_TABLE = {"messages": "g_messages", "message_events": "g_events", "flow_runs": "g_flow_runs",
              "contacts": "g_contacts", "shop_customers": "g_customers", "coupons": "g_coupons"}


class Generator:
    """Builds the internal g_* tables, the out_* views and the bad rows, then writes files."""

    def __init__(self, con: duckdb.DuckDBPyConnection, p: Params):
        self.con = con
        self.p = p
        self.row_counts: dict[str, int] = {}
        self.bad_counts: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------------------
    def sql(self, text: str) -> None:
        p = self.p
        text = (text.replace("{START}", str(p.start_s))
                .replace("{STOP}", str(p.stop_s))
                .replace("{DAYS}", str(p.days))
                .replace("{DSCALE}", repr(p.days / 90.0)))
        self.con.execute(text)

    def count(self, rel: str) -> int:
        return self.con.execute(f"select count(*) from {rel}").fetchone()[0]

    # -- stages -------------------------------------------------------------------------
    def stages(self):
        return [
            ("macros and configuration", self.setup),
            ("contacts", self.contacts),
            ("shop customers and identity links", self.customers),
            ("campaigns, flows, popups, agents, offers", self.dimensions),
            ("flow runs and helpdesk conversations", self.runs_and_conversations),
            ("messages (campaigns, flows, helpdesk)", self.messages_phase1),
            ("holdout experiments and shop orders", self.orders),
            ("post-purchase flows", self.post_purchase),
            ("message ids", self.number_messages),
            ("message events", self.events),
            ("affiliate postbacks and imports", self.affiliate),
            ("coupons, refunds, fx rates", self.coupons_refunds_fx),
            ("output views", self.output_views),
            ("bad rows", self.bad_rows),
        ]

    def setup(self) -> None:
        p = self.p
        seed = int(p.seed)
        self.sql(f"""
            -- DuckDB combines the hashes of several arguments cheaply, so hashes that differ
            -- only in the salt are correlated; hashing the result again mixes it properly
            create or replace macro hh(ws, a, b, c, salt) as
                hash(hash({seed}::BIGINT, ws::BIGINT, a::BIGINT, b::BIGINT, c::BIGINT, salt));
            create or replace macro uu(ws, a, b, c, salt) as
                ((hh(ws, a, b, c, salt) >> 11)::DOUBLE / 9007199254740992.0);
            create or replace macro nn(ws, a, b, c, salt) as
                (sqrt(-2 * ln(1 - uu(ws, a, b, c, salt || '#1')))
                 * cos(2 * pi() * uu(ws, a, b, c, salt || '#2')));
            create or replace macro lognorm(median, sigma, ws, a, b, c, salt) as
                exp(ln(median) + sigma * nn(ws, a, b, c, salt));
            create or replace macro geom(mean, u) as
                case when mean <= 0 then 0
                     else least(40, floor(ln(1 - u) / ln(mean / (1 + mean))))::INTEGER end;
            create or replace macro pick(l, h) as l[1 + (h % len(l)::UBIGINT)::INTEGER];
            create or replace macro pick_u(l, u) as l[1 + floor(u * len(l))::INTEGER];
            create or replace macro ts(s) as make_timestamp((s)::BIGINT * 1000000);
            create or replace macro idf(prefix, n, w) as
                prefix || lpad((n)::VARCHAR, greatest(w, length((n)::VARCHAR))::INTEGER, '0');
            create or replace macro wsid(ws) as 'w' || lpad((ws)::VARCHAR, 2, '0');
            create or replace macro money(x) as round(x, 2)::DECIMAL(18,2);
        """)
        # workspaces
        n = p.contacts
        weights = [w["weight"] for w in WORKSPACES]
        counts = [max(1, int(n * w / sum(weights))) for w in weights]
        counts[0] += max(0, n - sum(counts))
        rows = []
        for i, (w, c) in enumerate(zip(WORKSPACES, counts), start=1):
            rows.append("(" + ", ".join([
                str(i), sql_str(w["workspace_id"]), sql_str(w["name"]), sql_str(w["timezone"]),
                sql_str(w["currency"]),
                f"epoch(TIMESTAMP {sql_str(w['created_at'])})::BIGINT",
                sql_str(w["kind"]), str(c), sql_str(w["domain"]), sql_str(w["locale"]),
                repr(w["price_median"]), sql_str(slots(w["countries"])), sql_str(slots(w["channels"])),
                sql_str(slots(w["campaign_channels"])), sql_str(w["alt_currencies"]),
                str(w["n_offers"]), str(w["n_creatives"]), str(w["n_agents"]), str(w["n_popups"]),
                str(max(3, round(w["campaigns_per_day"] * p.days))),
                repr(FX_PER_USD[w["currency"]] / FX_PER_USD["EUR"]),
                sql_str(CAMPAIGN_NAMES[w["locale"]]),
            ]) + ")")
        self.sql(f"""
            create table g_ws (ws INTEGER, workspace_id VARCHAR, name VARCHAR, timezone VARCHAR,
                currency VARCHAR, created_s BIGINT, kind VARCHAR, c_count INTEGER, domain VARCHAR,
                locale VARCHAR, price_median DOUBLE, country_slots VARCHAR[], channel_slots VARCHAR[],
                campaign_channel_slots VARCHAR[], alt_currencies VARCHAR[], n_offers INTEGER,
                n_creatives INTEGER, n_agents INTEGER, n_popups INTEGER, n_campaigns INTEGER,
                per_eur DOUBLE, campaign_names VARCHAR[]);
            insert into g_ws values {", ".join(rows)};
        """)
        # countries
        crow = []
        for cc, c in COUNTRIES.items():
            crow.append("(" + ", ".join(sql_str(v) for v in [
                cc, c["dial"], c["firsts"], c["lasts"], c["domains"], ALT_DOMAINS, c["regions"]]) + ")")
        self.sql(f"""
            create table g_country (cc VARCHAR, dial VARCHAR, firsts VARCHAR[], lasts VARCHAR[],
                domains VARCHAR[], alt_domains VARCHAR[], regions VARCHAR[]);
            insert into g_country values {", ".join(crow)};
        """)
        # attribution settings
        srow = []
        for i, w in enumerate(WORKSPACES, start=1):
            for rel, window, coupons in w["settings"]:
                day = rel if rel < 0 or rel >= 1 else round(rel * p.days)
                srow.append(f"({i}, {{START}} + {int(day)} * 86400 + 8 * 3600, {window}, {sql_str(coupons)})")
        self.sql(f"""
            create table g_settings (ws INTEGER, effective_s BIGINT, window_days INTEGER, coupons BOOLEAN);
            insert into g_settings values {", ".join(srow)};
        """)
        # signup sources per channel and phone helpers
        case = " ".join(f"when '{ch}' then {sql_str(slots(w))}" for ch, w in SIGNUP_SOURCES.items())
        self.sql(f"create or replace macro signup_slots(ch) as case ch {case} end;")
        self.sql("""
            -- national significant number, injective in the person number k within (ws, country)
            create or replace macro nsn(cc, ws, k) as case cc
                when 'DE' then case when uu(ws, k, 0, 0, 'land') < 0.08
                    then '30' || lpad((((k)::BIGINT * 7919 + (hh(ws, 0, 0, 0, 'po') % 10000000)::BIGINT) % 10000000)::VARCHAR, 7, '0')
                    else pick(['151','152','157','160','162','163','170','171','172','173','174','175',
                               '176','177','178','179'], hh(ws, k, 0, 0, 'pre'))
                         || lpad((((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 100000000)::BIGINT) % 100000000)::VARCHAR, 8, '0') end
                when 'US' then pick(['212','646','718','917','310','415','312','305','617','202','512',
                                     '206','303','404','702'], hh(ws, k, 0, 0, 'pre'))
                    || (((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 8000000)::BIGINT) % 8000000 + 2000000)::VARCHAR
                when 'IN' then pick(['98','99','97','96','94','93','90','70','81','88','63','62'], hh(ws, k, 0, 0, 'pre'))
                    || lpad((((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 100000000)::BIGINT) % 100000000)::VARCHAR, 8, '0')
                when 'AU' then '4' || pick(['0','1','2','3','6'], hh(ws, k, 0, 0, 'pre'))
                    || lpad((((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 10000000)::BIGINT) % 10000000)::VARCHAR, 7, '0')
                when 'BR' then pick(['11','21','31','41','51','61','71','81'], hh(ws, k, 0, 0, 'pre'))
                    || '9' || pick(['6','7','8','9'], hh(ws, k, 0, 0, 'pre2'))
                    || lpad((((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 10000000)::BIGINT) % 10000000)::VARCHAR, 7, '0')
                when 'GB' then '7' || pick(['4','5','7','8','9'], hh(ws, k, 0, 0, 'pre'))
                    || lpad((((k)::BIGINT * 48271 + (hh(ws, 0, 0, 0, 'po') % 100000000)::BIGINT) % 100000000)::VARCHAR, 8, '0')
                end;
            -- a phone in one of six formats: 0 national, 1 international spaced, 2 E.164,
            -- 3 '00' international (or trunk + area for BR), 4 and 5 other local habits
            create or replace macro fmt_phone(cc, n, f) as case cc
                when 'DE' then case f
                    when 0 then '0' || n[1:case when n[1:2] = '30' then 2 else 3 end] || ' ' || n[case when n[1:2] = '30' then 3 else 4 end:]
                    when 1 then '+49 ' || n[1:case when n[1:2] = '30' then 2 else 3 end] || ' ' || n[case when n[1:2] = '30' then 3 else 4 end:]
                    when 2 then '+49' || n
                    when 3 then '0049' || n
                    when 4 then '0' || n[1:case when n[1:2] = '30' then 2 else 3 end] || '/' || n[case when n[1:2] = '30' then 3 else 4 end:]
                    else '0' || n end
                when 'US' then case f
                    when 0 then '(' || n[1:3] || ') ' || n[4:6] || '-' || n[7:10]
                    when 1 then '+1 ' || n[1:3] || '-' || n[4:6] || '-' || n[7:10]
                    when 2 then '+1' || n
                    when 3 then n[1:3] || '-' || n[4:6] || '-' || n[7:10]
                    when 4 then n[1:3] || '.' || n[4:6] || '.' || n[7:10]
                    else '1-' || n[1:3] || '-' || n[4:6] || '-' || n[7:10] end
                when 'IN' then case f
                    when 0 then '0' || n[1:5] || ' ' || n[6:10]
                    when 1 then '+91 ' || n[1:5] || ' ' || n[6:10]
                    when 2 then '+91' || n
                    when 3 then '0091 ' || n[1:5] || ' ' || n[6:10]
                    when 4 then n[1:5] || ' ' || n[6:10]
                    else n end
                when 'AU' then case f
                    when 0 then '0' || n[1:3] || ' ' || n[4:6] || ' ' || n[7:9]
                    when 1 then '+61 ' || n[1:3] || ' ' || n[4:6] || ' ' || n[7:9]
                    when 2 then '+61' || n
                    when 3 then '0' || n
                    when 4 then '0' || n[1:3] || n[4:6] || ' ' || n[7:9]
                    else '+61 ' || n end
                when 'BR' then case f
                    when 0 then '(' || n[1:2] || ') ' || n[3:7] || '-' || n[8:11]
                    when 1 then '+55 ' || n[1:2] || ' ' || n[3:7] || '-' || n[8:11]
                    when 2 then '+55' || n
                    when 3 then '0' || n[1:2] || ' ' || n[3:7] || '-' || n[8:11]
                    when 4 then n[1:2] || ' ' || n[3:7] || ' ' || n[8:11]
                    else n end
                when 'GB' then case f
                    when 0 then '0' || n[1:4] || ' ' || n[5:10]
                    when 1 then '+44 ' || n[1:4] || ' ' || n[5:10]
                    when 2 then '+44' || n
                    when 3 then '0044 ' || n[1:4] || ' ' || n[5:10]
                    when 4 then '0' || n
                    else '+44 (0)' || n[1:4] || ' ' || n[5:10] end
                end;
            create or replace macro phone_fmt_code(u) as
                case when u < 0.30 then 0 when u < 0.45 then 1 when u < 0.70 then 2
                     when u < 0.80 then 3 when u < 0.90 then 4 else 5 end;
            -- the local part of a person's canonical email (contains the person number: unique)
            create or replace macro p_local(ws, pn, firsts, lasts) as (case hh(ws, pn, 0, 0, 'pat') % 5
                    when 0 then pick(firsts, hh(ws, pn, 0, 0, 'fn')) || '.' || pick(lasts, hh(ws, pn, 0, 0, 'ln'))
                    when 1 then pick(firsts, hh(ws, pn, 0, 0, 'fn'))[1] || pick(lasts, hh(ws, pn, 0, 0, 'ln'))
                    when 2 then pick(firsts, hh(ws, pn, 0, 0, 'fn')) || '_' || pick(lasts, hh(ws, pn, 0, 0, 'ln'))[1]
                    when 3 then pick(lasts, hh(ws, pn, 0, 0, 'ln')) || '.' || pick(firsts, hh(ws, pn, 0, 0, 'fn'))
                    else pick(firsts, hh(ws, pn, 0, 0, 'fn')) end) || (pn)::VARCHAR;
            create or replace macro p_domain(ws, pn, domains) as pick(domains, hh(ws, pn, 0, 0, 'dom'));
            -- the address as people type it (loc/dom from p_local/p_domain): stray case, blanks
            create or replace macro email_variant(loc, dom, u) as case
                when u < 0.68 then lower(loc || '@' || dom)
                when u < 0.83 then loc || '@' || dom
                when u < 0.90 then lower(loc) || '@' || upper(dom)
                else '  ' || loc || '@' || dom || ' ' end;
            create or replace macro alt_email(ws, pn, firsts, lasts, alt_domains) as
                lower(pick(lasts, hh(ws, pn, 0, 0, 'ln')) || '.' || pick(firsts, hh(ws, pn, 0, 0, 'fn'))[1]
                      || (pn)::VARCHAR || '@' || pick(alt_domains, hh(ws, pn, 0, 0, 'adom')));
            create or replace macro welcome_code(ws, cn) as 'WELCOME-' || printf('%06X',
                ((cn)::BIGINT * 2654435761 + (hh(ws, 0, 0, 0, 'wc') % 16777216)::BIGINT) % 16777216);
            create or replace macro cart_code(ws, cn, k) as 'CART-' || printf('%08X',
                (((cn)::BIGINT * 64 + (k)::BIGINT) * 2654435761 + (hh(ws, 0, 0, 0, 'cc') % 4294967296)::BIGINT) % 4294967296);
            create or replace macro popup_code(ws, cn) as 'POP-' || printf('%06X',
                ((cn)::BIGINT * 40503 + (hh(ws, 0, 0, 0, 'pc') % 16777216)::BIGINT) % 16777216);
        """)

    def contacts(self) -> None:
        self.sql("""
        create table g_contacts as
        with base as (
            select ws, unnest(range(1, c_count + 1))::INTEGER as contact_num from g_ws
        ),
        twins as (
            select ws, contact_num,
                contact_num % 2 = 0 and uu(ws, contact_num, 0, 0, 'twin') < 0.16 as is_twin
            from base
        ),
        persons as (
            select t.*,
                case when is_twin then contact_num - 1 else contact_num end as person_num,
                w.kind, w.country_slots, w.channel_slots, w.c_count
            from twins t
            inner join g_ws w on t.ws = w.ws
        ),
        person_attrs as (
            select p.*,
                pick_u(country_slots, uu(ws, person_num, 0, 0, 'country')) as country,
                pick_u(channel_slots, uu(ws, person_num, 0, 0, 'channel')) as primary_channel,
                case when uu(ws, person_num, 0, 0, 'cre') < 0.3
                     then {START} - 60 - floor(uu(ws, person_num, 0, 0, 'cre2') * 730 * 86400)::BIGINT
                     else {START} + floor(pow(uu(ws, person_num, 0, 0, 'cre2'), 0.85) * {DAYS} * 86400)::BIGINT
                end as person_created_s,
                exp(0.9 * nn(ws, person_num, 0, 0, 'prop') - 0.4) as prop
            from persons p
        ),
        contact_attrs as (
            select a.*,
                case when not is_twin then primary_channel
                     when primary_channel <> 'email' then 'email'
                     when country = 'US' then 'sms'
                     else 'whatsapp' end as channel,
                case when not is_twin then person_created_s
                     else person_created_s + floor(uu(ws, contact_num, 0, 0, 'tc')
                          * 0.7 * ({STOP} - greatest(person_created_s, {START} - 200 * 86400)))::BIGINT
                end as created_s
            from person_attrs a
        ),
        flags as (
            select a.*,
                uu(ws, contact_num, 0, 0, 'hasmail') < case channel when 'email' then 1.0 when 'whatsapp' then 0.35
                    when 'sms' then 0.30 when 'instagram' then 0.25 else 0.5 end as has_email,
                uu(ws, contact_num, 0, 0, 'hasphone') < case channel when 'whatsapp' then 1.0 when 'sms' then 1.0
                    when 'email' then 0.25 when 'instagram' then 0.10 else 0.2 end as has_phone,
                uu(ws, contact_num, 0, 0, 'nocc') < 0.06 as no_cc,
                case when uu(ws, contact_num, 0, 0, 'unsub') < 0.07
                     then greatest(created_s, {START}) + floor(uu(ws, contact_num, 0, 0, 'unsub2')
                          * ({STOP} - greatest(created_s, {START})))::BIGINT end as unsub_s,
                channel in ('whatsapp', 'sms') and uu(ws, contact_num, 0, 0, 'badnum') < 0.02 as bad_number
            from contact_attrs a
        ),
        strs as (
            select f.*, c.regions,
                nsn(f.country, f.ws, f.person_num) as n,
                p_local(f.ws, f.person_num, c.firsts, c.lasts) as loc,
                p_domain(f.ws, f.person_num, c.domains) as dom
            from flags f
            inner join g_country c on f.country = c.cc
        )
        select f.ws, f.contact_num, f.person_num, f.is_twin, f.kind = 'shop' as is_shop, f.country,
            f.channel, f.created_s, f.prop, f.unsub_s, f.bad_number,
            case when f.has_phone then fmt_phone(f.country, f.n,
                case when f.no_cc then 1 + (hh(f.ws, f.contact_num, 0, 0, 'pf') % 2)::INTEGER
                     else phone_fmt_code(uu(f.ws, f.contact_num, 0, 0, 'pf')) end) end as phone,
            case when f.has_email then email_variant(f.loc, f.dom, uu(f.ws, f.contact_num, 0, 0, 'ev')) end as email,
            case when not f.no_cc then f.country end as country_code,
            pick_u(signup_slots(f.channel), uu(f.ws, f.contact_num, 0, 0, 'src')) as signup_source,
            case when uu(f.ws, f.contact_num, 0, 0, 'noreg') > 0.12
                 then pick(f.regions, hh(f.ws, f.person_num, 0, 0, 'reg')) end as region
        from strs f
        """)

    def customers(self) -> None:
        # shop customers: a share of the contact persons (stitchable by email/phone, by an
        # identity link only, or not at all) plus shop-only persons without any contact.
        self.sql("""
        create table g_customers as
        with from_contacts as (
            select c.ws, c.person_num, c.country, c.prop,
                case when uu(c.ws, c.person_num, 0, 0, 'cbefore') < 0.6
                     then c.created_s - floor(uu(c.ws, c.person_num, 0, 0, 'cdt') * 180 * 86400)::BIGINT
                     else c.created_s + floor(uu(c.ws, c.person_num, 0, 0, 'cdt') * ({STOP} - c.created_s))::BIGINT
                end as created_s,
                case when uu(c.ws, c.person_num, 0, 0, 'smode') < 0.75 then 'match'
                     when uu(c.ws, c.person_num, 0, 0, 'smode') < 0.90 then 'link_only'
                     else 'none' end as stitch_mode
            from g_contacts c
            where c.is_shop and not c.is_twin and uu(c.ws, c.person_num, 0, 0, 'cust') < 0.45
        ),
        shop_only as (
            select b.ws, b.c_count + b.j as person_num,
                pick_u(w.country_slots, uu(b.ws, b.c_count + b.j, 0, 0, 'country')) as country,
                exp(0.9 * nn(b.ws, b.c_count + b.j, 0, 0, 'prop') - 0.4) as prop,
                case when uu(b.ws, b.j, 0, 0, 'socre') < 0.4
                     then {START} - 60 - floor(uu(b.ws, b.j, 0, 0, 'socre2') * 900 * 86400)::BIGINT
                     else {START} + floor(uu(b.ws, b.j, 0, 0, 'socre2') * {DAYS} * 86400)::BIGINT end as created_s,
                'none' as stitch_mode
            from (select ws, c_count, unnest(range(1, greatest(1, (c_count * 0.4)::INTEGER) + 1)) as j
                  from g_ws where kind = 'shop') b
            inner join g_ws w on b.ws = w.ws
        ),
        allc as (
            select * from from_contacts
            union all
            select * from shop_only
        ),
        numbered as (
            select a.*, row_number() over (partition by a.ws order by a.created_s, a.person_num)::INTEGER as cust_num,
                p_local(a.ws, a.person_num, c.firsts, c.lasts) as loc,
                p_domain(a.ws, a.person_num, c.domains) as dom,
                case when a.stitch_mode = 'match' then nsn(a.country, a.ws, a.person_num)
                     else nsn(a.country, a.ws, a.person_num + 3 * 3000000) end as n,
                alt_email(a.ws, a.person_num, c.firsts, c.lasts, c.alt_domains) as alt
            from allc a
            inner join g_country c on a.country = c.cc
        )
        select n.ws, n.cust_num, n.person_num, n.country, n.prop, n.created_s, n.stitch_mode,
            case when n.stitch_mode = 'match' and uu(n.ws, n.person_num, 0, 0, 'cmail') < 0.92
                     then case when uu(n.ws, n.person_num, 0, 0, 'ccase') < 0.8
                               then lower(n.loc || '@' || n.dom) else n.loc || '@' || n.dom end
                 when n.stitch_mode = 'match' then null
                 when uu(n.ws, n.person_num, 0, 0, 'cmail') < 0.95 then n.alt
            end as email,
            case when n.stitch_mode = 'match' and uu(n.ws, n.person_num, 0, 0, 'cphone') < 0.55
                     then fmt_phone(n.country, n.n,
                          case when uu(n.ws, n.person_num, 0, 0, 'cnocc') <= 0.05 or uu(n.ws, n.person_num, 0, 0, 'cpf') < 0.7 then 2
                               when uu(n.ws, n.person_num, 0, 0, 'cpf') < 0.9 then 0 else 1 end)
                 when n.stitch_mode <> 'match' and uu(n.ws, n.person_num, 0, 0, 'cphone') < 0.3
                     then fmt_phone(n.country, n.n, 2)
            end as phone,
            case when uu(n.ws, n.person_num, 0, 0, 'cnocc') > 0.05 then n.country end as country_code
        from numbered n
        """)
        self.sql("""
        create table g_links_id as
        with cand as (
            select c.ws, c.contact_num, c.is_twin, c.created_s as contact_created_s,
                k.cust_num, k.created_s as cust_created_s, k.stitch_mode
            from g_contacts c
            inner join g_customers k on c.ws = k.ws and c.person_num = k.person_num
            where (k.stitch_mode = 'link_only' and (not c.is_twin or uu(c.ws, c.contact_num, 0, 0, 'lt') < 0.5))
               or (k.stitch_mode = 'match' and not c.is_twin and uu(c.ws, c.contact_num, 0, 0, 'lr') < 0.2)
        )
        select ws, contact_num, cust_num,
            greatest(contact_created_s, cust_created_s)
                + floor(uu(ws, contact_num, cust_num, 0, 'ldt') * 10 * 86400)::BIGINT as linked_s,
            pick({IDENTITY_METHODS}, hh(ws, contact_num, cust_num, 0, 'lm')) as method
        from cand
        where greatest(contact_created_s, cust_created_s) + floor(uu(ws, contact_num, cust_num, 0, 'ldt') * 10 * 86400)::BIGINT < {STOP}
        """.replace("{IDENTITY_METHODS}", sql_str(IDENTITY_METHODS)))

    def dimensions(self) -> None:
        p = self.p
        # offers and creatives
        self.sql(f"""
        create table g_offers as
        select ws, offer_num,
            {sql_str(OFFER_NAMES)}[1 + ((offer_num - 1 + hh(ws, 0, 0, 0, 'on') % 14) % 14)::INTEGER] as name,
            case offer_num when 1 then 'tune' when 2 then 'other' when 3 then 'everflow' when 4 then 'impact'
                 else pick(['tune', 'tune', 'everflow', 'everflow', 'impact', 'other'], hh(ws, offer_num, 0, 0, 'net')) end as network,
            pick([24, 72, 168, 168, 720, NULL], hh(ws, offer_num, 0, 0, 'win'))::INTEGER as window_hours,
            case when uu(ws, offer_num, 0, 0, 'pccy') < 0.6 then 'USD'
                 when uu(ws, offer_num, 0, 0, 'pccy') < 0.85 then 'EUR' else currency end as payout_ccy,
            round(lognorm(18, 0.8, ws, offer_num, 0, 0, 'pay'), 2) as payout_base
        from (select ws, currency, unnest(range(1, n_offers + 1))::INTEGER as offer_num from g_ws);

        create table g_creatives as
        select w.ws, creative_num,
            pick(['Carousel', 'Banner 1080x1080', 'Video 15s', 'Template', 'Story', 'Rich card'],
                 hh(w.ws, creative_num, 0, 0, 'cn')) || ' – ' ||
                pick(['spring', 'promo', 'v2', 'v3', 'hero', 'ugc', 'minimal'], hh(w.ws, creative_num, 0, 0, 'cn2'))
                || ' #' || creative_num::VARCHAR as name,
            case when w.n_offers > 0 and uu(w.ws, creative_num, 0, 0, 'co') < case when w.kind = 'publisher' then 0.8 else 0.4 end
                 then 1 + (hh(w.ws, creative_num, 0, 0, 'co2') % w.n_offers::UBIGINT)::INTEGER end as offer_num
        from (select ws, unnest(range(1, n_creatives + 1))::INTEGER as creative_num from g_ws) c
        inner join g_ws w on c.ws = w.ws;
        """)
        # campaigns
        self.sql(f"""
        create table g_campaigns as
        with base as (
            select ws, unnest(range(1, n_campaigns + 1))::INTEGER as campaign_num from g_ws
        ),
        st as (
            select b.ws, b.campaign_num, w.timezone, w.kind, w.n_creatives, w.n_offers, w.campaign_names,
                w.campaign_channel_slots,
                case when uu(b.ws, b.campaign_num, 0, 0, 'st') < 0.86 then 'sent'
                     when uu(b.ws, b.campaign_num, 0, 0, 'st') < 0.91 then 'draft'
                     when uu(b.ws, b.campaign_num, 0, 0, 'st') < 0.95 then 'scheduled'
                     else 'cancelled' end as status
            from base b inner join g_ws w on b.ws = w.ws
        ),
        timed as (
            select *,
                (DATE '{p.start_date.isoformat()}' + case when status = 'scheduled'
                    then {p.days} + 1 + floor(uu(ws, campaign_num, 0, 0, 'day') * 14)::INTEGER
                    else floor(uu(ws, campaign_num, 0, 0, 'day') * {p.days})::INTEGER end) as local_date,
                9 + floor(uu(ws, campaign_num, 0, 0, 'hour') * 11)::INTEGER as local_hour,
                15 * floor(uu(ws, campaign_num, 0, 0, 'min') * 4)::INTEGER as local_minute
            from st
        ),
        published as (
            select *,
                greatest({{START}} + 3600, epoch(timezone('UTC', timezone(timezone,
                    local_date::TIMESTAMP + to_hours(local_hour) + to_minutes(local_minute))))::BIGINT)
                    as planned_s,
                case when uu(ws, campaign_num, 0, 0, 'cr') < case when kind = 'publisher' then 0.9 else 0.35 end
                     then 1 + (hh(ws, campaign_num, 0, 0, 'cr2') % n_creatives::UBIGINT)::INTEGER end as creative_num
            from timed
        )
        select pb.ws, pb.campaign_num, pb.status,
            pick_u(pb.campaign_channel_slots, uu(pb.ws, pb.campaign_num, 0, 0, 'ch')) as channel,
            pick(pb.campaign_names, hh(pb.ws, pb.campaign_num, 0, 0, 'nm')) || ' · ' || strftime(pb.local_date, '%b %-d') as name,
            case when pb.status <> 'draft' then pb.planned_s end as published_s,
            pb.creative_num,
            case when pb.n_offers > 0 and (
                     (pb.kind = 'publisher' and (cr.offer_num is null or uu(pb.ws, pb.campaign_num, 0, 0, 'of') < 0.5))
                     or (pb.kind = 'shop' and uu(pb.ws, pb.campaign_num, 0, 0, 'of') < 0.1))
                 then 1 + (hh(pb.ws, pb.campaign_num, 0, 0, 'of2') % pb.n_offers::UBIGINT)::INTEGER end as offer_num,
            pick(['all_subscribers', 'all_subscribers', 'all_subscribers', 'engaged_30d', 'engaged_30d',
                  'vip', 'new_signups', NULL], hh(pb.ws, pb.campaign_num, 0, 0, 'list')) as sending_list,
            case when pb.status = 'sent' and pb.kind = 'shop' and uu(pb.ws, pb.campaign_num, 0, 0, 'code') < 0.3
                 then pick({sql_str(CODE_PREFIXES)}, hh(pb.ws, pb.campaign_num, 0, 0, 'cp'))
                      || pick(['10', '15', '20', '25'], hh(pb.ws, pb.campaign_num, 0, 0, 'cpp'))
                      || '-' || printf('%03X', (pb.campaign_num * 7 + hh(pb.ws, 0, 0, 0, 'cpo') % 4096) % 4096)
            end as code
        from published pb
        left join g_creatives cr on pb.ws = cr.ws and pb.creative_num = cr.creative_num
        """)
        # flows
        frows = []
        for i, f in enumerate(FLOWS, start=1):
            name, ftype, ch, delays, cat, status, created, shop_only, code, rate = f
            day = created if created <= -1 or created >= 1 else round(created * p.days)
            frows.append("(" + ", ".join([
                str(i), sql_str(name), sql_str(ftype), sql_str(ch),
                sql_str([int(round(d * 3600)) for d in delays]), sql_str(cat), sql_str(status),
                str(int(day)), sql_str(shop_only), sql_str(code), repr(float(rate)),
                sql_str(EXIT_REASONS[ftype])]) + ")")
        self.sql(f"""
        create table g_flow_tpl (tpl INTEGER, name VARCHAR, flow_type VARCHAR, channel VARCHAR,
            delays_s BIGINT[], category VARCHAR, status VARCHAR, created_day INTEGER, shop_only BOOLEAN,
            code_kind VARCHAR, rate DOUBLE, exit_reasons VARCHAR[]);
        insert into g_flow_tpl values {", ".join(frows)};
        create table g_flows as
        select w.ws, row_number() over (partition by w.ws order by t.tpl)::INTEGER as flow_num,
            t.name, t.flow_type, t.channel, t.delays_s, t.category, t.status, t.code_kind, t.rate,
            t.exit_reasons,
            {{START}} + t.created_day * 86400 + floor(uu(w.ws, t.tpl, 0, 0, 'fc') * 86400)::BIGINT as created_s,
            case when w.n_creatives > 0 and uu(w.ws, t.tpl, 0, 0, 'fcr') < case when w.kind = 'publisher' then 0.5 else 0.1 end
                 then 1 + (hh(w.ws, t.tpl, 0, 0, 'fcr2') % w.n_creatives::UBIGINT)::INTEGER end as creative_num
        from g_ws w cross join g_flow_tpl t
        where w.kind = 'shop' or not t.shop_only;
        """)
        # popups and agents
        self.sql(f"""
        create table g_popups as
        select ws, popup_num,
            {sql_str(POPUP_NAMES)}[popup_num] as name,
            {sql_str(POPUP_CODES)}[popup_num] as shared_code,
            case when popup_num = 1 then {{START}} - 600 * 86400
                 when popup_num = 3 then {{START}} + floor({p.days} * 0.3)::BIGINT * 86400 + 36000
                 else {{START}} - (30 + popup_num * 40) * 86400 end as created_s
        from (select ws, unnest(range(1, least(n_popups, 4) + 1))::INTEGER as popup_num from g_ws);

        create table g_agents as
        select a.ws, a.agent_num,
            case when a.agent_num = 2 then pick(c.firsts, hh(a.ws, 2, 0, 0, 'af')) || ' 🤖 (bot handover)'
                 when a.agent_num = 3 then pick(c.firsts, hh(a.ws, 3, 0, 0, 'af')) || ' "JJ" O''Neil'
                 else pick(c.firsts, hh(a.ws, a.agent_num, 0, 0, 'af')) || ' ' || pick(c.lasts, hh(a.ws, a.agent_num, 0, 0, 'al')) end as name,
            pick({sql_str(AGENT_TEAMS)}, hh(a.ws, a.agent_num, 0, 0, 'team')) as team
        from (select ws, country_slots[1] as cc, unnest(range(1, n_agents + 1))::INTEGER as agent_num from g_ws) a
        inner join g_country c on a.cc = c.cc;
        """)

    def runs_and_conversations(self) -> None:
        self.sql("""
        create table g_runs1 as
        with elig as (
            select c.ws, c.contact_num, c.created_s, c.prop, c.unsub_s,
                f.flow_num, f.flow_type, f.created_s as flow_created_s, f.status, f.delays_s, f.category,
                f.exit_reasons,
                case
                    when f.flow_type = 'welcome' then (c.created_s >= greatest({START}, f.created_s))::INTEGER
                    when f.flow_type = 'cart_abandonment' then geom(0.40 * c.prop * {DSCALE}, uu(c.ws, c.contact_num, f.flow_num, 0, 'nr'))
                    when f.flow_type = 'browse_abandonment' then geom(0.45 * c.prop * {DSCALE}, uu(c.ws, c.contact_num, f.flow_num, 0, 'nr'))
                    when f.flow_type = 'winback' then (c.created_s < {START} - 60 * 86400 and c.prop < 0.9
                                                       and uu(c.ws, c.contact_num, f.flow_num, 0, 'nr') < 0.35)::INTEGER
                    else geom(f.rate * {DSCALE}, uu(c.ws, c.contact_num, f.flow_num, 0, 'nr'))
                end as n_runs
            from g_contacts c
            inner join g_flows f on c.ws = f.ws and c.channel = f.channel
            where f.status in ('live', 'paused') and f.flow_type <> 'post_purchase'
        ),
        runs as (
            select *, unnest(range(n_runs)) as k from elig where n_runs > 0
        ),
        timed as (
            select *,
                greatest({START}, created_s, flow_created_s) as lo,
                case when status = 'paused' then {START} + {DAYS} * 43200 else {STOP} end as hi
            from runs
        ),
        started as (
            select *,
                case when flow_type = 'welcome'
                     then created_s + 60 + floor(uu(ws, contact_num, flow_num, k, 'st') * 540)::BIGINT
                     else lo + floor(uu(ws, contact_num, flow_num, k, 'st') * (hi - lo))::BIGINT end as started_s
            from timed
            where flow_type = 'welcome' or hi > lo
        ),
        fate as (
            select *,
                len(delays_s) as n_steps,
                uu(ws, contact_num, flow_num, k, 'ex') < 0.14 as is_exit,
                floor(uu(ws, contact_num, flow_num, k, 'exs') * len(delays_s))::INTEGER as exit_step
            from started
            where started_s < {STOP}
              and (unsub_s is null or started_s < unsub_s or category = 'authentication')
        )
        select ws, contact_num, flow_num, k, started_s,
            len(list_filter(delays_s[1:case when is_exit then exit_step else n_steps end],
                            d -> started_s + d < {STOP})) as n_sent,
            case when not is_exit and started_s + delays_s[n_steps] + 30 < {STOP}
                 then started_s + delays_s[n_steps] + 30 end as completed_s,
            case when is_exit and greatest(started_s + 5, started_s + delays_s[exit_step + 1] - 300) < {STOP}
                 then pick(exit_reasons, hh(ws, contact_num, flow_num, k, 'exr')) end as exit_reason
        from fate
        """)
        self.sql("""
        create table g_conv as
        with elig as (
            select c.ws, c.contact_num, c.created_s, c.channel, c.prop, c.is_shop,
                geom(0.05 * {DSCALE} * (0.5 + c.prop / 2) * case c.channel when 'whatsapp' then 1.5
                     when 'web_chat' then 3 when 'instagram' then 2 when 'email' then 0.6 else 0.3 end,
                     uu(c.ws, c.contact_num, 0, 0, 'conv')) as n_conv,
                w.n_agents
            from g_contacts c inner join g_ws w on c.ws = w.ws
        ),
        convs as (
            select *, unnest(range(n_conv)) as k from elig where n_conv > 0
        ),
        timed as (
            select ws, contact_num, channel, is_shop, k,
                greatest({START}, created_s) + floor(uu(ws, contact_num, k, 0, 'cst')
                    * ({STOP} - greatest({START}, created_s)))::BIGINT as started_s,
                1 + floor(pow(uu(ws, contact_num, k, 0, 'ag'), 1.7) * n_agents)::INTEGER as agent_num,
                1 + floor(uu(ws, contact_num, k, 0, 'nrep') * 4)::INTEGER as n_replies
            from convs
            where greatest({START}, created_s) < {STOP}
        )
        select *, row_number() over (partition by ws order by started_s, contact_num, k)::INTEGER as conv_num
        from timed
        """)
        # links shared in conversations, their clicks
        self.sql("""
        create table g_links as
        with per_conv as (
            select v.*,
                case when uu(ws, conv_num, 0, 0, 'nl') < 0.5 then 0
                     when uu(ws, conv_num, 0, 0, 'nl') < 0.87 then 1 else 2 end as n_links
            from g_conv v where is_shop
        ),
        links as (
            select *, unnest(range(n_links)) as l from per_conv where n_links > 0
        ),
        timed as (
            select ws, conv_num, contact_num, agent_num, channel, l,
                started_s + 120 + least(l, n_replies - 1) * 420 + 5 as shared_s,
                case when uu(ws, conv_num, l, 0, 'lt') < 0.7 then 'product' else 'checkout' end as link_type
            from links
        )
        select *, row_number() over (partition by ws order by shared_s, conv_num, l)::INTEGER as link_num
        from timed where shared_s < {STOP};

        create table g_link_clicks as
        with per_link as (
            select *,
                case when uu(ws, link_num, 0, 0, 'nc') < case link_type when 'checkout' then 0.3 else 0.4 end then 0
                     when uu(ws, link_num, 0, 0, 'nc') < 0.85 then 1
                     when uu(ws, link_num, 0, 0, 'nc') < 0.97 then 2 else 3 end as n_clicks
            from g_links
        ),
        clicks as (
            select ws, link_num, shared_s, unnest(range(n_clicks)) as i from per_link where n_clicks > 0
        ),
        timed as (
            select ws, link_num, i,
                shared_s + (i + 1) * floor(least(7 * 86400, lognorm(240, 1.5, ws, link_num, i, 0, 'cd')))::BIGINT + 1 as clicked_s
            from clicks
        )
        select *, row_number() over (partition by ws order by clicked_s, link_num, i)::INTEGER as click_num
        from timed where clicked_s < {STOP}
        """)

    def _fate(self, rel: str) -> str:
        """Per message: failed / delivered / read / clicked times (epoch s) from hashes."""
        return f"""
        with k as (
            select m.*, m.src * 10000000 + m.parent_num as ka from ({rel}) m
        ),
        f1 as (
            select k.*,
                bad_number or uu(ws, ka, contact_num, sub, 'fail') < case channel when 'sms' then 0.04
                    when 'whatsapp' then 0.03 when 'email' then 0.025 when 'instagram' then 0.01 else 0.005 end
                    as is_failed,
                least(1.8, 0.55 + 0.45 * prop) as eng
            from k
        ),
        f2 as (
            select f1.*,
                case when is_failed then sent_s + 2 + floor(uu(ws, ka, contact_num, sub, 'ft') * 30)::BIGINT end as failed_s,
                case when not is_failed and uu(ws, ka, contact_num, sub, 'dl') < 0.985
                     then sent_s + case when channel = 'email' then 1 else 1 + floor(-ln(1 - uu(ws, ka, contact_num, sub, 'dt')) * 8)::BIGINT end
                end as deliv_s
            from f1
        ),
        f3 as (
            select f2.*,
                case when deliv_s is not null and channel <> 'sms'
                      and uu(ws, ka, contact_num, sub, 'rd') < case when src = 3 then 0.92
                          else least(0.97, eng * case channel when 'whatsapp' then 0.80 when 'email' then 0.46
                               when 'instagram' then 0.65 else 0.78 end) end
                     then deliv_s + 1 + floor(least(20 * 86400, lognorm(900, 1.7, ws, ka, contact_num, sub, 'rt')))::BIGINT
                end as read_s
            from f2
        ),
        f4 as (
            select f3.*,
                case when src <> 3 and category <> 'authentication'
                      and (read_s is not null or (channel = 'sms' and deliv_s is not null))
                      and uu(ws, ka, contact_num, sub, 'ck') < least(0.9, sqrt(eng) * case channel
                          when 'whatsapp' then 0.16 when 'email' then 0.13 when 'instagram' then 0.12
                          when 'web_chat' then 0.18 else 0.065 end * case when category = 'utility' then 0.5 else 1 end)
                     then coalesce(read_s, deliv_s) + 2 + floor(least(3 * 86400, lognorm(40, 1.2, ws, ka, contact_num, sub, 'ckt')))::BIGINT
                end as click_s,
                case channel
                    when 'whatsapp' then case when uu(ws, ka, contact_num, sub, 'cty') < 0.55 then 'clicked'
                        when uu(ws, ka, contact_num, sub, 'cty') < 0.8 then 'cta_click' else 'quick_reply' end
                    when 'instagram' then case when uu(ws, ka, contact_num, sub, 'cty') < 0.4 then 'clicked'
                        when uu(ws, ka, contact_num, sub, 'cty') < 0.7 then 'cta_click' else 'quick_reply' end
                    when 'web_chat' then case when uu(ws, ka, contact_num, sub, 'cty') < 0.5 then 'clicked' else 'quick_reply' end
                    else 'clicked' end as click_type
            from f3
        )
        select f4.* exclude (ka, eng, bad_number, prop),
            case when click_s is not null and click_type = 'clicked' and uu(ws, ka, contact_num, sub, 'c2') < 0.12
                 then click_s + 60 + floor(least(5 * 86400, lognorm(3600, 1.5, ws, ka, contact_num, sub, 'c2t')))::BIGINT
            end as click2_s,
            case when read_s is not null and uu(ws, ka, contact_num, sub, 'rr') < 0.04
                 then read_s + 60 + floor(least(5 * 86400, lognorm(21600, 1.2, ws, ka, contact_num, sub, 'rrt')))::BIGINT
            end as reread_s
        from f4
        """

    def messages_phase1(self) -> None:
        campaign = """
            select c.ws, 1 as src, k.campaign_num as parent_num, c.contact_num, 0 as sub,
                k.published_s + floor(uu(c.ws, k.campaign_num, c.contact_num, 0, 'jit') * 1200)::BIGINT as sent_s,
                c.channel, k.creative_num, k.offer_num, 'marketing' as category, NULL::INTEGER as agent_num,
                c.prop, c.bad_number, c.is_shop
            from g_contacts c
            inner join g_campaigns k on c.ws = k.ws and c.channel = k.channel
            where k.status = 'sent' and c.created_s < k.published_s
              and (c.unsub_s is null or c.unsub_s > k.published_s)
              and uu(c.ws, k.campaign_num, c.contact_num, 0, 'recv') < case k.sending_list
                    when 'vip' then case when c.prop > 1.8 then 0.95 else 0 end
                    when 'engaged_30d' then least(0.95, 0.45 * c.prop)
                    when 'new_signups' then case when c.created_s > k.published_s - 30 * 86400 then 0.95 else 0 end
                    else 0.93 end
        """
        flow = """
            select r.ws, 2 as src, r.flow_num as parent_num, r.contact_num, r.k * 16 + r.s as sub,
                r.started_s + f.delays_s[r.s + 1] as sent_s,
                c.channel, f.creative_num, cr.offer_num, f.category, NULL::INTEGER as agent_num,
                c.prop, c.bad_number, c.is_shop
            from (select *, unnest(range(n_sent)) as s from g_runs1 where n_sent > 0) r
            inner join g_flows f on r.ws = f.ws and r.flow_num = f.flow_num
            inner join g_contacts c on r.ws = c.ws and r.contact_num = c.contact_num
            left join g_creatives cr on f.ws = cr.ws and f.creative_num = cr.creative_num
        """
        helpdesk = """
            select v.ws, 3 as src, v.conv_num as parent_num, v.contact_num, v.r as sub,
                v.started_s + 120 + v.r * 420 + floor(uu(v.ws, v.conv_num, v.r, 0, 'hd') * 300)::BIGINT as sent_s,
                v.channel, NULL::INTEGER as creative_num, NULL::INTEGER as offer_num, 'service' as category,
                v.agent_num, c.prop, c.bad_number, c.is_shop
            from (select *, unnest(range(n_replies)) as r from g_conv) v
            inner join g_contacts c on v.ws = c.ws and v.contact_num = c.contact_num
        """
        rel = f"select * from ({campaign} union all {flow} union all {helpdesk}) where sent_s < {{STOP}}"
        self.sql("create table g_msg1 as " + self._fate(rel))

    def orders(self) -> None:
        self.sql("""
        create table g_orders_pre as
        with touch as (
            select m.ws, m.contact_num, m.src, m.parent_num, m.sub,
                case when m.click_s is not null and uu(m.ws, m.src * 10000000 + m.parent_num, m.contact_num, m.sub, 'oc') < 0.05 then m.click_s
                     when m.read_s is not null and uu(m.ws, m.src * 10000000 + m.parent_num, m.contact_num, m.sub, 'or') < 0.0035 then m.read_s
                end as touch_s
            from g_msg1 m
            where m.is_shop and m.src in (1, 2) and (m.click_s is not null or m.read_s is not null)
        ),
        touch_orders as (
            select t.ws, 'touch' as origin, t.contact_num, c.person_num, t.src, t.parent_num, t.sub,
                t.touch_s + floor(case when uu(t.ws, t.src * 10000000 + t.parent_num, t.contact_num, t.sub, 'om') < 0.8
                    then least(30 * 86400, lognorm(5400, 1.5, t.ws, t.src * 10000000 + t.parent_num, t.contact_num, t.sub, 'od'))
                    else 86400 + uu(t.ws, t.src * 10000000 + t.parent_num, t.contact_num, t.sub, 'od2') * 24 * 86400 end)::BIGINT
                    as created_s,
                NULL::INTEGER as link_num, NULL::INTEGER as cust_num_given,
                (hh(t.ws, t.src * 10000000 + t.parent_num, t.contact_num, t.sub, 'okey') >> 2)::BIGINT as okey
            from touch t
            inner join g_contacts c on t.ws = c.ws and t.contact_num = c.contact_num
            where t.touch_s is not null
        ),
        link_orders as (
            select l.ws, 'link' as origin, l.contact_num, c.person_num, NULL::INTEGER as src, NULL::INTEGER as parent_num,
                NULL::INTEGER as sub,
                case when fc.first_click_s is not null
                     then fc.first_click_s + floor(least(5 * 86400, lognorm(1200, 1.3, l.ws, l.link_num, 0, 0, 'lod')))::BIGINT
                     else l.shared_s + 3600 + floor(uu(l.ws, l.link_num, 0, 0, 'lod') * 47 * 3600)::BIGINT end as created_s,
                l.link_num, NULL::INTEGER as cust_num_given,
                (hh(l.ws, l.link_num, 0, 0, 'okey') >> 2)::BIGINT as okey
            from g_links l
            inner join g_contacts c on l.ws = c.ws and l.contact_num = c.contact_num
            left join (select ws, link_num, min(clicked_s) as first_click_s from g_link_clicks group by all) fc
                on l.ws = fc.ws and l.link_num = fc.link_num
            where uu(l.ws, l.link_num, 0, 0, 'lo') < case when fc.first_click_s is null then 0.03
                  when l.link_type = 'checkout' then 0.5 else 0.3 end
        ),
        popup_orders as (
            select c.ws, 'popup' as origin, c.contact_num, c.person_num, NULL::INTEGER as src, NULL::INTEGER as parent_num,
                NULL::INTEGER as sub,
                c.created_s + case when uu(c.ws, c.contact_num, 0, 0, 'pom') < 0.5
                     then 60 + floor(uu(c.ws, c.contact_num, 0, 0, 'pod') * 3600)::BIGINT
                     else 86400 + floor(uu(c.ws, c.contact_num, 0, 0, 'pod') * 14 * 86400)::BIGINT end as created_s,
                NULL::INTEGER as link_num, NULL::INTEGER as cust_num_given,
                (hh(c.ws, c.contact_num, 0, 0, 'pokey') >> 2)::BIGINT as okey
            from g_contacts c
            where c.is_shop and c.signup_source = 'popup' and c.created_s >= {START}
              and uu(c.ws, c.contact_num, 0, 0, 'po') < 0.22
        ),
        organic as (
            select k.ws, k.cust_num, k.person_num, k.created_s, k.prop,
                geom(0.18 * {DSCALE} * k.prop, uu(k.ws, k.cust_num, 0, 0, 'norg')) as n
            from g_customers k
            where k.created_s < {STOP}
        ),
        organic_orders as (
            select o.ws, 'organic' as origin, NULL::INTEGER as contact_num, o.person_num, NULL::INTEGER as src,
                NULL::INTEGER as parent_num, NULL::INTEGER as sub,
                greatest({START}, o.created_s) + floor(uu(o.ws, o.cust_num, o.i, 0, 'ot')
                    * ({STOP} - greatest({START}, o.created_s)))::BIGINT as created_s,
                NULL::INTEGER as link_num, o.cust_num as cust_num_given,
                (hh(o.ws, o.cust_num, o.i, 0, 'okey') >> 2)::BIGINT as okey
            from (select *, unnest(range(n)) as i from organic where n > 0) o
        ),
        strangers as (
            select w.ws, 'stranger' as origin, NULL::INTEGER as contact_num, 2 * w.c_count + 10 + s.j as person_num,
                NULL::INTEGER as src, NULL::INTEGER as parent_num, NULL::INTEGER as sub,
                {START} + floor(uu(w.ws, s.j, 0, 0, 'sgt') * {DAYS} * 86400)::BIGINT as created_s,
                NULL::INTEGER as link_num, NULL::INTEGER as cust_num_given,
                (hh(w.ws, s.j, 0, 0, 'sgkey') >> 2)::BIGINT as okey
            from (select ws, unnest(range(1, greatest(2, (c_count * 0.03 * {DSCALE})::INTEGER) + 1)) as j
                  from g_ws where kind = 'shop') s
            inner join g_ws w on s.ws = w.ws
        )
        select * from (
            select * from touch_orders
            union all select * from link_orders
            union all select * from popup_orders
            union all select * from organic_orders
            union all select * from strangers
        ) where created_s < {STOP}
        """)
        self.holdouts()
        self.sql(f"""
        create table g_orders as
        with resolved as (
            select o.*,
                coalesce(o.cust_num_given, case when uu(o.ws, o.okey, 0, 0, 'guest') >= 0.08 then k.cust_num end) as cust_num,
                coalesce(k2.country, k.country, c.country,
                         pick_u(w.country_slots, uu(o.ws, o.person_num, 0, 0, 'country'))) as country,
                w.currency as ws_currency, w.alt_currencies, w.price_median
            from g_orders_pre o
            inner join g_ws w on o.ws = w.ws
            left join g_customers k on o.ws = k.ws
                and case when o.cust_num_given is null then o.person_num end = k.person_num
            left join g_customers k2 on o.ws = k2.ws and o.cust_num_given = k2.cust_num
            left join g_contacts c on o.ws = c.ws and o.contact_num = c.contact_num
        ),
        with_codes as (
            select r.*,
                -- codes the customer types at checkout, depending on what brought them
                case
                    when r.origin = 'touch' and r.src = 2 and f.code_kind = 'welcome'
                         and uu(r.ws, r.okey, 0, 0, 'uc') < 0.55 then welcome_code(r.ws, r.contact_num)
                    when r.origin = 'touch' and r.src = 2 and f.code_kind = 'cart'
                         and uu(r.ws, r.contact_num, r.parent_num, r.sub // 16, 'cartcode') < 0.35
                         and uu(r.ws, r.okey, 0, 0, 'uc') < 0.5 then cart_code(r.ws, r.contact_num, r.sub // 16)
                    when r.origin = 'touch' and r.src = 1 and k.code is not null
                         and uu(r.ws, r.okey, 0, 0, 'uc') < 0.4 then k.code
                    when r.origin = 'popup' and uu(r.ws, r.okey, 0, 0, 'uc') < 0.85 then popup_code(r.ws, r.contact_num)
                    when r.origin = 'organic' and uu(r.ws, r.okey, 0, 0, 'uc') < 0.03
                         then pick(lcs.codes, hh(r.ws, r.okey, 0, 0, 'leak'))
                end as code1,
                case when uu(r.ws, r.okey, 0, 0, 'fx') < 0.05
                     then {sql_str(FIXED_CODES)}[1 + (hh(r.ws, r.okey, 0, 0, 'fxc') % 3)::INTEGER] end as code2
            from resolved r
            left join g_flows f on r.ws = f.ws and case when r.src = 2 then r.parent_num end = f.flow_num
            left join g_campaigns k on r.ws = k.ws and case when r.src = 1 then r.parent_num end = k.campaign_num
            left join (
                select ws, list(code order by campaign_num) as codes from g_campaigns where code is not null group by ws
            ) lcs on r.ws = lcs.ws
        ),
        priced as (
            select *,
                case when uu(ws, okey, 0, 0, 'ccy') < 0.96 or len(alt_currencies) = 0 then ws_currency
                     else pick(alt_currencies, hh(ws, okey, 0, 0, 'ccy2')) end as currency,
                lognorm(price_median, 0.65, ws, okey, 0, 0, 'price') as subtotal_ws,
                case when code1 is not null or code2 is not null
                     then pick([0.10, 0.15, 0.20], hh(ws, okey, 0, 0, 'pct'))
                     when uu(ws, okey, 0, 0, 'auto') < 0.03 then 0.05 else 0 end as pct
            from with_codes
        )
        select p.ws, p.origin, p.contact_num, p.person_num, p.cust_num, p.country, p.okey, p.created_s,
            p.link_num, p.currency,
            -- the experiment's orders are numbered after the others, which keep their ids
            (row_number() over (partition by p.ws, p.origin = 'holdout' order by p.created_s, p.okey)
             + case when p.origin = 'holdout'
                    then count(*) filter (where p.origin <> 'holdout') over (partition by p.ws) else 0 end
            )::INTEGER as order_num,
            round(p.subtotal_ws * fx.per_usd_to / fxw.per_usd_ws, 2) as subtotal,
            p.pct, p.code1, p.code2
        from priced p
        inner join (select unnest({sql_str(list(FX_PER_USD))}) as ccy,
                           unnest({sql_str(list(FX_PER_USD.values()))}) as per_usd_to) fx on p.currency = fx.ccy
        inner join (select unnest({sql_str(list(FX_PER_USD))}) as ccy,
                           unnest({sql_str(list(FX_PER_USD.values()))}) as per_usd_ws) fxw on p.ws_currency = fxw.ccy
        """)

    def holdouts(self) -> None:
        """Each shop splits the audience of its largest campaign and flow into treatment (the
        recipients) and control (as many comparable contacts, not messaged). The people in an
        experiment have one contact, no shop account and no other order, so every order they
        place is the experiment's: one guest order (with their e-mail) within the lift window,
        with the chance HOLDOUT_CONVERSION gives their group; the true lift is the difference."""
        self.sql(f"""
        create table g_holdouts as
        with eligible as (
            select c.ws, c.contact_num, c.created_s,
                -- each person takes part in one experiment: the campaign's or the flow's
                case when uu(c.ws, c.contact_num, 0, 0, 'hexp') < 0.5 then 1 else 2 end as src
            from g_contacts c
            where c.is_shop and c.email is not null
              and not exists (select 1 from g_contacts c2
                              where c2.ws = c.ws and c2.person_num = c.person_num and c2.contact_num <> c.contact_num)
              and not exists (select 1 from g_customers k where k.ws = c.ws and k.person_num = c.person_num)
              and not exists (select 1 from g_orders_pre o where o.ws = c.ws and o.person_num = c.person_num)
        ),
        sends as (
            select ws, src, parent_num, contact_num, min(sent_s) as sent_s
            from g_msg1
            where is_shop and src in (1, 2)
            group by all
        ),
        chosen as (
            select ws, src, parent_num
            from (select ws, src, parent_num, min(sent_s) as first_s, count(*) as recipients from sends group by all)
            where first_s < {{STOP}} - ({HOLDOUT_WINDOW_DAYS} + 1) * 86400
            qualify row_number() over (partition by ws, src order by recipients desc, parent_num) = 1
        ),
        treatment as (
            select s.ws, s.src, s.parent_num, s.contact_num, 'treatment' as holdout_group,
                s.sent_s - 60 - floor(uu(s.ws, s.contact_num, s.parent_num, s.src, 'hass') * 600)::BIGINT as assigned_s
            from sends s
            inner join chosen x on s.ws = x.ws and s.src = x.src and s.parent_num = x.parent_num
            inner join eligible e on s.ws = e.ws and s.contact_num = e.contact_num and s.src = e.src
            where s.sent_s + {HOLDOUT_WINDOW_DAYS} * 86400 < {{STOP}}
        ),
        spans as (
            select ws, src, parent_num, count(*) as n_treatment, min(assigned_s) as first_s, max(assigned_s) as last_s
            from treatment
            group by all
        ),
        control_candidates as (
            select e.ws, e.src, x.parent_num, e.contact_num, x.n_treatment,
                x.first_s + floor(uu(e.ws, e.contact_num, x.parent_num, e.src, 'hass') * (x.last_s - x.first_s + 1))::BIGINT
                    as assigned_s
            from eligible e
            inner join spans x on e.ws = x.ws and e.src = x.src
            where not exists (select 1 from sends s
                              where s.ws = e.ws and s.src = e.src and s.parent_num = x.parent_num
                                and s.contact_num = e.contact_num)
        ),
        control as (
            select ws, src, parent_num, contact_num, 'control' as holdout_group, assigned_s
            from (select *, count(*) over (partition by ws, src) as n_candidates from control_candidates
                  where (select created_s from g_contacts c where c.ws = control_candidates.ws
                         and c.contact_num = control_candidates.contact_num) < assigned_s)
            where uu(ws, contact_num, parent_num, src, 'hctl') < n_treatment / n_candidates
        )
        select * from treatment
        union all
        select * from control
        """)
        conversion = HOLDOUT_CONVERSION
        self.sql(f"""
        insert into g_orders_pre
        select h.ws, 'holdout' as origin, h.contact_num, c.person_num, NULL::INTEGER as src,
            NULL::INTEGER as parent_num, NULL::INTEGER as sub,
            h.assigned_s + 600 + floor(uu(h.ws, h.contact_num, h.parent_num, h.src, 'hot')
                * ({HOLDOUT_WINDOW_DAYS} - 1) * 86400)::BIGINT as created_s,
            NULL::INTEGER as link_num, NULL::INTEGER as cust_num_given,
            (hh(h.ws, h.contact_num, h.parent_num, h.src, 'hokey') >> 2)::BIGINT as okey
        from g_holdouts h
        inner join g_contacts c on h.ws = c.ws and h.contact_num = c.contact_num
        where uu(h.ws, h.contact_num, h.parent_num, h.src, 'hconv')
            < case h.holdout_group when 'treatment' then {conversion["treatment"]} else {conversion["control"]} end
        """)

    def post_purchase(self) -> None:
        # post-purchase flows start after orders of people who are contacts on that channel
        self.sql("""
        create table g_runs2 as
        with cand as (
            select o.ws, o.order_num, o.created_s as order_s, c.contact_num, f.flow_num, f.delays_s, f.exit_reasons
            from g_orders o
            inner join g_contacts c on o.ws = c.ws and o.person_num = c.person_num
            inner join g_flows f on c.ws = f.ws and c.channel = f.channel
            where f.flow_type = 'post_purchase' and f.status = 'live' and c.created_s < o.created_s
              and o.origin not in ('stranger', 'holdout')
        ),
        started as (
            select *, 1000 + order_num as k,
                order_s + 60 + floor(uu(ws, contact_num, flow_num, 1000 + order_num, 'st') * 540)::BIGINT as started_s
            from cand
        ),
        fate as (
            select *, len(delays_s) as n_steps,
                uu(ws, contact_num, flow_num, k, 'ex') < 0.05 as is_exit,
                floor(uu(ws, contact_num, flow_num, k, 'exs') * len(delays_s))::INTEGER as exit_step
            from started where started_s < {STOP}
        )
        select ws, contact_num, flow_num, k, started_s,
            len(list_filter(delays_s[1:case when is_exit then exit_step else n_steps end],
                            d -> started_s + d < {STOP})) as n_sent,
            case when not is_exit and started_s + delays_s[n_steps] + 30 < {STOP}
                 then started_s + delays_s[n_steps] + 30 end as completed_s,
            case when is_exit and greatest(started_s + 5, started_s + delays_s[exit_step + 1] - 300) < {STOP}
                 then pick(exit_reasons, hh(ws, contact_num, flow_num, k, 'exr')) end as exit_reason
        from fate
        """)
        flow2 = """
            select r.ws, 2 as src, r.flow_num as parent_num, r.contact_num, r.k * 16 + r.s as sub,
                r.started_s + f.delays_s[r.s + 1] as sent_s,
                c.channel, f.creative_num, cr.offer_num, f.category, NULL::INTEGER as agent_num,
                c.prop, c.bad_number, c.is_shop
            from (select *, unnest(range(n_sent)) as s from g_runs2 where n_sent > 0) r
            inner join g_flows f on r.ws = f.ws and r.flow_num = f.flow_num
            inner join g_contacts c on r.ws = c.ws and r.contact_num = c.contact_num
            left join g_creatives cr on f.ws = cr.ws and f.creative_num = cr.creative_num
        """
        self.sql("create table g_msg2 as " + self._fate(f"select * from ({flow2}) where sent_s < {{STOP}}"))
        self.sql("""
        create table g_flow_runs as
        select *, row_number() over (partition by ws order by started_s, contact_num, flow_num, k)::INTEGER as run_num
        from (select * from g_runs1 union all select * from g_runs2)
        """)

    def number_messages(self) -> None:
        self.sql("""
        create table g_messages as
        select m.*, r.run_num,
            row_number() over (partition by m.ws order by m.sent_s, m.src, m.parent_num, m.contact_num, m.sub) as msg_num
        from (select *, case when src = 2 then sub // 16 end as run_k
              from (select * from g_msg1 union all select * from g_msg2)) m
        -- equality keys only (run_k is null off flows): a left-only predicate would force a nested loop
        left join g_flow_runs r on m.ws = r.ws and m.contact_num = r.contact_num
            and m.parent_num = r.flow_num and m.run_k = r.k
        """)
        self.sql("drop table g_msg1; drop table g_msg2; drop table g_orders_pre;")

    def events(self) -> None:
        # slot: 0 delivered, 1 read, 2 first click, 3 second click, 4 re-read, 5 failed
        self.sql("""
        create table g_events as
        with ev as (
            select ws, msg_num, 0 as slot, 'delivered' as event_type, deliv_s as occurred_s from g_messages where deliv_s is not null
            union all
            select ws, msg_num, 1, 'read', read_s from g_messages where read_s is not null
            union all
            select ws, msg_num, 2, click_type, click_s from g_messages where click_s is not null
            union all
            select ws, msg_num, 3, 'clicked', click2_s from g_messages where click2_s is not null
            union all
            select ws, msg_num, 4, 'read', reread_s from g_messages where reread_s is not null
            union all
            select ws, msg_num, 5, 'failed', failed_s from g_messages where failed_s is not null
        )
        select ws, msg_num, slot, event_type, occurred_s,
            msg_num * 8 + slot as event_num,
            uu(ws, msg_num, slot, 0, 'retry') < 0.02 as is_retried
        from ev where occurred_s < {STOP}
        """)
        # clicks carry a click id and a url
        self.sql("""
        create table g_clicks as
        select e.ws, e.msg_num, e.slot, e.event_type, e.occurred_s,
            case when e.event_type = 'clicked' then printf('%016x', hh(e.ws, e.msg_num, e.slot, 0, 'clickid')) end as click_id,
            case when coalesce(m.offer_num, cr.offer_num) is not null
                 then 'https://' || case o.network {NETWORK_DOMAIN} end
                      || '/c/' || coalesce(m.offer_num, cr.offer_num)::VARCHAR || '?sub1='
                      || coalesce(printf('%016x', hh(e.ws, e.msg_num, e.slot, 0, 'clickid')), 'cta')
                 else 'https://' || w.domain || '/' || case when m.src = 1 then 'collections/'
                      || pick(['new', 'sale', 'bestsellers', 'gifts', 'limited'], hh(e.ws, m.parent_num, 0, 0, 'coll'))
                      else 'products/item-' || (1 + hh(e.ws, e.msg_num, 0, 0, 'prod') % 400)::VARCHAR end
                      || '?utm_source=' || m.channel || '&utm_medium=' || case m.src when 1 then 'campaign' else 'flow' end
                      || '&utm_campaign=' || case m.src when 1 then idf('cp', m.parent_num, 5) else idf('fl', m.parent_num, 3) end
            end as url,
            coalesce(m.offer_num, cr.offer_num) as offer_num
        from g_events e
        inner join g_messages m on e.ws = m.ws and e.msg_num = m.msg_num
        inner join g_ws w on e.ws = w.ws
        left join g_creatives cr on m.ws = cr.ws and m.creative_num = cr.creative_num
        left join g_offers o on m.ws = o.ws and coalesce(m.offer_num, cr.offer_num) = o.offer_num
        where e.slot in (2, 3) and e.event_type in ('clicked', 'cta_click')
        """.replace("{NETWORK_DOMAIN}", " ".join(f"when {sql_str(k)} then {sql_str(v)}" for k, v in NETWORK_DOMAIN.items())))

    def affiliate(self) -> None:
        self.sql("""
        create table g_postbacks_pre as
        with cand as (
            select c.ws, c.msg_num, c.slot, c.click_id, c.occurred_s as click_s, c.offer_num,
                o.network, o.payout_base, o.payout_ccy,
                w.kind
            from g_clicks c
            inner join g_ws w on c.ws = w.ws
            left join g_offers o on c.ws = o.ws and c.offer_num = o.offer_num
            where c.click_id is not null and w.n_offers > 0
        ),
        chosen as (
            select *,
                row_number() over (partition by ws order by hh(ws, msg_num, slot, 0, 'pbpick')) as guarantee_rank
            from cand
            where (network is not null and network <> 'other') or (network is null and kind = 'publisher')
        )
        select ws, msg_num, slot, click_id, click_s, offer_num,
            coalesce(network, 'tune') as network,
            coalesce(payout_ccy, 'USD') as currency,
            round(coalesce(payout_base, 10.0) * case when uu(ws, msg_num, slot, 0, 'pvar') < 0.7 then 1
                  else lognorm(1, 0.4, ws, msg_num, slot, 0, 'pv') end, 2) as payout,
            click_s + floor(case when uu(ws, msg_num, slot, 0, 'cvm') < 0.8
                 then least(20 * 86400, lognorm(7200, 1.5, ws, msg_num, slot, 0, 'cvd'))
                 else 86400 + uu(ws, msg_num, slot, 0, 'cvd2') * 39 * 86400 end)::BIGINT as converted_s,
            hh(ws, msg_num, slot, 0, 'convid') as conv_hash
        from chosen
        where uu(ws, msg_num, slot, 0, 'conv') < case when network is null then 0.01 else 0.12 end
           or guarantee_rank <= 3
        """)
        self.sql("""
        create table g_postbacks as
        with base as (
            select *, converted_s + floor(case when uu(ws, msg_num, slot, 0, 'rcm') < 0.9
                     then lognorm(300, 1.2, ws, msg_num, slot, 0, 'rcd') else 3600 + uu(ws, msg_num, slot, 0, 'rcd2') * 71 * 3600 end)::BIGINT
                     as received_s, 0 as fire
            from g_postbacks_pre where converted_s < {STOP}
        ),
        refires as (
            select * exclude (received_s, fire),
                received_s + 600 + floor(uu(ws, msg_num, slot, 0, 'rf') * 6 * 3600)::BIGINT as received_s, 1 as fire
            from base
            qualify uu(ws, msg_num, slot, 0, 'refire') < 0.04
               or row_number() over (partition by ws order by hh(ws, msg_num, slot, 0, 'rfpick')) <= 2
        ),
        -- conversions reported for click ids the workspace never issued: invented ones and real
        -- click ids of another workspace (workspace isolation)
        unknown as (
            select b.ws, b.msg_num, b.slot,
                case when uu(b.ws, b.msg_num, b.slot, 0, 'uk') < 0.5 or other.click_id is null
                     then printf('%016x', hh(b.ws, b.msg_num, b.slot, 0, 'fakeclick')) else other.click_id end as click_id,
                b.click_s, b.offer_num, b.network, b.currency, b.payout, b.converted_s,
                hh(b.ws, b.msg_num, b.slot, 0, 'convid2') as conv_hash, b.received_s, 2 as fire
            from base b
            left join (select ws, click_id, row_number() over (partition by ws order by click_id) as rn
                       from g_clicks where click_id is not null) other
                on other.ws = b.ws % 5 + 1 and other.rn = 1 + (hh(b.ws, b.msg_num, 0, 0, 'okpick') % 50)::BIGINT
            qualify uu(b.ws, b.msg_num, b.slot, 0, 'unk') < 0.025
               or row_number() over (partition by b.ws order by hh(b.ws, b.msg_num, b.slot, 0, 'ukpick')) <= 2
        )
        select *, row_number() over (partition by ws order by received_s, conv_hash, fire)::INTEGER as postback_num
        from (select * from base union all select * from refires union all select * from unknown)
        where received_s < {STOP}
        """)
        self.sql("""
        create table g_imports as
        with other_clicks as (
            select c.ws, c.msg_num, c.slot, c.click_id, c.occurred_s as click_s, o.payout_base, o.payout_ccy,
                w.currency as ws_ccy,
                row_number() over (partition by c.ws order by hh(c.ws, c.msg_num, c.slot, 0, 'mipick')) as guarantee_rank
            from g_clicks c
            inner join g_offers o on c.ws = o.ws and c.offer_num = o.offer_num
            inner join g_ws w on c.ws = w.ws
            where c.click_id is not null and o.network = 'other'
        ),
        conv as (
            select ws, msg_num, slot, click_id, payout_base * fx_to / fx_from as amount_raw,
                click_s + floor(lognorm(7200, 1.5, ws, msg_num, slot, 0, 'micd'))::BIGINT as conv_s, 0 as kind_
            from other_clicks
            inner join (select unnest(%(ccys)s) as ccy, unnest(%(rates)s) as fx_from) f on other_clicks.payout_ccy = f.ccy
            inner join (select unnest(%(ccys)s) as ccy2, unnest(%(rates)s) as fx_to) t on other_clicks.ws_ccy = t.ccy2
            where uu(ws, msg_num, slot, 0, 'miconv') < 0.12 or guarantee_rank <= 3
        ),
        -- the same conversions a network also reported by postback, uploaded again by hand
        repeats as (
            select p.ws, p.msg_num, p.slot, p.click_id, p.payout * t.fx_to / f.fx_from as amount_raw,
                p.converted_s as conv_s, 1 as kind_
            from g_postbacks p
            inner join g_ws w on p.ws = w.ws
            inner join (select unnest(%(ccys)s) as ccy, unnest(%(rates)s) as fx_from) f on p.currency = f.ccy
            inner join (select unnest(%(ccys)s) as ccy2, unnest(%(rates)s) as fx_to) t on w.currency = t.ccy2
            where p.fire = 0
            qualify uu(p.ws, p.msg_num, p.slot, 0, 'mirep') < 0.03
               or row_number() over (partition by p.ws order by hh(p.ws, p.msg_num, p.slot, 0, 'mireppick')) <= 2
        ),
        unknown as (
            select ws, msg_num, 9 as slot, printf('%016x', hh(ws, msg_num, slot, 0, 'mifake')) as click_id,
                amount_raw, conv_s, 2 as kind_
            from conv
            qualify uu(ws, msg_num, slot, 0, 'miunk') < 0.03
               or row_number() over (partition by ws order by hh(ws, msg_num, slot, 0, 'miunkpick')) <= 1
        ),
        allc as (
            select *, make_date(1970, 1, 1) + (conv_s // 86400)::INTEGER as conversion_date
            from (select * from conv union all select * from repeats union all select * from unknown)
        ),
        uploads as (
            -- weekly upload on the Monday after the conversion, 09:00-11:00 UTC
            select *, round(amount_raw, 2) as amount,
                epoch(date_trunc('week', conversion_date) + INTERVAL 7 DAY)::BIGINT + 32400
                    + floor(uu(ws, msg_num, slot, kind_, 'miup') * 7200)::BIGINT as imported_s, 0 as copy_
            from allc
        ),
        reuploads as (
            select * exclude (imported_s, copy_), imported_s + 7 * 86400 as imported_s, 1 as copy_
            from uploads
            qualify uu(ws, msg_num, slot, kind_, 'mire') < 0.05
               or row_number() over (partition by ws order by hh(ws, msg_num, slot, kind_, 'mirepick')) <= 2
        )
        select *, row_number() over (partition by ws order by imported_s, click_id, copy_, kind_, msg_num)::INTEGER as import_num
        from (select * from uploads union all select * from reuploads)
        where imported_s < {STOP}
        """.replace("%(ccys)s", sql_str(list(FX_PER_USD))).replace("%(rates)s", sql_str(list(FX_PER_USD.values()))))

    def coupons_refunds_fx(self) -> None:
        p = self.p
        self.sql(f"""
        create table g_coupons as
        -- one code per contact from the welcome flows that hand out codes
        select r.ws, welcome_code(r.ws, r.contact_num) as code, 'flow' as source_type, r.flow_num as source_num,
            true as generated, r.contact_num, r.started_s + f.delays_s[1] as distributed_s, 1 as ord
        from g_runs1 r inner join g_flows f on r.ws = f.ws and r.flow_num = f.flow_num
        where f.code_kind = 'welcome' and r.n_sent > 0
        union all
        -- cart recovery codes, for some runs
        select r.ws, cart_code(r.ws, r.contact_num, r.k), 'flow', r.flow_num, true, r.contact_num,
            r.started_s + f.delays_s[1], 2
        from g_runs1 r inner join g_flows f on r.ws = f.ws and r.flow_num = f.flow_num
        where f.code_kind = 'cart' and r.n_sent > 0
          and uu(r.ws, r.contact_num, r.flow_num, r.k, 'cartcode') < 0.35
        union all
        -- per-contact popup codes at signup
        select c.ws, popup_code(c.ws, c.contact_num), 'popup',
            coalesce((select max(pp.popup_num) from g_popups pp where pp.ws = c.ws and pp.created_s <= c.created_s
                      and pp.popup_num <= 1 + hh(c.ws, c.contact_num, 0, 0, 'pp') % 4), 1),
            true, c.contact_num, c.created_s, 3
        from g_contacts c
        where c.is_shop and c.signup_source = 'popup' and c.created_s >= {{START}}
        union all
        -- shared popup codes
        select pp.ws, pp.shared_code, 'popup', pp.popup_num, true, NULL, pp.created_s, 4
        from g_popups pp inner join g_ws w on pp.ws = w.ws where w.kind = 'shop'
        union all
        -- campaign codes
        select k.ws, k.code, 'campaign', k.campaign_num, true, NULL, k.published_s, 5
        from g_campaigns k where k.code is not null
        union all
        -- fixed shop codes the platform only passed on (not generated by it); WELCOME10 twice
        select w.ws, x.code, x.source_type,
            case x.source_type when 'popup' then 1 when 'flow' then
                 (select min(flow_num) from g_flows f where f.ws = w.ws and f.flow_type = 'winback')
                 else (select arg_min(campaign_num, published_s) from g_campaigns k where k.ws = w.ws and k.status = 'sent') end,
            false, NULL,
            case x.source_type when 'popup' then (select created_s from g_popups pp where pp.ws = w.ws and popup_num = 1)
                 when 'flow' then {{START}} - 100 * 86400
                 else (select min(published_s) from g_campaigns k where k.ws = w.ws and k.status = 'sent') end, 6
        from g_ws w
        cross join (values ('WELCOME10', 'popup'), ('WELCOME10', 'campaign'), ('FREESHIP', 'campaign'),
                           ('VIP20', 'flow')) x(code, source_type)
        where w.kind = 'shop'
        """)
        self.sql("""
        create table g_order_rows as
        with base as (
            select o.*,
                -- an experiment's orders stay as placed (its true lift is known exactly)
                o.origin <> 'holdout' and uu(o.ws, o.okey, 0, 0, 'cancel') < 0.035 as want_cancel,
                uu(o.ws, o.okey, 0, 0, 'cupd') < 0.7 as cancel_as_update,
                o.created_s + 600 + floor(least(20 * 86400, lognorm(21600, 1.4, o.ws, o.okey, 0, 0, 'cdt')))::BIGINT as cancel_s,
                o.origin <> 'holdout' and uu(o.ws, o.okey, 0, 0, 'upd') < 0.04 as noop_update,
                o.created_s + 3600 + floor(uu(o.ws, o.okey, 0, 0, 'updt') * least(20 * 86400, {STOP} - o.created_s))::BIGINT as update_s
            from g_orders o
        ),
        flags as (
            select *, want_cancel and cancel_s < {STOP} as is_cancelled
            from base
        )
        -- the order as first seen
        select *, 0 as version,
            case when is_cancelled and not cancel_as_update then cancel_s else created_s + floor(uu(ws, okey, 0, 0, 'u0') * 5)::BIGINT end as updated_s,
            case when is_cancelled and not cancel_as_update then cancel_s end as cancelled_s
        from flags
        union all
        -- a later update of the same order (cancellation, or nothing the contract shows)
        select *, 1 as version,
            case when is_cancelled and cancel_as_update then cancel_s else update_s end as updated_s,
            case when is_cancelled then cancel_s end as cancelled_s
        from flags
        where (is_cancelled and cancel_as_update) or (noop_update and update_s < {STOP})
        """)
        self.sql("""
        create table g_refunds as
        with cand as (
            select o.ws, o.order_num, o.okey, o.created_s, round(o.subtotal * (1 - o.pct), 2) as total,
                max(r.cancelled_s) as cancelled_s
            from g_orders o inner join g_order_rows r on o.ws = r.ws and o.order_num = r.order_num
            where o.origin <> 'holdout'
            group by all
        ),
        refunds as (
            -- cancelled orders: most are refunded in full right away
            select ws, order_num, 0 as i, cancelled_s + 3600 as refunded_s, total as amount
            from cand where cancelled_s is not null and uu(ws, okey, 0, 0, 'rfc') < 0.6
            union all
            -- full refunds (returns)
            select ws, order_num, 0, created_s + floor(86400 + lognorm(4 * 86400, 0.8, ws, okey, 0, 0, 'rft'))::BIGINT, total
            from cand where cancelled_s is null and uu(ws, okey, 0, 0, 'rf') < 0.025
            union all
            -- partial refunds, some orders twice
            select ws, order_num, i, created_s + floor(86400 * (1 + i * 3) + lognorm(3 * 86400, 0.8, ws, okey, i, 0, 'rpt'))::BIGINT,
                round(total * (0.1 + 0.3 * uu(ws, okey, i, 0, 'rpa')), 2)
            from (select *, unnest(case when uu(ws, okey, 0, 0, 'rp2') < 0.1 then [0, 1] else [0] end) as i from cand
                  where cancelled_s is null and uu(ws, okey, 0, 0, 'rf') between 0.025 and 0.075)
        )
        select *, row_number() over (partition by ws order by refunded_s, order_num, i)::INTEGER as refund_num
        from refunds where refunded_s < {STOP}
        """)
        ccys = list(FX_PER_USD)
        phases = {c: i * 0.9 for i, c in enumerate(ccys)}
        self.sql(f"""
        create table g_fx as
        with days as (
            select unnest(range(-31, {p.days} + 1)) as d
        ),
        per_usd as (
            select d, c.ccy,
                case when c.ccy = 'USD' then 1.0
                     else c.base * exp(0.03 * sin(2 * pi() * d / 97 + c.phase) + 0.004 * nn(0, d, c.i, 0, 'fx')) end as v
            from days cross join (select unnest({sql_str(ccys)}) as ccy, unnest({sql_str([FX_PER_USD[c] for c in ccys])}) as base,
                                         unnest({sql_str([phases[c] for c in ccys])}) as phase,
                                         unnest({sql_str(list(range(len(ccys))))}) as i) c
        )
        select DATE '{p.start_date.isoformat()}' + a.d::INTEGER as rate_date, a.ccy as from_currency, b.ccy as to_currency,
            round(b.v / a.v, 6) as rate
        from per_usd a inner join per_usd b on a.d = b.d and a.ccy <> b.ccy
        """)

    # -- output views ---------------------------------------------------------------------
    def output_views(self) -> None:
        views = {
            "workspaces": """
                select workspace_id, name, timezone, currency, ts(created_s) as created_at,
                    ws as _s1, 0::BIGINT as _s2, 0::BIGINT as _s3
                from g_ws""",
            "attribution_settings": """
                select wsid(ws) as workspace_id, ts(effective_s) as effective_from, window_days,
                    coupons as coupon_attribution_enabled, ws as _s1, effective_s as _s2, 0::BIGINT as _s3
                from g_settings""",
            "contacts": """
                select wsid(ws) as workspace_id, idf('c', contact_num, 7) as contact_id, ts(created_s) as created_at,
                    channel, phone, email, country_code, signup_source, region,
                    ws as _s1, contact_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_contacts""",
            "shop_customers": """
                select wsid(ws) as workspace_id, idf('sc', cust_num, 7) as shop_customer_id, ts(created_s) as created_at,
                    email, phone, country_code, ws as _s1, cust_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_customers""",
            "identity_links": """
                select wsid(ws) as workspace_id, idf('c', contact_num, 7) as contact_id,
                    idf('sc', cust_num, 7) as shop_customer_id, ts(linked_s) as linked_at, method,
                    ws as _s1, contact_num::BIGINT as _s2, cust_num::BIGINT as _s3
                from g_links_id""",
            "campaigns": """
                select wsid(ws) as workspace_id, idf('cp', campaign_num, 5) as campaign_id, name, channel,
                    ts(published_s) as published_at, status, idf('cr', creative_num, 4) as creative_id,
                    idf('of', offer_num, 3) as offer_id, sending_list,
                    ws as _s1, campaign_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_campaigns""",
            "flows": """
                select wsid(ws) as workspace_id, idf('fl', flow_num, 3) as flow_id, name, flow_type, channel,
                    ts(created_s) as created_at, status, ws as _s1, flow_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_flows""",
            "flow_runs": """
                select wsid(ws) as workspace_id, idf('fr', run_num, 9) as flow_run_id, idf('fl', flow_num, 3) as flow_id,
                    idf('c', contact_num, 7) as contact_id, ts(started_s) as started_at,
                    ts(completed_s) as completed_at, exit_reason,
                    ws as _s1, run_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_flow_runs""",
            "popups": """
                select wsid(ws) as workspace_id, idf('pp', popup_num, 3) as popup_id, name, ts(created_s) as created_at,
                    ws as _s1, popup_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_popups""",
            "messages": """
                select wsid(m.ws) as workspace_id, idf('m', m.msg_num, 10) as message_id,
                    idf('c', m.contact_num, 7) as contact_id,
                    case m.src when 1 then 'campaign' when 2 then 'flow' else 'helpdesk' end as source_type,
                    case when m.src = 1 then idf('cp', m.parent_num, 5) end as campaign_id,
                    case when m.src = 2 then idf('fl', m.parent_num, 3) end as flow_id,
                    case when m.src = 2 then idf('fr', m.run_num, 9) end as flow_run_id,
                    case when m.src = 3 then idf('ag', m.agent_num, 3) end as agent_id,
                    m.channel, idf('cr', m.creative_num, 4) as creative_id, idf('of', m.offer_num, 3) as offer_id,
                    case when m.src = 3 then idf('hc', m.parent_num, 8) else idf('cv', m.msg_num, 10) end as conversation_id,
                    m.category as conversation_category, ts(m.sent_s) as sent_at,
                    case when m.channel in ('whatsapp', 'sms') and m.category <> 'service'
                         then money(w.per_eur * case m.channel
                              when 'sms' then case w.currency when 'USD' then 0.009 when 'INR' then 0.003
                                   when 'BRL' then 0.04 else 0.075 end
                              else case m.category when 'marketing' then case w.currency when 'INR' then 0.011
                                   when 'USD' then 0.025 else 0.06 end
                                   when 'utility' then 0.02 else 0.015 end end
                              * case when m.channel = 'sms' then segments else 1 end)
                         when m.channel = 'whatsapp' then money(0) end as cost,
                    segments,
                    m.ws as _s1, m.msg_num as _s2, 0::BIGINT as _s3
                from (select *, case when channel = 'sms'
                        then case when uu(ws, msg_num, 0, 0, 'seg') < 0.7 then 1 when uu(ws, msg_num, 0, 0, 'seg') < 0.95 then 2 else 3 end
                        end as segments from g_messages) m
                inner join g_ws w on m.ws = w.ws""",
            "message_events": """
                select wsid(e.ws) as workspace_id, idf('e', e.event_num, 12) as event_id, idf('m', e.msg_num, 10) as message_id,
                    e.event_type, ts(e.occurred_s) as occurred_at, c.click_id, c.url,
                    e.ws as _s1, e.event_num as _s2, 0::BIGINT as _s3
                from g_events e
                left join g_clicks c on e.ws = c.ws and e.msg_num = c.msg_num and e.slot = c.slot
                union all
                -- webhook retries: the very same event delivered again
                select wsid(e.ws), idf('e', e.event_num, 12), idf('m', e.msg_num, 10), e.event_type, ts(e.occurred_s),
                    c.click_id, c.url, e.ws, e.event_num, 0::BIGINT
                from g_events e
                left join g_clicks c on e.ws = c.ws and e.msg_num = c.msg_num and e.slot = c.slot
                where e.is_retried""",
            "shop_orders": """
                select wsid(r.ws) as workspace_id, idf('o', r.order_num, 8) as order_id,
                    idf('sc', r.cust_num, 7) as shop_customer_id,
                    case when r.cust_num is not null then case when uu(r.ws, r.okey, 0, 0, 'oem') < 0.8 or r.version = 1 then k.email end
                         when r.origin in ('stranger', 'holdout') or uu(r.ws, r.okey, 0, 0, 'gem') < 0.85
                         then email_variant(r.loc, r.dom, uu(r.ws, r.okey, 0, 0, 'gev')) end as email,
                    case when r.cust_num is not null then case when uu(r.ws, r.okey, 0, 0, 'oph') < 0.15 then k.phone end
                         when uu(r.ws, r.okey, 0, 0, 'gph') < 0.45 or uu(r.ws, r.okey, 0, 0, 'gem') >= 0.85
                         -- orders carry no country: checkouts store mostly international numbers
                         then fmt_phone(r.country, r.n, case when uu(r.ws, r.okey, 0, 0, 'gpf') < 0.6 then 2
                              when uu(r.ws, r.okey, 0, 0, 'gpf') < 0.85 then 1 else 0 end) end as phone,
                    ts(r.created_s) as created_at, ts(r.updated_s) as updated_at, r.currency,
                    money(r.subtotal * (1 - r.pct)) as total_price,
                    money(r.subtotal - round(r.subtotal * (1 - r.pct), 2)) as total_discounts,
                    nullif(concat_ws(case when uu(r.ws, r.okey, 0, 0, 'sep') < 0.5 then ', ' else ',' end,
                        case when r.code1 is null then null
                             when uu(r.ws, r.okey, 0, 0, 'cs') < 0.8 then r.code1
                             when uu(r.ws, r.okey, 0, 0, 'cs') < 0.9 then lower(r.code1)
                             else ' ' || lower(r.code1) || ' ' end,
                        case when r.code2 is null then null
                             when uu(r.ws, r.okey, 0, 0, 'cs2') < 0.8 then r.code2
                             else lower(r.code2) end), '') as discount_codes,
                    idf('lk', r.link_num, 7) as shared_link_id, ts(r.cancelled_s) as cancelled_at,
                    r.ws as _s1, r.order_num::BIGINT as _s2, r.version::BIGINT as _s3
                from (select o.*, nsn(o.country, o.ws, o.person_num) as n,
                             p_local(o.ws, o.person_num, c.firsts, c.lasts) as loc,
                             p_domain(o.ws, o.person_num, c.domains) as dom
                      from g_order_rows o inner join g_country c on o.country = c.cc) r
                left join g_customers k on r.ws = k.ws and r.cust_num = k.cust_num""",
            "order_refunds": """
                select wsid(ws) as workspace_id, idf('rf', refund_num, 8) as refund_id, idf('o', order_num, 8) as order_id,
                    ts(refunded_s) as refunded_at, money(amount) as amount,
                    ws as _s1, refund_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_refunds""",
            "coupons": """
                select wsid(ws) as workspace_id, code, source_type,
                    case source_type when 'campaign' then idf('cp', source_num, 5) when 'flow' then idf('fl', source_num, 3)
                         else idf('pp', source_num, 3) end as source_id,
                    generated as generated_by_platform, idf('c', contact_num, 7) as contact_id,
                    ts(distributed_s) as distributed_at,
                    ws as _s1, ord * 100000000 + coalesce(contact_num, source_num) as _s2, hash(code, source_type) % 1000000000 as _s3
                from g_coupons""",
            "agents": """
                select wsid(ws) as workspace_id, idf('ag', agent_num, 3) as agent_id, name, team,
                    ws as _s1, agent_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_agents""",
            "shared_links": """
                select wsid(ws) as workspace_id, idf('lk', link_num, 7) as link_id, idf('ag', agent_num, 3) as agent_id,
                    idf('c', contact_num, 7) as contact_id, idf('hc', conv_num, 8) as conversation_id, link_type, channel,
                    ts(shared_s) as shared_at, ws as _s1, link_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_links""",
            "link_clicks": """
                select wsid(ws) as workspace_id, idf('lc', click_num, 8) as click_event_id, idf('lk', link_num, 7) as link_id,
                    ts(clicked_s) as clicked_at, ws as _s1, click_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_link_clicks""",
            "offers": """
                select wsid(ws) as workspace_id, idf('of', offer_num, 3) as offer_id, name, network,
                    window_hours as attribution_window_hours, ws as _s1, offer_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_offers""",
            "creatives": """
                select wsid(ws) as workspace_id, idf('cr', creative_num, 4) as creative_id, name,
                    idf('of', offer_num, 3) as offer_id, ws as _s1, creative_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_creatives""",
            "affiliate_postbacks": """
                select wsid(ws) as workspace_id, idf('pb', postback_num, 8) as postback_id, network, click_id,
                    case network when 'tune' then 'tn_' || printf('%012x', conv_hash % 281474976710656)
                         when 'everflow' then 'ef-' || printf('%010x', conv_hash % 1099511627776)
                         when 'impact' then 'IR' || (conv_hash % 10000000000)::VARCHAR
                         else 'cv' || (conv_hash % 100000000)::VARCHAR end as conversion_id,
                    money(payout) as payout, currency, ts(converted_s) as converted_at, ts(received_s) as received_at,
                    ws as _s1, postback_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_postbacks""",
            "manual_revenue_imports": """
                select wsid(ws) as workspace_id, idf('mi', import_num, 8) as import_id, click_id, money(amount) as amount,
                    conversion_date, ts(imported_s) as imported_at,
                    'partner_export_' || strftime(ts(imported_s), '%Y-%m-%d')
                        || case when copy_ = 1 then '_corrected' else '' end || '.csv' as file_name,
                    ws as _s1, import_num::BIGINT as _s2, 0::BIGINT as _s3
                from g_imports""",
            "holdouts": """
                select wsid(ws) as workspace_id, case when src = 1 then idf('cp', parent_num, 5) end as campaign_id,
                    case when src = 2 then idf('fl', parent_num, 3) end as flow_id,
                    idf('c', contact_num, 7) as contact_id, holdout_group, ts(assigned_s) as assigned_at,
                    ws as _s1, (src * 10000000 + parent_num)::BIGINT as _s2, contact_num::BIGINT as _s3
                from g_holdouts""",
            "fx_rates": """
                select rate_date, from_currency, to_currency, rate,
                    0 as _s1, (rate_date - DATE '2000-01-01')::BIGINT as _s2,
                    (list_position(['USD', 'EUR', 'GBP', 'INR', 'AUD', 'BRL', 'ZAR'], from_currency) * 100 + list_position(['USD', 'EUR', 'GBP', 'INR', 'AUD', 'BRL', 'ZAR'], to_currency))::BIGINT as _s3
                from g_fx""",
        }
        assert set(views) == set(RAW_TABLES), set(RAW_TABLES) ^ set(views)
        for table, body in views.items():
            self.sql(f"create view out_{table} as {body}")

    # -- bad rows -------------------------------------------------------------------------
    def _n_bad(self, rows: int, kinds: int) -> int:
        return max(3, min(99999, math.ceil(self.p.bad_share * rows / max(1, kinds))))

    def bad_rows(self) -> None:
        """Every table gets `bad_<table>`: rows derived from a sample of its good rows."""
        p = self.p
        # literal bad values
        bad_phone = "pick(['n/a', '12', 'abc', '+', '000'], _h)"
        bad_email = "pick(['foo@', 'bar', 'anna@@example.com', '@example.com'], _h)"
        future = "TIMESTAMP '2099-01-01 00:00:00' + to_hours(bad_rn)"
        past = "pick([TIMESTAMP '1970-01-01 00:00:00', TIMESTAMP '1999-12-31 23:59:59', TIMESTAMP '1900-01-01 00:00:00'], _h)"

        def fresh(prefix: str, width: int, kind_no: int) -> str:
            return (f"'{prefix}' || '9' || '{kind_no % 10}' || "
                    f"lpad(bad_rn::VARCHAR, greatest({width - 2}, length(bad_rn::VARCHAR))::INTEGER, '0')")

        spec: dict[str, list[tuple[str, dict[str, str]]]] = {
            "workspaces": [
                (EXACT_DUP, {}),
                ("null_id", {"workspace_id": "NULL", "name": "'Ghost shop (deleted)'"}),
            ],
            "attribution_settings": [
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("null_window_days", {"window_days": "NULL::INTEGER", "effective_from": "effective_from + to_days(1)"}),
                ("negative_window_days", {"window_days": "-1", "effective_from": "effective_from + to_days(2)"}),
                (EXACT_DUP, {}),
            ],
            "contacts": [
                ("null_id", {"contact_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unparseable_phone", {"contact_id": fresh("c", 7, 2), "phone": bad_phone}),
                ("malformed_email", {"contact_id": fresh("c", 7, 3), "email": bad_email}),
                ("future_timestamp", {"contact_id": fresh("c", 7, 4), "created_at": future}),
                ("timestamp_before_2000", {"contact_id": fresh("c", 7, 5), "created_at": past}),
                ("unknown_channel", {"contact_id": fresh("c", 7, 6), "channel": "pick(['fax', 'carrier_pigeon'], _h)"}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"email": "'dup.' || bad_rn::VARCHAR || '@example.org'", "channel": "'email'",
                           "created_at": "created_at + to_days(1)"}),
                ("nasty_text", {"contact_id": fresh("c", 7, 8),
                                "region": "pick(['Baden-Württemberg 🏰', 'O''Brien \"the\" region, north; east', "
                                          f"{sql_str(LONG_NAME)}], _h)",
                                "signup_source": "'popup'"}),
            ],
            "shop_customers": [
                ("null_id", {"shop_customer_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unparseable_phone", {"shop_customer_id": fresh("sc", 7, 2), "phone": bad_phone}),
                ("malformed_email", {"shop_customer_id": fresh("sc", 7, 3), "email": bad_email}),
                ("future_timestamp", {"shop_customer_id": fresh("sc", 7, 4), "created_at": future}),
                ("timestamp_before_2000", {"shop_customer_id": fresh("sc", 7, 5), "created_at": past}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"email": "'dup.' || bad_rn::VARCHAR || '@example.org'", "phone": "NULL"}),
            ],
            "identity_links": [
                ("null_contact_id", {"contact_id": "NULL"}),
                ("null_shop_customer_id", {"shop_customer_id": "NULL"}),
                ("unknown_contact", {"contact_id": fresh("c", 7, 2)}),
                ("unknown_shop_customer", {"shop_customer_id": fresh("sc", 7, 3)}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("future_timestamp", {"linked_at": future, "_s3": "_s3 + 1000000000"}),
                (EXACT_DUP, {}),
            ],
            "campaigns": [
                ("null_id", {"campaign_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_status", {"campaign_id": fresh("cp", 5, 2), "status": "'paused'"}),
                ("unknown_channel", {"campaign_id": fresh("cp", 5, 3), "channel": "'fax'"}),
                ("future_timestamp", {"campaign_id": fresh("cp", 5, 4), "published_at": future, "status": "'sent'"}),
                ("unknown_creative", {"campaign_id": fresh("cp", 5, 5), "creative_id": fresh("cr", 4, 5)}),
                ("nasty_text", {"campaign_id": fresh("cp", 5, 6), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"name": "name || ' (copy)'", "published_at": "published_at + to_hours(2)"}),
            ],
            "flows": [
                ("null_id", {"flow_id": "NULL"}),
                ("unknown_flow_type", {"flow_id": fresh("fl", 3, 1), "flow_type": "'sms_keyword'"}),
                ("unknown_channel", {"flow_id": fresh("fl", 3, 2), "channel": "'fax'"}),
                ("nasty_text", {"flow_id": fresh("fl", 3, 3), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"name": "name || ' v2'", "status": "'paused'"}),
            ],
            "flow_runs": [
                ("null_id", {"flow_run_id": "NULL"}),
                ("unknown_flow", {"flow_run_id": fresh("fr", 9, 1), "flow_id": fresh("fl", 3, 1)}),
                ("unknown_contact", {"flow_run_id": fresh("fr", 9, 2), "contact_id": fresh("c", 7, 2)}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("completed_before_started", {"flow_run_id": fresh("fr", 9, 4),
                                              "completed_at": "started_at - to_hours(3)", "exit_reason": "NULL"}),
                ("future_timestamp", {"flow_run_id": fresh("fr", 9, 5), "started_at": future, "completed_at": "NULL"}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"started_at": "started_at + to_minutes(5)"}),
            ],
            "popups": [
                ("null_id", {"popup_id": "NULL"}),
                ("nasty_text", {"popup_id": fresh("pp", 3, 1), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"name": "name || ' (A/B variant)'"}),
            ],
            "messages": [
                ("null_id", {"message_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_contact", {"message_id": fresh("m", 10, 2), "contact_id": fresh("c", 7, 2)}),
                ("unknown_campaign", {"message_id": fresh("m", 10, 3), "source_type": "'campaign'",
                                      "campaign_id": fresh("cp", 5, 3), "flow_id": "NULL", "flow_run_id": "NULL",
                                      "agent_id": "NULL"}),
                ("unknown_channel", {"message_id": fresh("m", 10, 4), "channel": "'fax'"}),
                ("unknown_source_type", {"message_id": fresh("m", 10, 5), "source_type": "'push'"}),
                ("unknown_conversation_category", {"message_id": fresh("m", 10, 6), "conversation_category": "'promotional'"}),
                ("future_timestamp", {"message_id": fresh("m", 10, 7), "sent_at": future}),
                ("timestamp_before_2000", {"message_id": fresh("m", 10, 8), "sent_at": past}),
                ("negative_cost", {"message_id": fresh("m", 10, 9), "cost": "-0.05"}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"contact_id": "idf('c', (hash(contact_id) % 900)::INTEGER + 1, 7)", "sent_at": "sent_at + to_seconds(37)"}),
            ],
            "message_events": [
                ("null_id", {"event_id": "NULL"}),
                ("null_message_id", {"event_id": fresh("e", 12, 1), "message_id": "NULL"}),
                ("unknown_message", {"event_id": fresh("e", 12, 2), "message_id": fresh("m", 10, 2)}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_event_type", {"event_id": fresh("e", 12, 4), "event_type": "pick(['bounced', 'opened'], _h)",
                                        "click_id": "NULL", "url": "NULL"}),
                ("future_timestamp", {"event_id": fresh("e", 12, 5), "occurred_at": future}),
                ("timestamp_before_2000", {"event_id": fresh("e", 12, 6), "occurred_at": past}),
                (DUP_KEY, {"occurred_at": "occurred_at + to_seconds(1 + (_h % 60)::INTEGER)"}),
            ],
            "shop_orders": [
                ("null_id", {"order_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_shop_customer", {"order_id": fresh("o", 8, 2), "shop_customer_id": fresh("sc", 7, 2)}),
                ("negative_amount", {"order_id": fresh("o", 8, 3), "total_price": "-total_price - 1"}),
                ("null_amount", {"order_id": fresh("o", 8, 4), "total_price": "NULL"}),
                ("absurd_amount", {"order_id": fresh("o", 8, 5), "total_price": "999999999.99"}),
                ("currency_without_fx", {"order_id": fresh("o", 8, 6), "currency": "'XYZ'"}),
                ("future_timestamp", {"order_id": fresh("o", 8, 7), "created_at": future, "updated_at": future}),
                ("timestamp_before_2000", {"order_id": fresh("o", 8, 8), "created_at": past, "updated_at": past}),
                ("unparseable_phone", {"order_id": fresh("o", 8, 9), "shop_customer_id": "NULL", "phone": bad_phone,
                                       "email": "NULL"}),
                ("malformed_email", {"order_id": fresh("o", 8, 0), "shop_customer_id": "NULL", "email": bad_email,
                                     "phone": "NULL"}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"total_price": "total_price + 10"}),
            ],
            "order_refunds": [
                ("null_id", {"refund_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_order", {"refund_id": fresh("rf", 8, 2), "order_id": fresh("o", 8, 2)}),
                ("negative_amount", {"refund_id": fresh("rf", 8, 3), "amount": "-amount"}),
                ("null_amount", {"refund_id": fresh("rf", 8, 4), "amount": "NULL"}),
                ("absurd_amount", {"refund_id": fresh("rf", 8, 5), "amount": "999999999.99"}),
                ("future_timestamp", {"refund_id": fresh("rf", 8, 6), "refunded_at": future}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"amount": "amount + 1"}),
            ],
            "coupons": [
                ("null_code", {"code": "NULL", "_s3": "_s3 + 1000000000"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_source_type", {"code": "'KW-' || bad_rn::VARCHAR", "source_type": "'sms_keyword'",
                                         "_s3": "_s3 + 2000000000"}),
                ("unknown_source", {"code": "'GHOST-' || bad_rn::VARCHAR", "source_type": "'campaign'",
                                    "source_id": fresh("cp", 5, 3), "_s3": "_s3 + 3000000000"}),
                ("future_timestamp", {"code": "'LATER-' || bad_rn::VARCHAR", "distributed_at": future,
                                      "_s3": "_s3 + 4000000000"}),
                (EXACT_DUP, {}),
            ],
            "agents": [
                ("null_id", {"agent_id": "NULL"}),
                ("nasty_text", {"agent_id": fresh("ag", 3, 1), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"team": "team || ' (old)'"}),
            ],
            "shared_links": [
                ("null_id", {"link_id": "NULL"}),
                ("unknown_agent", {"link_id": fresh("lk", 7, 1), "agent_id": fresh("ag", 3, 1)}),
                ("unknown_contact", {"link_id": fresh("lk", 7, 2), "contact_id": fresh("c", 7, 2)}),
                ("unknown_link_type", {"link_id": fresh("lk", 7, 3), "link_type": "'video'"}),
                ("future_timestamp", {"link_id": fresh("lk", 7, 4), "shared_at": future}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"shared_at": "shared_at + to_minutes(3)"}),
            ],
            "link_clicks": [
                ("null_id", {"click_event_id": "NULL"}),
                ("null_link_id", {"click_event_id": fresh("lc", 8, 1), "link_id": "NULL"}),
                ("unknown_link", {"click_event_id": fresh("lc", 8, 2), "link_id": fresh("lk", 7, 2)}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("future_timestamp", {"click_event_id": fresh("lc", 8, 4), "clicked_at": future}),
                ("timestamp_before_2000", {"click_event_id": fresh("lc", 8, 5), "clicked_at": past}),
                (EXACT_DUP, {}),
            ],
            "offers": [
                ("null_id", {"offer_id": "NULL"}),
                ("unknown_network", {"offer_id": fresh("of", 3, 1), "network": "'cake'"}),
                ("negative_window", {"offer_id": fresh("of", 3, 2), "attribution_window_hours": "-24"}),
                ("nasty_text", {"offer_id": fresh("of", 3, 3), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"attribution_window_hours": "coalesce(attribution_window_hours, 168) * 2"}),
            ],
            "creatives": [
                ("null_id", {"creative_id": "NULL"}),
                ("unknown_offer", {"creative_id": fresh("cr", 4, 1), "offer_id": fresh("of", 3, 1)}),
                ("nasty_text", {"creative_id": fresh("cr", 4, 2), "name": sql_str(LONG_NAME)}),
                (EXACT_DUP, {}),
                (DUP_KEY, {"offer_id": "NULL", "name": "name || ' (archived)'"}),
            ],
            "affiliate_postbacks": [
                ("null_id", {"postback_id": "NULL"}),
                ("null_click_id", {"postback_id": fresh("pb", 8, 1), "click_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("negative_amount", {"postback_id": fresh("pb", 8, 3), "payout": "-payout", "conversion_id": "conversion_id || '-neg'"}),
                ("null_amount", {"postback_id": fresh("pb", 8, 4), "payout": "NULL", "conversion_id": "conversion_id || '-null'"}),
                ("absurd_amount", {"postback_id": fresh("pb", 8, 5), "payout": "999999999.99", "conversion_id": "conversion_id || '-big'"}),
                ("currency_without_fx", {"postback_id": fresh("pb", 8, 6), "currency": "'XYZ'", "conversion_id": "conversion_id || '-xyz'"}),
                ("future_timestamp", {"postback_id": fresh("pb", 8, 7), "converted_at": future, "received_at": future,
                                      "conversion_id": "conversion_id || '-fut'"}),
                ("timestamp_before_2000", {"postback_id": fresh("pb", 8, 8), "converted_at": past,
                                           "conversion_id": "conversion_id || '-old'"}),
                (EXACT_DUP, {}),
            ],
            "manual_revenue_imports": [
                ("null_id", {"import_id": "NULL"}),
                ("null_click_id", {"import_id": fresh("mi", 8, 1), "click_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("negative_amount", {"import_id": fresh("mi", 8, 3), "amount": "-amount"}),
                ("null_amount", {"import_id": fresh("mi", 8, 4), "amount": "NULL"}),
                ("absurd_amount", {"import_id": fresh("mi", 8, 5), "amount": "999999999.99"}),
                ("future_timestamp", {"import_id": fresh("mi", 8, 6), "conversion_date": "DATE '2099-12-31'"}),
                (EXACT_DUP, {}),
            ],
            "holdouts": [
                ("null_contact_id", {"contact_id": "NULL"}),
                ("unknown_workspace", {"workspace_id": f"'{UNKNOWN_WS}'", "_s1": "99"}),
                ("unknown_contact", {"contact_id": fresh("c", 7, 2)}),
                ("unknown_campaign", {"campaign_id": fresh("cp", 5, 3), "flow_id": "NULL"}),
                ("campaign_and_flow", {"campaign_id": "coalesce(campaign_id, 'cp00001')",
                                       "flow_id": "coalesce(flow_id, 'fl001')"}),
                ("unknown_group", {"holdout_group": "pick(['holdout', 'exposed'], _h)"}),
                ("contact_in_both_groups", {"holdout_group": "case holdout_group when 'treatment' then 'control' "
                                                             "else 'treatment' end"}),
                ("future_timestamp", {"assigned_at": future}),
                (EXACT_DUP, {}),
            ],
            "fx_rates": [
                ("null_rate", {"to_currency": "'ZAR'", "rate": "NULL", "_s3": "_s3 + 1000000"}),
                (EXACT_DUP, {}),
            ],
        }
        known = {(k.table, k.kind) for k in BAD_KINDS}
        declared = {(t, kind) for t, kinds in spec.items() for kind, _ in kinds}
        # exact duplicate webhook retries of events are part of the good data
        missing = known - declared - {("message_events", EXACT_DUP)}
        assert not missing, missing
        assert not declared - known, declared - known

        if p.bad_share <= 0:
            for table in spec:
                self.sql(f"create table bad_{table} as select * from out_{table} limit 0")
            return
        for table, kinds in spec.items():
            rows = self.count(BASE_TABLE.get(table, f"out_{table}"))
            n = 1 if table == "workspaces" else self._n_bad(rows, len(kinds))
            # one pool of candidate rows per table (planning the out_ views once, and no full
            # sort of a big table for a small sample); every kind samples from the pool
            frac = min(1.0, 40.0 * n / max(1, rows))
            thr = int(frac * 1_000_000)
            self.sql(f"""
                create temp table pool_{table} as
                select * from out_{table}
                where {"true" if thr >= 1_000_000 else f"hh(_s1, _s2, _s3, 0, 'pool') % 1000000 < {thr}"}""")
            parts = []
            for i, (kind, overrides) in enumerate(kinds, start=1):
                salt = f"bad:{table}:{kind}"
                sample = f"""
                    select *, row_number() over (order by _h, _s1, _s2, _s3) as bad_rn from (
                        select *, hh(_s1, _s2, _s3, 0, '{salt}') as _h from pool_{table}
                        order by _h, _s1, _s2, _s3 limit {n})"""
                cols = []
                for col in columns(table):
                    cols.append(f"{overrides.get(col, col)} as {col}")
                s1 = overrides.get("_s1", "_s1")
                if kind == EXACT_DUP:
                    s2, s3 = "_s2", "_s3"
                elif kind == DUP_KEY:
                    s2, s3 = "_s2", f"_s3 + 500000 + {i}"
                elif "_s3" in overrides:
                    s2, s3 = "_s2", overrides["_s3"]
                elif any(("'9'" in overrides.get(c, "")) for c in columns(table)[:2]) or any(
                        v == "NULL" and c == columns(table)[1] for c, v in overrides.items()):
                    # a new (fresh or null) id: after the real rows of the workspace
                    s2, s3 = f"9000000000000000 + {i} * 1000000 + bad_rn", "0"
                else:
                    # the original workspace stays in the key: rows moved to w99 from two
                    # workspaces must not tie
                    s2, s3 = "_s2", f"(_s3 + 700000 + {i}) * 100 + _s1"
                parts.append(f"select {', '.join(cols)}, {s1} as _s1, {s2} as _s2, {s3} as _s3 from ({sample})")
            body = " union all ".join(parts)
            self.sql(f"create table bad_{table} as {body}")
            self.bad_counts[table] = self.count(f"bad_{table}")

    # -- writing --------------------------------------------------------------------------
    def write(self, table: str) -> int:
        p = self.p
        casts = ", ".join(f"cast({c} as {t}) as {c}" for c, t in RAW_TABLES[table])
        query = (f"select {casts} from (select * from out_{table} union all by name select * from bad_{table}) "
                 f"order by _s1, _s2, _s3")
        target = p.out / f"{table}.{p.fmt}"
        if p.fmt == "parquet":
            opts = "format parquet, compression zstd, row_group_size 500000"
        else:
            # text is always quoted: readers that sniff the first rows then see the quoting, and
            # an empty string ("") stays distinct from NULL (an empty field)
            text_cols = ", ".join(c for c, t in RAW_TABLES[table] if t == "varchar")
            opts = ("format csv, header true, delimiter ',', quote '\"', escape '\"', nullstr '', "
                    f"force_quote ({text_cols}), "
                    "timestampformat '%Y-%m-%d %H:%M:%S', dateformat '%Y-%m-%d'")
        tmp = target.with_name(target.name + ".tmp")
        result = self.con.execute(f"copy ({query}) to '{tmp}' ({opts})").fetchone()
        os.replace(tmp, target)
        n = int(result[0]) if result else 0
        self.row_counts[table] = n
        return n


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Params:
    ap = argparse.ArgumentParser(
        description="Generate the raw tables of docs/contract.md#raw-tables as Parquet or CSV files "
                    "(deterministic for a seed; generated in DuckDB).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    ap.add_argument("--contacts", type=int, default=2000, help="number of contacts over all workspaces")
    ap.add_argument("--days", type=int, default=90, help="length of the period, ending on --end-date")
    ap.add_argument("--seed", type=int, default=42, help="seed of the hash-based randomness")
    ap.add_argument("--format", dest="fmt", choices=["parquet", "csv"], default="parquet",
                    help="file format, one file <table>.<format> per raw table")
    ap.add_argument("--end-date", default=DEFAULT_END_DATE, help="last day of the period (UTC), YYYY-MM-DD")
    ap.add_argument("--bad-share", type=float, default=0.01,
                    help="share of bad rows per table (at least 3 rows of every kind; 0 for none)")
    ap.add_argument("--threads", type=int, default=None,
                    help="DuckDB threads; all cores when omitted (the output does not depend on it)")
    ap.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit; spills to disk beyond it")
    ap.add_argument("--tmp-dir", default=None,
                    help="directory for the scratch database; the system temp directory when omitted")
    a = ap.parse_args(argv)
    if a.contacts < 10:
        ap.error("--contacts must be at least 10")
    if a.days < 7:
        ap.error("--days must be at least 7")
    if not 0 <= a.bad_share < 0.5:
        ap.error("--bad-share must be in [0, 0.5)")
    return Params(out=a.out, contacts=a.contacts, days=a.days, seed=a.seed, fmt=a.fmt,
                  end_date=dt.date.fromisoformat(a.end_date), bad_share=a.bad_share,
                  threads=a.threads, memory_limit=a.memory_limit, tmp_dir=a.tmp_dir)


def generate(p: Params, console: Console | None = None, progress: bool = True) -> dict[str, int]:
    """Generate all files; returns rows written per table."""
    console = console or Console(stderr=True)
    p.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="msgwh_gen_", dir=p.tmp_dir))
    try:
        con = duckdb.connect(str(scratch / "gen.duckdb"))
        con.execute(f"set memory_limit = '{p.memory_limit}'")
        con.execute(f"set temp_directory = '{scratch / 'spill'}'")
        con.execute("set preserve_insertion_order = true")
        con.execute("set enable_progress_bar = false")
        if p.threads:
            con.execute(f"set threads = {int(p.threads)}")
        gen = Generator(con, p)
        stages = gen.stages()
        tables = list(RAW_TABLES)
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=False, disable=not progress) as bar:
            task = bar.add_task("generating", total=len(stages) + len(tables))
            for label, fn in stages:
                bar.update(task, description=f"building {label}")
                fn()
                bar.advance(task)
            for table in tables:
                bar.update(task, description=f"writing {table}.{p.fmt}")
                gen.write(table)
                bar.advance(task)
        con.close()
        return gen.row_counts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = parse_args(argv)
    console = Console(stderr=True)
    t0 = time.perf_counter()
    counts = generate(p, console)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(title=f"{p.out}  ({p.fmt}, {p.contacts} contacts, {p.days} days, seed {p.seed})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    table.add_row("[bold]total", f"[bold]{sum(counts.values()):,}")
    Console().print(table)
    Console().print(f"generated in {elapsed:.1f} s, peak RSS {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

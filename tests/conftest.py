"""Shared fixtures: a loopback Cafe24 simulator, a client for it, and a real DuckDB warehouse file."""

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import settings

from assets.resources import WarehouseResource
from pipelines.cafe24.client import ClientConfig, SmsListClient
from pipelines.simulator import Cafe24Simulator, SimMessage
from pipelines.warehouse import Warehouse

# Under CI the property tests draw the same examples every run, so a landing never depends on luck; a run
# without CI set draws new ones each time, which is how they search further.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ACCOUNT = "shop"
SECRET = "s3cr3t-Key-never-shown"
DAY = date(2026, 10, 3)


def sms(
    day: date = DAY, minute: int = 0, *, to: str = "010-1234-5678", text: str = "안녕하세요", **fields
) -> SimMessage:
    """One delivered immediate SMS, sent `minute` minutes after 09:00 KST on `day`."""
    values = {
        "sms_type": "SMS",
        "send_type": "I",
        "send_phone": "02-123-4567",
        "receive_phone": to,
        "msg": text,
        "send_at": datetime(day.year, day.month, day.day, 9) + timedelta(minutes=minute),
        "status": 3,
    }
    values.update(fields)
    return SimMessage(**values)


def rows_on(day: date, count: int, **fields) -> list[SimMessage]:
    """`count` distinct messages on `day` (distinct recipients)."""
    return [
        sms(day, i % 600, to=f"010-{1000 + i // 100:04d}-{i % 10000:04d}", **fields) for i in range(count)
    ]


@pytest.fixture
def simulator() -> Iterator[Cafe24Simulator]:
    with Cafe24Simulator(accounts={ACCOUNT: SECRET}) as sim:
        yield sim


def client_config(simulator: Cafe24Simulator, **overrides) -> ClientConfig:
    values = {
        "url": simulator.url,
        "user_id": ACCOUNT,
        "secure": SECRET,
        "concurrency": 4,
        "timeout_seconds": 0.5,
        "backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
    }
    values.update(overrides)
    return ClientConfig(**values)


@pytest.fixture
def client(simulator: Cafe24Simulator) -> Iterator[SmsListClient]:
    with SmsListClient(client_config(simulator)) as sms_list:
        yield sms_list


@pytest.fixture
def warehouse_path(tmp_path) -> str:
    return str(tmp_path / "warehouse.duckdb")


@pytest.fixture
def warehouse(warehouse_path) -> Iterator[Warehouse]:
    with WarehouseResource(database=warehouse_path).open() as wh:
        yield wh

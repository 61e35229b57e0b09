"""The morning message: posted once per day to a Slack webhook, here a receiver on loopback."""

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from assets.reports import morning_message
from assets.resources import ExportsResource, SlackResource, WarehouseResource
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.kst import KST
from pipelines.notify import NotificationError, notify_slack, post_to_slack
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports
from tests.conftest import ACCOUNT, DAY, sms

LATER = datetime(2026, 10, 10, 12, tzinfo=KST)
TOKEN_PATH = "/services/T000/B000/very-secret-token"


class SlackReceiver(ThreadingHTTPServer):
    """An incoming-webhook stand-in that keeps every JSON body posted to it and answers `status`."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[dict] = []
        self.status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{TOKEN_PATH}"


class _Handler(BaseHTTPRequestHandler):
    server: SlackReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.path == TOKEN_PATH
        self.server.posts.append(json.loads(body))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[SlackReceiver]:
    server = SlackReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reported(simulator, client, warehouse):
    """A warehouse with one day of Cafe24 traffic and its reports: 3 delivered, 1 failed, never refunded."""
    simulator.load(
        ACCOUNT, [*(sms(minute=i, to=f"010-7777-{i:04d}") for i in range(3)), sms(minute=9, status=9)]
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, LATER)
    build_daily_reports(warehouse, LATER)
    return warehouse


def test_the_headline_and_the_findings_are_posted_once_per_day(reported, receiver):
    posted = notify_slack(reported, receiver.url, LATER)
    assert posted is not None and posted.day == DAY and posted.findings == 1
    assert notify_slack(reported, receiver.url, LATER + timedelta(hours=1)) is None  # already posted
    assert len(receiver.posts) == 1
    message = receiver.posts[0]
    assert str(DAY) in message["text"] and "1 finance finding" in message["text"]
    blocks = "\n".join(json.dumps(block, ensure_ascii=False) for block in message["blocks"])
    assert "cafe24" in blocks and "75.0" in blocks  # 3 of 4 delivered
    assert "refund_missing" in blocks and "billed_units_on_failures" in blocks


def test_a_refused_post_names_the_status_not_the_url_and_is_tried_again_next_time(reported, receiver):
    receiver.status = 500
    with pytest.raises(NotificationError) as refused:
        notify_slack(reported, receiver.url, LATER)
    assert "HTTP 500" in str(refused.value) and "secret" not in str(refused.value)
    receiver.status = 200
    assert notify_slack(reported, receiver.url, LATER) is not None
    assert len(receiver.posts) == 2


def test_an_unreachable_webhook_gives_a_clear_error_without_the_url():
    with pytest.raises(NotificationError) as unreachable:
        post_to_slack(f"http://127.0.0.1:9{TOKEN_PATH}", {"text": "x"}, timeout_seconds=2)
    assert "unreachable" in str(unreachable.value) and "secret" not in str(unreachable.value)


def test_the_morning_message_posts_when_a_webhook_is_configured_and_a_failed_post_fails_its_check_only(
    reported, receiver, warehouse_path, tmp_path
):
    reported.connection.close()  # the asset opens the file itself
    resources = {
        "warehouse": WarehouseResource(database=warehouse_path),
        "exports": ExportsResource(output_dir=str(tmp_path / "out")),
        "slack": SlackResource(webhook_url=receiver.url),
    }
    receiver.status = 404
    failed = dg.materialize([morning_message], resources=resources)
    assert failed.success  # the reports are built by then: only the message's own check fails
    metadata = failed.asset_materializations_for_node("morning_message")[0].metadata
    assert metadata["slack"].value == "not posted: Slack webhook answered HTTP 404"
    (check,) = failed.get_asset_check_evaluations()
    assert (check.check_name, check.passed) == ("posted_when_due", False)
    receiver.status = 200
    result = dg.materialize([morning_message], resources=resources)
    metadata = result.asset_materializations_for_node("morning_message")[0].metadata
    assert metadata["slack"].value == f"posted the headline of {DAY}"
    assert [check.passed for check in result.get_asset_check_evaluations()] == [True]
    assert len(receiver.posts) == 2
    logs = "".join(str(event) for event in result.all_events + failed.all_events)
    assert "very-secret-token" not in logs

"""A receiver killed with SIGKILL in the middle of a push loses no report it acknowledged, and after a restart
and the rest of the push the ingestion counts every message exactly once."""

import signal
import threading
import time
from pathlib import Path

from pipelines.infobank.ingest import ingest_infobank
from pipelines.simulator.pusher import InfobankPusher, PushSummary, Report, start_receiver_process

MESSAGES = 2500
RESENT_EVERY = 5  # every fifth report comes twice, as Infobank resends


def msgids_stored(reports_dir: Path) -> list[str]:
    lines = [line for path in reports_dir.glob("reports-*.log") for line in path.read_bytes().splitlines()]
    return [line.split(b"msgid=")[1].split(b"&")[0].decode() for line in lines]


def test_a_receiver_killed_mid_push_loses_nothing_it_acknowledged(tmp_path, warehouse):
    reports_dir = tmp_path / "reports"
    reports = []
    for n in range(MESSAGES):
        query = f"msgid={n:08d}&to=10{n:08d}&to_country=82&network=45008&rescnt=1&err_code=1000"
        reports += [Report(query)] * (2 if n % RESENT_EVERY == 0 else 1)
    process, url = start_receiver_process(reports_dir)
    port = int(url.split(":")[2].split("/")[0])
    results: list[PushSummary] = []
    # Resends 0.05, 0.1 and 0.2 s apart: the restart below takes longer, so some reports are given up.
    with InfobankPusher(url, connections=32, retry_delay=0.05, timeout=5) as pusher:
        pushing = threading.Thread(target=lambda: results.append(pusher.push(reports)))
        pushing.start()
        while pusher.acknowledged_so_far < len(reports) // 3 and pushing.is_alive():
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_after = pusher.acknowledged_so_far
        process, _ = start_receiver_process(reports_dir, port)  # the same port: Infobank knows one address
        pushing.join(timeout=60)
        (first,) = results
        stored = msgids_stored(reports_dir)
        acknowledged = [report for report, acked in zip(reports, first.acknowledged, strict=True) if acked]
        # Every report the pusher saw acknowledged is in the store, the ones before the kill included.
        assert len(reports) // 3 <= killed_after < len(reports)
        assert {r.query.split("&")[0].removeprefix("msgid=") for r in acknowledged} <= set(stored)
        # Finish: what was given up while the receiver was down is sent again.
        second = pusher.push(
            [report for report, acked in zip(reports, first.acknowledged, strict=True) if not acked]
        )
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    print(f"killed after {killed_after}: {first.line()}; then {second.line()}")
    assert second.acknowledged_count == second.reports
    assert set(msgids_stored(reports_dir)) == {f"{n:08d}" for n in range(MESSAGES)}
    stats = ingest_infobank(warehouse, reports_dir)
    assert stats.quarantined == 0 and stats.balanced
    assert stats.reports_accepted == MESSAGES  # every message once; the rest are counted as retries
    assert stats.retries == stats.lines_read - MESSAGES
    counted = warehouse.connection.execute("SELECT count(*), count(DISTINCT msgid) FROM infobank_messages")
    assert counted.fetchone() == (MESSAGES, MESSAGES)


def test_sigterm_answers_every_request_in_flight_then_exits_cleanly(tmp_path):
    reports_dir = tmp_path / "reports"
    reports = [
        Report(f"msgid={n:08d}&to=10{n:08d}&to_country=82&rescnt=1&err_code=1000") for n in range(1500)
    ]
    process, url = start_receiver_process(reports_dir)
    results: list[PushSummary] = []
    with InfobankPusher(url, connections=32, retry_delay=0.01, timeout=5) as pusher:
        pushing = threading.Thread(target=lambda: results.append(pusher.push(reports)))
        pushing.start()
        while pusher.acknowledged_so_far < 300 and pushing.is_alive():
            time.sleep(0.005)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=45) == 0
        pushing.join(timeout=60)
    (pushed,) = results
    acknowledged = {f"{n:08d}" for n, acked in enumerate(pushed.acknowledged) if acked}
    # Whatever it stored it also answered: no request in flight was dropped after its line was written.
    assert len(acknowledged) >= 300 and sorted(msgids_stored(reports_dir)) == sorted(acknowledged)

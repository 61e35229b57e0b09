"""Run the Cafe24 simulator in the foreground with synthetic traffic, until SIGTERM or SIGINT.

Prints one line, SIMULATOR_URL=http://127.0.0.1:PORT/sms_list.php, once it is listening.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from types import FrameType

from pipelines.simulator.server import Cafe24Simulator
from pipelines.simulator.traffic import synthetic_cafe24_traffic

KST = timezone(timedelta(hours=9))
SECURE_ENV = "CAFE24_SMS_SECURE"
DEFAULT_SECURE = "demo-secure"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipelines.simulator", description=__doc__)
    parser.add_argument("--days", type=int, default=14, help="days of traffic to generate (default 14)")
    parser.add_argument("--last-day", type=date.fromisoformat, help="last KST day YYYY-MM-DD (default today)")
    parser.add_argument("--per-day", type=int, default=300, help="average messages per day (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--user-id", default="demo")
    parser.add_argument(
        "--secure",
        help=f"the account's secure key, if {SECURE_ENV} is not set (default {DEFAULT_SECURE})",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before each answer")
    parser.add_argument("--total-count", choices=("grand", "remaining", "absent"), default="grand")
    parser.add_argument("--phone-format", choices=("hyphen", "bare"), default="hyphen")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # The environment wins over --secure: a key on the command line shows in process listings.
    secure = os.environ.get(SECURE_ENV) or args.secure or DEFAULT_SECURE
    last_day = args.last_day or datetime.now(KST).date()
    first_day = last_day - timedelta(days=args.days - 1)
    simulator = Cafe24Simulator(
        {args.user_id: secure},
        total_count=args.total_count,
        phone_format=args.phone_format,
        latency=args.latency_ms / 1000,
        port=args.port,
    )
    loaded = simulator.load(
        args.user_id, synthetic_cafe24_traffic(first_day, args.days, per_day=args.per_day, seed=args.seed)
    )

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    simulator.start()
    print(f"SIMULATOR_URL={simulator.url}", flush=True)
    print(f"loaded {loaded} messages, {first_day} to {last_day}", file=sys.stderr, flush=True)
    try:
        # A timed wait keeps the main thread responsive to signals.
        while not stopping.wait(0.5):
            pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m pipelines receive`: serve the Infobank report endpoint until SIGTERM."""

import logging
import sys

from pipelines.receiver.day_files import StoreError
from pipelines.receiver.server import serve_forever
from pipelines.receiver.settings import load_receiver_settings
from pipelines.settings import ConfigError


def receive() -> int:
    """Serve with the settings of the environment; returns the exit code (1 with one line on stderr when
    the settings are wrong, the report folder cannot be made or the address cannot be bound)."""
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_receiver_settings()
        serve_forever(settings)
    except (ConfigError, StoreError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0

"""What every benchmark needs: each measurement in a fresh process, and that process's peak memory."""

import multiprocessing
import queue
import resource
from collections.abc import Callable
from typing import Any


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run `target(*args, results)` in a fresh process, so each peak memory is its own; return what it put."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    while True:
        try:
            figures = results.get(timeout=1)
            break
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError(f"{target.__name__} died (exit code {process.exitcode})") from None
    process.join()
    return figures

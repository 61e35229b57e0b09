"""Durable appends to the KST day's report file: a report is on disk before its request is answered.

Each report becomes one line `<received_at ISO-8601 +09:00><TAB>?<query string>` in `reports-YYYYMMDD.log`
(the KST day it was received on), the store format the ingestion already reads (pipelines/infobank/).

Group commit: one writer thread owns the files. Requests hand it their lines and wait; the thread takes
every line pending at once, writes them with as few `write` calls as it can, flushes each touched file with
one `fdatasync`, and only then releases every request of the batch together (one wake-up per event loop).
While it waits for the disk, the next batch gathers, so 64 concurrent requests cost a few syncs, not 64.

A file is left holding complete lines only:
- a batch that fails part-way (disk full, I/O error) is cut off again (`ftruncate` to the size before it)
  and every request of it gets StoreError, so nothing half-written stays behind a later line;
- a file whose last line was half-written when the process died (the line was never acknowledged) has that
  partial line cut off when the file is opened again, before anything is appended after it;
- a file created for a new day has its folder synced too, so the new name survives a power cut;
- one writer per folder: a second receiver on the same folder is refused (a lock on LOCK_NAME, released by
  the kernel when the process dies), so no other process appends between a batch and its cut-back.

Errors:
    StoreError: the line could not be made durable; the caller answers 5xx and the sender resends.
"""

import asyncio
import contextlib
import fcntl
import logging
import os
import re
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from pipelines.kst import KST

log = logging.getLogger(__name__)

LOCK_NAME = ".receiver.lock"  # hidden: the ingestion skips it
REPAIR_READ_BYTES = 64 * 1024
OPEN_FILES = 3  # today, yesterday and a late straggler; older days are closed after their batch
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
_sync = getattr(os, "fdatasync", os.fsync)


class StoreError(Exception):
    """A report could not be stored durably (the message says why); it must not be acknowledged."""


def day_file_name(received_at: datetime) -> str:
    """The name of the file holding reports received at `received_at` (its KST day)."""
    return f"reports-{received_at.astimezone(KST):%Y%m%d}.log"


def report_line(received_at: datetime, query: bytes) -> bytes:
    """The stored line of one report: its KST receipt time, a TAB, '?' and the query string as received.

    A control byte (CR, LF, TAB, NUL...) never belongs in a query string; one that arrives anyway (a POST
    body can carry any byte) is percent-encoded, which keeps its meaning for the ingestion (it URL-decodes
    values) and keeps every report on exactly one line.
    """
    if _CONTROL_BYTES.search(query):
        query = _CONTROL_BYTES.sub(lambda match: b"%%%02X" % match.group()[0], query)
    stamp = received_at.astimezone(KST).isoformat(timespec="microseconds")
    return stamp.encode("ascii") + b"\t?" + query + b"\n"


class _Waiter:
    """One request waiting for its line: its event loop and the future to settle there."""

    __slots__ = ("future", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]) -> None:
        self.loop = loop
        self.future = future


def _settle(waiters: list[tuple[_Waiter, StoreError | None]]) -> None:
    """Runs on a waiters' event loop: release every request of a batch at once."""
    for waiter, error in waiters:
        if waiter.future.done():  # the request was cancelled meanwhile
            continue
        if error is None:
            waiter.future.set_result(None)
        else:
            waiter.future.set_exception(error)


class DayFileWriter:
    """Appends report lines to the day files under `folder`; `await append(...)` returns once durable."""

    def __init__(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the report folder {folder}: {error.strerror or error}") from None
        self.folder = folder
        self._lock_fd = _lock_folder(folder)
        self._ready = threading.Condition()
        self._pending: list[tuple[str, bytes, _Waiter]] = []
        self._closing = False
        self._files: dict[str, int] = {}
        self.lines_written = 0
        self.syncs = 0
        self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)
        self._thread.start()

    async def append(self, received_at: datetime, query: bytes) -> None:
        """Store one report; returns once its line is on disk, raises StoreError if it cannot be."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(loop, loop.create_future())
        line = report_line(received_at, query)
        with self._ready:
            if self._closing:
                raise StoreError("the receiver is shutting down")
            self._pending.append((day_file_name(received_at), line, waiter))
            self._ready.notify()
        await waiter.future

    def close(self) -> None:
        """Store what is pending, then stop the writer thread and close the files."""
        with self._ready:
            self._closing = True
            self._ready.notify()
        self._thread.join()
        for name in list(self._files):
            self._forget(name)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending and not self._closing:
                    self._ready.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
            by_file: dict[str, list[bytes]] = defaultdict(list)
            for name, line, _ in batch:
                by_file[name].append(line)
            try:
                errors = {name: self._write(name, b"".join(lines)) for name, lines in by_file.items()}
            except Exception as error:  # never leave a request waiting: it gets 503 and is sent again
                log.exception("the report writer failed")
                failed = StoreError(f"the report writer failed: {error}")
                errors = dict.fromkeys(by_file, failed)
            self._release(batch, errors)
            if len(self._files) > OPEN_FILES:
                for name in [name for name in self._files if name not in by_file]:
                    self._forget(name)

    @staticmethod
    def _release(batch: list[tuple[str, bytes, _Waiter]], errors: dict[str, StoreError | None]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Waiter, StoreError | None]]] = defaultdict(list)
        for name, _, waiter in batch:
            by_loop[waiter.loop].append((waiter, errors[name]))
        for loop, waiters in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, waiters)

    def _write(self, name: str, data: bytes) -> StoreError | None:
        """Append `data` to the file and sync it; on failure cut the file back and return the error."""
        try:
            fd = self._open(name)
            before = os.fstat(fd).st_size
        except OSError as error:
            log.error("cannot open %s: %s", name, error.strerror or error)
            self._forget(name)
            return StoreError(f"cannot open {name}: {error.strerror or error}")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            _sync(fd)
        except OSError as error:
            log.error("cannot store %d bytes in %s: %s", len(data), name, error.strerror or error)
            try:
                os.ftruncate(fd, before)
                _sync(fd)
            except OSError:
                pass  # opening the file again cuts a half-written line all the same
            self._forget(name)
            return StoreError(f"cannot write {name}: {error.strerror or error}")
        self.lines_written += data.count(b"\n")
        self.syncs += 1
        return None

    def _open(self, name: str) -> int:
        fd = self._files.get(name)
        if fd is not None:
            return fd
        path = self.folder / name
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            _cut_torn_line(fd, path)
            if created:
                _sync_folder(self.folder)
        except OSError:
            os.close(fd)
            raise
        self._files[name] = fd
        return fd

    def _forget(self, name: str) -> None:
        fd = self._files.pop(name, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def _cut_torn_line(fd: int, path: Path) -> None:
    """Cut a last line that has no newline (written when the process died, never acknowledged)."""
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(0, end - REPAIR_READ_BYTES)
        block = os.pread(fd, end - start, start)
        newline = block.rfind(b"\n")
        if newline >= 0:
            end = start + newline + 1
            break
        end = start
    if end < size:
        os.ftruncate(fd, end)
        _sync(fd)
        log.warning("cut %d bytes of a line half-written before a restart from %s", size - end, path.name)


def _lock_folder(folder: Path) -> int:
    """Hold the folder's writer lock (until the returned descriptor is closed, or the process ends)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise StoreError(f"cannot write in the report folder {folder}: {error.strerror or error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise StoreError(f"another receiver is already writing to {folder}") from None
    return fd


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

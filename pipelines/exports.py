"""Exporting report days as files: CSV (UTF-8 with a byte order mark, so Excel shows Hangul) and Parquet."""

import os
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.warehouse import Warehouse

REPORT_TABLES = (
    "report_delivery_daily",
    "report_failure_reasons_daily",
    "report_refunds_daily",
    "report_billing_daily",
)


def _replace_atomically(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_report_day(warehouse: Warehouse, output_dir: Path, day: date) -> list[Path]:
    """Write every report table's rows of `day` to `output_dir/<YYYY-MM-DD>/<table>.csv|.parquet`."""
    folder = output_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in REPORT_TABLES:
        frame: pd.DataFrame = warehouse.run("reports/day_rows", table=table, day=day).df()
        csv_path, parquet_path = folder / f"{table}.csv", folder / f"{table}.parquet"
        _replace_atomically(
            csv_path, lambda target, f=frame: f.to_csv(target, index=False, encoding="utf-8-sig")
        )
        _replace_atomically(parquet_path, lambda target, f=frame: f.to_parquet(target, index=False))
        written += [csv_path, parquet_path]
    return written

"""`make demo`'s command: synthetic vendors on loopback, the whole pipeline, and where to look."""

import re
from pathlib import Path

from pipelines.cli import main


def test_the_demo_ends_with_the_headline_and_the_path_of_the_daily_report(monkeypatch, tmp_path, capsys):
    for name, value in {
        "SMS_WAREHOUSE": tmp_path / "demo.duckdb",
        "SMS_OUTPUT_DIR": tmp_path / "out",
        "SMS_ANALYTICS_DIR": tmp_path / "analytics",
        "INFOBANK_REPORTS_DIR": tmp_path / "infobank",
    }.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    assert main(["demo", "--days", "4"]) == 0
    out = capsys.readouterr().out
    headline = out[out.index("headline of ") :]
    assert "cafe24" in headline and "infobank" in headline and "delivery_rate_pct" in headline
    report = Path(re.search(r"daily report: (\S+)", out).group(1))
    assert report.is_file() and report.is_relative_to(tmp_path / "out")
    assert "<svg" in report.read_text(encoding="utf-8")

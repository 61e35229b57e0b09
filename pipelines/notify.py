"""The morning message to Slack: the day's headline and the week's finance findings (no Dagster imports)."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import requests

from pipelines.exports import daily_report_path
from pipelines.reports import latest_headline
from pipelines.text_table import fixed_width
from pipelines.warehouse import Warehouse

CHANNEL = "slack"


class NotificationError(RuntimeError):
    """The webhook could not be reached or refused the message. The message never contains the URL."""


@dataclass(frozen=True)
class Notification:
    """What was (or would be) posted about one day."""

    day: date
    findings: int
    payload: dict[str, Any]


def morning_message(
    day: date, headline: list[dict[str, Any]], findings: list[dict[str, Any]], report: Path | None
) -> dict[str, Any]:
    """The Slack payload: a plain `text` fallback and blocks with the headline and the findings."""
    title = f"SMS delivery report for {day.isoformat()} (KST)"
    verdict = f"{len(findings)} finance finding(s) this week" if findings else "no finance findings this week"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"```{fixed_width(headline)}```"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Finance:* {verdict}"}},
    ]
    if findings:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"```{fixed_width(findings)}```"}}
        )
    if report is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Report: `{report}`"}]})
    return {"text": f"{title}: {verdict}", "blocks": blocks}


def post_to_slack(webhook_url: str, payload: dict[str, Any], timeout_seconds: float = 10.0) -> None:
    """POST the payload to an incoming webhook; raises NotificationError, naming the cause but not the URL
    (the URL is the credential)."""
    try:
        response = requests.post(webhook_url, json=payload, timeout=timeout_seconds)
    except requests.RequestException as error:
        raise NotificationError(f"Slack webhook unreachable ({type(error).__name__})") from None
    if response.status_code != 200:
        raise NotificationError(f"Slack webhook answered HTTP {response.status_code}")


def due_notification(warehouse: Warehouse, output_dir: Path | None = None) -> Notification | None:
    """The message about the latest complete day, unless it was posted already (or there is none)."""
    day, headline = latest_headline(warehouse)
    if day is None or warehouse.rows("reports/notified", day=day, channel=CHANNEL)[0][0]:
        return None
    findings = warehouse.records("reports/recent_findings", day=day)
    report = daily_report_path(output_dir, day).resolve() if output_dir else None
    shown = report if report is not None and report.exists() else None
    return Notification(day, len(findings), morning_message(day, headline, findings, shown))


def notify_slack(
    warehouse: Warehouse,
    webhook_url: str,
    now: datetime,
    output_dir: Path | None = None,
    timeout: float = 10.0,
) -> Notification | None:
    """Post the due morning message and record it, so each day is posted once; None when nothing was due."""
    notification = due_notification(warehouse, output_dir)
    if notification is None:
        return None
    post_to_slack(webhook_url, notification.payload, timeout)
    warehouse.run("reports/record_notification", day=notification.day, channel=CHANNEL, posted_at=now)
    return notification

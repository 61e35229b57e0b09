"""One message as the simulated Cafe24 account stores it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

SmsType = Literal["SMS", "LMS"]
SendType = Literal["I", "R"]

REQUESTED = 1
RESERVED_REQUESTED = 2
DELIVERED = 3
FAILED = 9


@dataclass(slots=True)
class SimMessage:
    """A sent (or queued) message; `status` and `refund_at` may be changed after loading.

    `sms_type` and `send_at` decide where the simulator files the message, so they must not
    change once it is loaded.
    """

    sms_type: SmsType
    send_type: SendType
    send_phone: str
    receive_phone: str
    msg: str
    send_at: datetime
    status: int
    subject: str | None = None
    reg_date: str | None = None
    refund_at: datetime | None = None

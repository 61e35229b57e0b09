"""Deterministic synthetic Cafe24 traffic with every awkward case the pipeline must survive."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from pipelines.simulator.messages import (
    DELIVERED,
    FAILED,
    REQUESTED,
    RESERVED_REQUESTED,
    SimMessage,
)

SENDERS = ("02-123-4567", "1588-1234", "031-987-6543", "070-4321-8765", "010-2345-6789")
SMS_TEMPLATES = (
    "[카페24] 인증번호 [{n}]를 입력해 주세요.",
    "주문하신 상품이 발송되었습니다. 운송장 {n}",
    "예약이 확정되었습니다 🙂 예약번호 {n}",
    "(광고) 가을 세일 최대 50% 할인 🎉 쿠폰 {n} 무료거부 0801234567",
    "결제 {n}원 승인되었습니다.",
    "배송 완료: 문 앞에 두었습니다 📦 ({n})",
)
LMS_TEMPLATES = (
    "[공지] 안녕하세요, 고객님.\n주문번호 {n}의 상품이 출고되었습니다.\n"
    "배송은 영업일 기준 1~2일 소요되며, 문의는 고객센터로 연락 주세요. 감사합니다 🙏",
    "(광고) 회원님께만 드리는 특별 혜택 🎁\n쿠폰번호: {n}\n"
    "기간 내 사용하지 않으면 자동 소멸됩니다.\n무료수신거부 080-123-4567",
    "예약 안내드립니다.\n일시와 장소를 확인해 주시고, 변경이 필요하시면 하루 전까지 알려주세요.\n"
    "예약번호 {n} ✅",
)
SUBJECTS = ("[공지] 배송 안내", "주문 확인", "이벤트 안내 🎁", "A&B 제휴 혜택")
# Text that breaks naive XML writers: an ampersand, a tag-like bracket and a CDATA terminator.
AWKWARD_TEXT = "[테스트] A&B <특가> 쿠폰코드 ]]> 확인 ✅"

LMS_SHARE = 0.30
RESERVED_SHARE = 0.15
FAILED_SHARE = 0.08
REFUND_NEVER_SHARE = 0.05  # failed sends whose refund never comes
UNEXPECTED_REFUND_SHARE = 0.003  # delivered sends refunded anyway
SUBJECT_SHARE = 0.85
REG_DATE_SHARE = 0.5
ZERO_DAY_SLOT = 4  # the fifth day of every 14 has no traffic at all
WEEKEND_FACTOR, WEEKDAY_FACTOR = 0.45, 1.15
QUIET_DAY, BUSY_DAY, DAY_MOOD_SHARE = 0.35, 1.9, 0.10
# Scales volumes so the average day, zero days included, is about per_day.
_MEAN_FACTOR = (
    (5 * WEEKDAY_FACTOR + 2 * WEEKEND_FACTOR)
    / 7
    * (DAY_MOOD_SHARE * (QUIET_DAY + BUSY_DAY) + (1 - 2 * DAY_MOOD_SHARE))
    * 13
    / 14
)
# Relative traffic per KST hour: quiet nights, busy office hours and evenings.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 12, 14, 14, 13, 12, 12, 11, 10, 8, 5, 2)
_RECENT = timedelta(hours=1)
_CUMULATIVE_MINUTE_WEIGHTS = list(accumulate(weight for weight in HOUR_WEIGHTS for _ in range(60)))


def synthetic_cafe24_traffic(
    first_day: date,
    days: int,
    *,
    per_day: int = 300,
    seed: int = 7,
    now: datetime | None = None,
) -> list[SimMessage]:
    """Messages for `days` KST days from `first_day`, ordered by send time.

    Messages sent more than a day before `now` (default: the end of the last day) are final;
    later ones may still be pending. The same arguments always give the same messages.
    """
    rng = random.Random(seed)
    now = now if now is not None else datetime.combine(first_day + timedelta(days=days), time())
    recipients = _recipients(rng, max(1000, 2 * per_day))
    messages: list[SimMessage] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        volume = _day_volume(rng, day, offset, per_day)
        day_messages = _day_messages(rng, day, volume, now, recipients)
        if day_messages:
            # Always one awkward SMS a day, so escaping is exercised whatever the volume.
            awkward = next((m for m in day_messages if m.sms_type == "SMS"), day_messages[0])
            awkward.msg = AWKWARD_TEXT
            day_messages = _with_twins(rng, day_messages, now)
        messages += day_messages
    return messages


def _day_volume(rng: random.Random, day: date, offset: int, per_day: int) -> int:
    if offset % 14 == ZERO_DAY_SLOT or per_day <= 0:
        return 0
    factor = WEEKEND_FACTOR if day.weekday() >= 5 else WEEKDAY_FACTOR
    roll = rng.random()
    if roll < DAY_MOOD_SHARE:
        mood = QUIET_DAY
    elif roll >= 1 - DAY_MOOD_SHARE:
        mood = BUSY_DAY
    else:
        mood = 0.75 + rng.random() * 0.5
    return max(1, round(per_day * factor * mood / _MEAN_FACTOR))


def _day_messages(
    rng: random.Random, day: date, volume: int, now: datetime, recipients: list[str]
) -> list[SimMessage]:
    # draw() with int() instead of randrange/choice: several times faster, still deterministic.
    draw = rng.random
    midnight = datetime.combine(day, time())
    day_text = day.isoformat()
    settled_before = now - timedelta(days=1)
    minutes = sorted(rng.choices(range(1440), cum_weights=_CUMULATIVE_MINUTE_WEIGHTS, k=volume))
    # Per minute of the day: its datetime and its "YYYY-MM-DD HH:MM" text, built once.
    slots: dict[int, tuple[datetime, str]] = {}
    messages = []
    for minute in minutes:
        slot = slots.get(minute)
        if slot is None:
            stamp = midnight + timedelta(minutes=minute)
            slot = slots[minute] = (stamp, f"{day_text} {minute // 60:02d}:{minute % 60:02d}")
        send_at = slot[0]
        send_type = "R" if draw() < RESERVED_SHARE else "I"
        if send_at > now and send_type == "I":
            continue  # not sent yet; only reservations are listed ahead of time
        sender = SENDERS[int(draw() * len(SENDERS))]
        recipient = recipients[int(draw() * len(recipients))]
        code = 100000 + int(draw() * 900000)
        if draw() < LMS_SHARE:
            text = LMS_TEMPLATES[int(draw() * len(LMS_TEMPLATES))].format(n=code)
            subject = SUBJECTS[int(draw() * len(SUBJECTS))] if draw() < SUBJECT_SHARE else None
            message = SimMessage("LMS", send_type, sender, recipient, text, send_at, REQUESTED, subject)
        else:
            text = SMS_TEMPLATES[int(draw() * len(SMS_TEMPLATES))].format(n=code)
            message = SimMessage("SMS", send_type, sender, recipient, text, send_at, REQUESTED)
        if draw() < REG_DATE_SHARE:
            if send_type == "R":
                registered = send_at - timedelta(seconds=3600 + int(draw() * 3 * 86400))
                message.reg_date = registered.strftime("%Y-%m-%d %H:%M:%S")
            else:
                message.reg_date = f"{slot[1]}:{int(draw() * 60):02d}"
        _settle(draw, message, now, settled_before)
        messages.append(message)
    return messages


def _recipients(rng: random.Random, count: int) -> list[str]:
    """A customer base of mobile numbers; a few keep the old 011 prefix."""
    draw = rng.random
    numbers = []
    for _ in range(count):
        if draw() < 0.05:
            numbers.append(f"011-{200 + int(draw() * 800)}-{int(draw() * 10000):04d}")
        else:
            numbers.append(f"010-{2000 + int(draw() * 8000)}-{int(draw() * 10000):04d}")
    return numbers


def _settle(draw: Callable[[], float], message: SimMessage, now: datetime, settled_before: datetime) -> None:
    """Give the message the status and refund it has at `now`."""
    send_at = message.send_at
    if send_at >= settled_before and (send_at > now or draw() < (0.5 if now - send_at < _RECENT else 0.1)):
        message.status = REQUESTED if message.send_type == "I" else RESERVED_REQUESTED
        return
    message.status = FAILED if draw() < FAILED_SHARE else DELIVERED
    _refund(draw, message, now)


def _refund(draw: Callable[[], float], message: SimMessage, now: datetime) -> None:
    """Refund failures 10 min to 30 h after the send (sooner is likelier), as far as `now` allows."""
    message.refund_at = None
    if message.status == FAILED:
        if draw() < REFUND_NEVER_SHARE:
            return
        delay = 10 + int(min(draw(), draw()) * (30 * 60 - 10))
    elif message.status == DELIVERED and draw() < UNEXPECTED_REFUND_SHARE:
        delay = 10 + int(draw() * 590)
    else:
        return
    refund_at = message.send_at + timedelta(minutes=delay)
    if refund_at <= now:
        message.refund_at = refund_at


def _with_twins(rng: random.Random, day_messages: list[SimMessage], now: datetime) -> list[SimMessage]:
    """The day's messages with identical copies (same phones, text and minute) of a few of them.

    The first pair of a day, and a quarter of the rest, end with opposite final statuses.
    """
    twins: dict[int, list[SimMessage]] = {}
    for pair in range(max(3, len(day_messages) // 100)):
        position = int(rng.random() * len(day_messages))
        if pair == 0:
            # Prefer a settled message for the pair that must disagree.
            for _ in range(20):
                if day_messages[position].status in (DELIVERED, FAILED):
                    break
                position = int(rng.random() * len(day_messages))
        original = day_messages[position]
        twin = replace(original)
        if original.status in (DELIVERED, FAILED) and (pair == 0 or rng.random() < 0.25):
            twin.status = FAILED if original.status == DELIVERED else DELIVERED
            _refund(rng.random, twin, now)
        twins.setdefault(position, []).append(twin)
    merged: list[SimMessage] = []
    for position, message in enumerate(day_messages):
        merged.append(message)
        merged += twins.get(position, ())
    return merged

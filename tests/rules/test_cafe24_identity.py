"""Cafe24 identity and late changes, over loopback: which listed record is which stored message.

The rules (docs/data-dictionary.md, cafe24_messages): the key is every field that describes the message
(recipient digits included) plus an ordinal among identical records; re-reads never add rows and never
swap outcomes; a refund, once seen, is kept; a final status never goes back.
"""

from datetime import datetime

import pytest

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from tests.conftest import ACCOUNT, DAY, sms
from tests.rules.support import EVENING, HOUR, SETTLE_HOURS, query

REFUNDED = datetime(2026, 10, 3, 12, 0)


def read_day(client, warehouse):
    return ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)


def outcome_by_recipient(warehouse) -> dict[str, tuple]:
    build_delivery_outcomes(warehouse, EVENING, SETTLE_HOURS)
    rows = query(warehouse, "SELECT recipient, status, refunded_at FROM delivery_outcomes ORDER BY 1")
    return {recipient: (status, refunded_at) for recipient, status, refunded_at in rows}


# The simulator lists the later-loaded of two same-minute messages first: one of these two cases is the
# one where the delivered record is not the first listed.
@pytest.mark.parametrize("delivered_to", ["010-1111-1111", "010-2222-2222"])
def test_same_minute_and_text_to_different_recipients_keep_their_own_outcomes(
    simulator, client, warehouse, delivered_to
):
    """Two pending messages differ by their recipient only. When one of them is delivered, the delivery
    lands on its own recipient, never on the other one's row."""
    pending = {to: sms(minute=7, to=to, status=1) for to in ("010-1111-1111", "010-2222-2222")}
    simulator.load(ACCOUNT, pending.values())
    read_day(client, warehouse)
    pending[delivered_to].status = 3
    second = read_day(client, warehouse)

    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (0, 1, 1)
    assert outcome_by_recipient(warehouse) == {
        "+821011111111": ("delivered" if delivered_to == "010-1111-1111" else "pending", None),
        "+821022222222": ("delivered" if delivered_to == "010-2222-2222" else "pending", None),
    }
    assert query(
        warehouse, "SELECT ordinal, count(DISTINCT identity_key) FROM cafe24_messages GROUP BY 1"
    ) == [(0, 2)]  # two identities, each the first (ordinal 0) of its kind


def test_an_identical_twin_first_listed_in_a_later_read_is_a_new_message_with_the_next_ordinal(
    simulator, client, warehouse
):
    """A second identical message (same minute, number and text) shows up only on a later read: it is
    one new row with ordinal 1 beside the stored ordinal 0, and the read does not fail."""
    simulator.load(ACCOUNT, [sms(minute=5)])
    first = read_day(client, warehouse)
    simulator.load(ACCOUNT, [sms(minute=5)])
    second = read_day(client, warehouse)

    assert (first.rows_new, second.rows_read, second.rows_new, second.rows_unchanged) == (1, 2, 1, 1)
    rows = query(warehouse, "SELECT message_key, identity_key, ordinal FROM cafe24_messages ORDER BY ordinal")
    assert [ordinal for _, _, ordinal in rows] == [0, 1]
    assert rows[0][1] == rows[1][1]
    assert [key for key, _, _ in rows] == [f"c24-{rows[0][1][:20]}-0", f"c24-{rows[0][1][:20]}-1"]
    third = read_day(client, warehouse)
    assert (third.rows_new, third.rows_unchanged) == (0, 2)  # and from then on, re-reads add nothing
    build_delivery_outcomes(warehouse, EVENING, SETTLE_HOURS)
    assert (
        query(warehouse, "SELECT recipient, status FROM delivery_outcomes")
        == [("+821012345678", "delivered")] * 2
    )


def test_a_phone_number_reformatted_on_a_reread_is_the_same_message(simulator, client, warehouse):
    """Numbers count by their digits: 010-1234-5678 listed again as 01012345678 is no new message."""
    simulator.load(ACCOUNT, [sms(minute=3, status=1)])
    read_day(client, warehouse)
    key_before = query(warehouse, "SELECT message_key FROM cafe24_messages")
    simulator.phone_format = "bare"
    again = read_day(client, warehouse)

    assert (again.rows_read, again.rows_new, again.rows_updated, again.rows_unchanged) == (1, 0, 0, 1)
    assert query(warehouse, "SELECT message_key FROM cafe24_messages") == key_before
    assert query(warehouse, "SELECT receive_phone, recipient, sender FROM cafe24_messages") == [
        ("010-1234-5678", "01012345678", "021234567")
    ]


def test_a_refund_missing_from_a_reread_is_kept(simulator, client, warehouse):
    """A failed message was listed refunded; a later listing shows it without its refundDate. The refund
    stays, as received and as a time, and the re-read changes nothing."""
    failed = sms(minute=9, status=9, refund_at=REFUNDED)
    simulator.load(ACCOUNT, [failed])
    read_day(client, warehouse)
    failed.refund_at = None
    again = read_day(client, warehouse)

    assert (again.rows_new, again.rows_updated, again.rows_unchanged) == (0, 0, 1)
    assert query(warehouse, "SELECT send_status, refund_date, refunded_at FROM cafe24_messages") == [
        (9, "202610031200", datetime(2026, 10, 3, 12, 0, tzinfo=KST))
    ]
    assert query(warehouse, "SELECT count(*) FROM cafe24_status_history") == [(0,)]
    assert outcome_by_recipient(warehouse) == {
        "+821012345678": ("undelivered", datetime(2026, 10, 3, 12, 0, tzinfo=KST))
    }


def test_a_final_status_never_goes_back(simulator, client, warehouse):
    """Delivered listed again as requested, failed listed again as delivered: both keep their first final
    status, each attempt is counted, and nothing is written to the history."""
    delivered, failed = (
        sms(minute=1, to="010-1111-1111", status=3),
        sms(minute=2, to="010-2222-2222", status=9),
    )
    simulator.load(ACCOUNT, [delivered, failed])
    read_day(client, warehouse)
    build_delivery_outcomes(warehouse, EVENING - HOUR, SETTLE_HOURS)  # both published final
    delivered.status, failed.status = 1, 3
    again = read_day(client, warehouse)

    assert (again.final_regressions_ignored, again.rows_updated, again.rows_unchanged) == (2, 0, 2)
    assert query(warehouse, "SELECT recipient, send_status, is_final FROM cafe24_messages ORDER BY 1") == [
        ("01011111111", 3, True),
        ("01022222222", 9, True),
    ]
    assert query(warehouse, "SELECT count(*) FROM cafe24_status_history") == [(0,)]
    assert outcome_by_recipient(warehouse) == {
        "+821011111111": ("delivered", None),
        "+821022222222": ("undelivered", None),
    }

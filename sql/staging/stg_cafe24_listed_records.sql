-- One window read's listed records, parsed (all text, as received) and each given its identity.
-- Inputs: the registered views cafe24_listed_records(rid, sendType, ..., refundDate) and
-- cafe24_listed_pages (for the time of the read); $account, $message_type.
-- A record without a usable sendDateTime or sendStatus, or with a date outside the plausible range, gets a
-- reject_reason and goes to the quarantine.
WITH read_time AS (
    -- When the window was read, as a KST wall-clock time (the latest page's arrival).
    SELECT timezone('Asia/Seoul', coalesce(max(fetched_at), now())) AS local_read_at FROM cafe24_listed_pages
),

parsed AS (
    SELECT
        cafe24_listed_records.*,
        try_strptime(trim(sendDateTime), '%Y%m%d%H%M') AS local_sent_at,
        try_strptime(nullif(trim(refundDate), ''), '%Y%m%d%H%M') AS local_refunded_at,
        try_cast(trim(sendStatus) AS INTEGER) AS status_number,
        regexp_replace(coalesce(sendPhone, ''), '[^0-9]', '', 'g') AS sender_digits,
        regexp_replace(coalesce(receivePhone, ''), '[^0-9]', '', 'g') AS recipient_digits,
        local_read_at
    FROM cafe24_listed_records, read_time
),

checked AS (
    -- A plausible date is from 2000-01-01 to 366 days after the read (reservations lie ahead). Dates at the
    -- calendar's edges (year 1, year 9999) cannot be converted to Python's datetime once stored. From 2000
    -- on, every KST wall-clock time exists and is unambiguous: Korea has had no daylight saving since 1988.
    SELECT
        *,
        CASE
            WHEN local_sent_at IS NULL THEN 'sendDateTime is missing or not YYYYMMDDHHII'
            WHEN local_sent_at < TIMESTAMP '2000-01-01' OR local_sent_at > local_read_at + INTERVAL 366 DAY
                THEN 'sendDateTime is before 2000-01-01 or more than 366 days after the read'
            WHEN status_number IS NULL THEN 'sendStatus is missing or not a number'
            WHEN local_refunded_at < TIMESTAMP '2000-01-01' OR local_refunded_at > local_read_at + INTERVAL 366 DAY
                THEN 'refundDate is before 2000-01-01 or more than 366 days after the read'
        END AS reject_reason
    FROM parsed
)

SELECT
    rid,
    $account AS account,
    $message_type AS message_type,
    nullif(trim(sendType), '') AS send_type,
    CASE upper(trim(sendType)) WHEN 'I' THEN 'immediate' WHEN 'R' THEN 'scheduled' END AS send_mode,
    sendPhone AS send_phone,
    receivePhone AS receive_phone,
    sender_digits AS sender,
    recipient_digits AS recipient,
    nullif(subject, '') AS subject,
    msg,
    trim(sendDateTime) AS send_date_time,
    timezone('Asia/Seoul', local_sent_at) AS sent_at,
    CAST(local_sent_at AS DATE) AS activity_date,
    nullif(trim(regDate), '') AS reg_date,
    status_number AS send_status,
    nullif(trim(refundDate), '') AS refund_date,
    timezone('Asia/Seoul', local_refunded_at) AS refunded_at,
    reject_reason,
    cafe24_identity_key(
        $account, $message_type, sendType, sender_digits, recipient_digits, sendDateTime, subject, msg
    ) AS identity_key,
    CASE WHEN reject_reason IS NOT NULL THEN to_json({
        sendType: sendType, sendPhone: sendPhone, receivePhone: receivePhone, subject: subject, msg: msg,
        sendDateTime: sendDateTime, regDate: regDate, sendStatus: sendStatus, refundDate: refundDate
    }) END AS record
FROM checked

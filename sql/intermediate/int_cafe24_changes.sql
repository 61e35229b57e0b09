-- What a read changes on each paired stored message. The rules: a final status (3, 9) is never replaced; a
-- refund, once seen, is never removed; regDate takes the latest value listed.
SELECT
    stored.message_key,
    stored.send_status AS old_status,
    stored.refund_date AS old_refund_date,
    CASE WHEN stored.is_final THEN stored.send_status ELSE listed.send_status END AS new_status,
    coalesce(listed.refund_date, stored.refund_date) AS new_refund_date,
    CASE
        WHEN listed.refund_date IS NOT NULL THEN listed.refunded_at ELSE stored.refunded_at
    END AS new_refunded_at,
    coalesce(listed.reg_date, stored.reg_date) AS new_reg_date,
    stored.reg_date AS old_reg_date,
    (stored.is_final AND listed.send_status IS DISTINCT FROM stored.send_status) AS regression_ignored,
    (new_status IS DISTINCT FROM old_status OR new_refund_date IS DISTINCT FROM old_refund_date) AS changed
FROM int_cafe24_matches AS matches
INNER JOIN stg_cafe24_listed_records AS listed USING (rid)
INNER JOIN cafe24_candidates AS stored USING (message_key)

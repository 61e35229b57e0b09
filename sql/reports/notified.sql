-- Whether the morning message for $day has been posted to $channel already.
SELECT count(*) > 0 AS notified FROM report_notifications
WHERE day = $day AND channel = $channel;

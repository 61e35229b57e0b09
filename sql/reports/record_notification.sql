-- The morning message for $day was posted to $channel at $posted_at.
INSERT INTO report_notifications (day, channel, posted_at) VALUES ($day, $channel, $posted_at);

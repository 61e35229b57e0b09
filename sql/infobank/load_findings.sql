-- What a load found worth reporting: quarantine reasons, unknown codes and unknown networks, with volumes.
SELECT 'quarantine' AS kind, reason AS name, count(*) AS lines
FROM infobank_quarantine
WHERE load_id = $load_id
GROUP BY reason
UNION ALL
SELECT 'unknown_codes', err_code, count(*)
FROM infobank_reports
WHERE load_id = $load_id AND NOT known_code
GROUP BY err_code
UNION ALL
SELECT 'unknown_networks', coalesce(network, '(none)'), count(*)
FROM infobank_reports
WHERE load_id = $load_id AND NOT known_network
GROUP BY network
ORDER BY kind ASC, lines DESC;

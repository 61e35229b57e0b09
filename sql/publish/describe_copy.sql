-- Comments that belong to the published copy only: the `published` table, and the masked phone numbers.

COMMENT ON VIEW analytics_next.published IS 'This copy: one row per published table, with when and from which builds it was published.';
COMMENT ON COLUMN analytics_next.published.version IS 'The version folder the copy reads (versions/<UTC time>-<suffix>).';
COMMENT ON COLUMN analytics_next.published.published_at IS 'When the copy was published.';
COMMENT ON COLUMN analytics_next.published.table_name IS 'A published table (a view over its Parquet files).';
COMMENT ON COLUMN analytics_next.published.row_count IS 'Rows of that table in this copy.';
COMMENT ON COLUMN analytics_next.published.outcomes_built_at IS 'The build of delivery_outcomes the copy holds (outcome_builds.built_at).';
COMMENT ON COLUMN analytics_next.published.reports_built_at IS 'The build of the report tables the copy holds (report_builds.built_at).';
COMMENT ON COLUMN analytics_next.published.cafe24_through IS 'Latest Cafe24 window read that build included: Cafe24 data is as fresh as this.';
COMMENT ON COLUMN analytics_next.published.infobank_through IS 'Latest Infobank load that build included: Infobank data is as fresh as this.';
COMMENT ON COLUMN analytics_next.published.publish_digest IS 'Digest of the warehouse schema, the export queries and the published columns: a publish whose digest differs writes every file again.';
COMMENT ON COLUMN analytics_next.published.months IS 'For a table published by month: its files (<table>/<YYYY-MM>.parquet), each month (its first day) with its rows; NULL for a table published whole (<table>.parquet).';

COMMENT ON COLUMN analytics_next.delivery_outcomes.sender IS 'Sender number, masked: its first three and last four characters (021-****-4567); NULL when unknown. The full number stays in the warehouse.';
COMMENT ON COLUMN analytics_next.delivery_outcomes.recipient IS 'Recipient number, masked: written the domestic way with only its first three and last four characters (010-****-5678). The full number stays in the warehouse.';

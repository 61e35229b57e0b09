-- Record that the schema and seed files with this digest are applied, so later opens can skip them.
CREATE OR REPLACE TABLE warehouse_schema AS SELECT CAST($digest AS VARCHAR) AS digest, now() AS applied_at;
COMMENT ON TABLE warehouse_schema IS 'Which version of sql/schema and sql/seeds this file carries.';
COMMENT ON COLUMN warehouse_schema.digest IS 'SHA-256 of every schema and seed file, in name order.';
COMMENT ON COLUMN warehouse_schema.applied_at IS 'When they were applied.';

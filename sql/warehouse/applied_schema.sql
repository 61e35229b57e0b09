-- The digest of the schema and seed files last applied to this warehouse file.
SELECT digest FROM warehouse_schema;

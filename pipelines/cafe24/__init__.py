"""Cafe24 SMS hosting: the sms_list.php client (no Dagster imports) and its ingestion into the warehouse."""

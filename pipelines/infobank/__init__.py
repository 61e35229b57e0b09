"""Infobank delivery reports: the stored report files and their ingestion (no Dagster imports)."""

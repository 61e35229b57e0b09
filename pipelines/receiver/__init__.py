"""The Infobank report receiver: the endpoint Infobank pushes delivery reports to, which stores each one
durably in INFOBANK_REPORTS_DIR before it answers (docs/infobank-receiver.md).

settings.py reads the environment; access.py decides who gets in; day_files.py appends and syncs the
lines; answer.py writes the `<report_response>`; app.py is the Starlette endpoint; server.py serves it with
Uvicorn (`serve_forever`, and `running_receiver` in a thread); command.py is `python -m pipelines receive`.
No Dagster here: the ingestion reads what this writes. Nothing is imported here, so reading the settings
does not load the web stack.
"""

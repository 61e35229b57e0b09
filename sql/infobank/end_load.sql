-- End a load: its tally of what each copy's lines became is written (writes/infobank_file_loads).
DROP TABLE infobank_load_spans;

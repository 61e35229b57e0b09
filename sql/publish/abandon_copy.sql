-- Close the new analytics file after a failed publish, if it is open; publish.py then deletes it.
DETACH DATABASE IF EXISTS analytics_next;

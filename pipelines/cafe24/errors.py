"""Typed errors of the sms_list client. Messages name the cause and never contain the secure key."""

# At most this many characters of one piece of vendor text go into an error message.
SHOWN_CHARACTERS = 60


def printable(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """Vendor text made safe to put in an error message: characters that are not printable (terminal
    escape codes, bidi overrides, line breaks) are written as Python escapes (`\\x1b`, `\\u202e`), and
    text longer than `limit` characters is cut, saying how long it was."""
    shown = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text[:limit]
    )
    if len(text) > limit:
        shown += f"... ({len(text):,} characters)"
    return shown


class Cafe24Error(Exception):
    """Any failure talking to Cafe24's sms_list."""


class Cafe24AuthError(Cafe24Error):
    """Cafe24 answered -102: the user id or the secure key is wrong."""


class Cafe24ParameterError(Cafe24Error):
    """Cafe24 answered -101: a required parameter is missing or out of range."""


class Cafe24TransientError(Cafe24Error):
    """A fault worth retrying: timeout, connection error, 5xx, -100/0099, or a body that is no XML answer."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Cafe24UnavailableError(Cafe24Error):
    """Transient faults went on past the retry budget: the run must fail loudly."""


class Cafe24WindowUnstableError(Cafe24Error):
    """A window's row count kept changing while it was paged, past the re-read budget."""

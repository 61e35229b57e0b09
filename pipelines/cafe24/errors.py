"""Typed errors of the sms_list client. Messages name the cause and never contain the secure key."""


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

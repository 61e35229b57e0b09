"""The receiver's settings, read from the environment the way pipelines/settings.py reads the pipeline's.

Every name, with its default, is in RECEIVER_SETTINGS_HELP (the README's configuration table says the same).
An address list is written as comma-separated addresses or CIDR ranges, IPv4 or IPv6:
`211.233.70.235, 10.0.0.0/8, ::1`.
"""

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import ConfigError, int_setting

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Infobank's report servers, as its HTTP API document lists them ("결과 송신 서버 IP 정보"), and loopback
# for the demo, the tests and a reverse proxy on the same host.
INFOBANK_REPORT_SERVERS = ("211.233.70.235", "211.233.70.236")
DEFAULT_ALLOW = (*INFOBANK_REPORT_SERVERS, "127.0.0.1", "::1")
DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080
DEFAULT_PATH = "/infobank/report"

RECEIVER_SETTINGS_HELP = {
    "INFOBANK_REPORTS_DIR": "where the receiver appends the reports it acknowledges (required)",
    "INFOBANK_RECEIVER_HOST": f"the address to listen on (default {DEFAULT_HOST})",
    "INFOBANK_RECEIVER_PORT": f"the port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    "INFOBANK_RECEIVER_PATH": f"the report endpoint's path (default {DEFAULT_PATH})",
    "INFOBANK_RECEIVER_ALLOW": "who may push reports: addresses or CIDR ranges (default: Infobank's "
    f"report servers {' and '.join(INFOBANK_REPORT_SERVERS)}, and loopback)",
    "INFOBANK_RECEIVER_TRUSTED_PROXIES": "reverse proxies whose X-Forwarded-For is believed (default none)",
    "INFOBANK_RECEIVER_TLS_CERT": "optional: a PEM certificate (chain) to serve HTTPS itself",
    "INFOBANK_RECEIVER_TLS_KEY": "optional: the certificate's private key (set both or neither)",
}


@dataclass(frozen=True)
class ReceiverSettings:
    """Where the receiver listens, whom it lets in and where it writes."""

    reports_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    path: str = DEFAULT_PATH
    allow: tuple[IPNetwork, ...] = ()
    trusted_proxies: tuple[IPNetwork, ...] = ()
    tls_cert: Path | None = None
    tls_key: Path | None = None

    def url(self, port: int | None = None) -> str:
        """The endpoint's address as the listening line prints it; `port` is the port actually bound."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.tls_cert else "http"
        return f"{scheme}://{host}:{self.port if port is None else port}{self.path}"


def parse_networks(name: str, text: str) -> tuple[IPNetwork, ...]:
    """Comma-separated addresses or CIDR ranges; a single address is a range of one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is neither an IP address nor a CIDR range") from None
    return tuple(networks)


def _path(raw: str) -> str:
    path = raw or DEFAULT_PATH
    if not path.startswith("/") or any(c in path for c in "?# \t") or "//" in path:
        raise ConfigError(f"INFOBANK_RECEIVER_PATH must be a plain path starting with '/', got {raw!r}")
    return path


def load_receiver_settings(env: dict[str, str] | None = None) -> ReceiverSettings:
    """Read the receiver's settings from `env` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    reports_dir = env.get("INFOBANK_REPORTS_DIR", "").strip()
    if not reports_dir:
        raise ConfigError("INFOBANK_REPORTS_DIR is not set: the receiver needs a folder to write reports to")
    allow_text = env.get("INFOBANK_RECEIVER_ALLOW", "").strip()
    allow = parse_networks("INFOBANK_RECEIVER_ALLOW", allow_text or ",".join(DEFAULT_ALLOW))
    if not allow:
        raise ConfigError("INFOBANK_RECEIVER_ALLOW lets nobody in: name at least one address")
    tls_cert = env.get("INFOBANK_RECEIVER_TLS_CERT", "").strip()
    tls_key = env.get("INFOBANK_RECEIVER_TLS_KEY", "").strip()
    if bool(tls_cert) != bool(tls_key):
        raise ConfigError("set both INFOBANK_RECEIVER_TLS_CERT and INFOBANK_RECEIVER_TLS_KEY, or neither")
    for name, value in (("INFOBANK_RECEIVER_TLS_CERT", tls_cert), ("INFOBANK_RECEIVER_TLS_KEY", tls_key)):
        if value and not Path(value).is_file():
            raise ConfigError(f"{name}: no file at {value}")
    return ReceiverSettings(
        reports_dir=Path(reports_dir),
        host=env.get("INFOBANK_RECEIVER_HOST", "").strip() or DEFAULT_HOST,
        port=int_setting(env, "INFOBANK_RECEIVER_PORT", DEFAULT_PORT, 0, 65535),
        path=_path(env.get("INFOBANK_RECEIVER_PATH", "").strip()),
        allow=allow,
        trusted_proxies=parse_networks(
            "INFOBANK_RECEIVER_TRUSTED_PROXIES", env.get("INFOBANK_RECEIVER_TRUSTED_PROXIES", "")
        ),
        tls_cert=Path(tls_cert) if tls_cert else None,
        tls_key=Path(tls_key) if tls_key else None,
    )

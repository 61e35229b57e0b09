"""The sms_list client honours the environment's proxy settings, read once when it is made."""

import urllib3

from pipelines.cafe24.client import ClientConfig, SmsListClient

URL = "https://sslsms.cafe24.com/sms_list.php"


def pool(monkeypatch, **env: str) -> urllib3.PoolManager:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with SmsListClient(ClientConfig(url=URL, user_id="shop", secure="x")) as client:
        return client._http


def test_without_a_proxy_the_client_connects_directly(monkeypatch):
    assert type(pool(monkeypatch)) is urllib3.PoolManager


def test_https_proxy_is_used_unless_no_proxy_names_the_host(monkeypatch):
    proxied = pool(monkeypatch, HTTPS_PROXY="http://proxy.internal:3128")
    assert isinstance(proxied, urllib3.ProxyManager) and proxied.proxy.host == "proxy.internal"
    direct = pool(monkeypatch, HTTPS_PROXY="http://proxy.internal:3128", NO_PROXY="cafe24.com")
    assert type(direct) is urllib3.PoolManager

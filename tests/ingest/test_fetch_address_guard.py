"""The address check where the connection is made: DNS rebinding, mixed answers, TLS by host name.

A fake resolver stands in for DNS (host names under .example), so that one name can answer with a
public address to the early check and with loopback a moment later, as a rebinding server does.
The server is a real one on loopback.
"""

from __future__ import annotations

import datetime
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer

from pipeline.config import from_mapping
from pipeline.errors import LoadError
from pipeline.ingest.address_guard import AddressPolicy, AddressRefused
from pipeline.ingest.fetch import Fetcher, check_address, clear_fetchers

PAGE = "<html><body><article><h1>Colds</h1><p>A cold is a mild infection of the nose.</p></article></body></html>"
PUBLIC = "93.184.215.14"  # a global address; nothing is ever sent to it here
_real_getaddrinfo = socket.getaddrinfo


def _answer(address: str, port: Any) -> tuple[Any, ...]:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return (family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], list[str]]]]:
    """Names under .example answer from this table; every other name from the real resolver."""
    table: dict[str, Callable[[], list[str]]] = {}

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if isinstance(host, str) and host in table:
            return [_answer(a, port) for a in table[host]()]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    clear_fetchers()
    yield table
    clear_fetchers()


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def fetcher(**fetch: Any) -> Fetcher:
    base: dict[str, Any] = {"respect_robots": False, "retries": 0, "backoff": 0.0, "timeout": 2.0}
    return Fetcher(from_mapping({"grammar": {"enabled": False}, "fetch": {**base, **fetch}}).fetch)


def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused(
    dns: dict[str, Callable[[], list[str]]], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    answers = iter([[PUBLIC]])
    dns["rebind.example"] = lambda: next(answers, ["127.0.0.1"])  # public once, then loopback
    url = f"http://rebind.example:{httpserver.port}/colds"
    with pytest.raises(
        AddressRefused, match=r"rebind\.example.*private, loopback or link-local.*127\.0\.0\.1"
    ):
        fetcher(allow_private=False).fetch(url)
    assert httpserver.log == []  # nothing reached the server on loopback


def test_one_private_answer_among_public_ones_refuses_the_name(
    dns: dict[str, Callable[[], list[str]]],
) -> None:
    dns["mixed.example"] = lambda: [PUBLIC, "10.0.0.7"]
    with pytest.raises(LoadError, match=r"10\.0\.0\.7"):
        check_address("http://mixed.example/a", allow_private=False)
    with pytest.raises(AddressRefused):
        AddressPolicy().approved("mixed.example", 80)


def test_an_allowed_network_is_reached_at_the_address_that_was_checked(
    dns: dict[str, Callable[[], list[str]]], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    dns["intranet.example"] = lambda: ["127.0.0.1"]
    page = fetcher(allow_private=False, allow_hosts=["127.0.0.0/8"]).fetch(
        f"http://intranet.example:{httpserver.port}/colds"
    )
    assert page.status == 200 and b"mild infection" in page.content
    request, _ = httpserver.log[0]
    assert request.headers["Host"] == f"intranet.example:{httpserver.port}"  # the name, not the address


def test_the_connection_goes_to_the_address_that_was_approved_not_to_a_new_answer(
    dns: dict[str, Callable[[], list[str]]], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    answers = iter([["127.0.0.1"], ["127.0.0.1"]])  # the early check, then the connection's own check
    dns["steady.example"] = lambda: next(answers, ["127.0.0.2"])  # a third lookup finds nothing listening
    page = fetcher(allow_private=False, allow_hosts=["127.0.0.0/8"]).fetch(
        f"http://steady.example:{httpserver.port}/colds"
    )
    assert page.status == 200


@pytest.mark.parametrize(
    ("answer", "reached"),
    [
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("2002:a00:1::", "10.0.0.1"),
        ("::ffff:0:a00:1", "10.0.0.1"),
        ("::a00:1", "10.0.0.1"),
        ("64:ff9b:1::a00:1", "0.0.0.0"),
        ("::ffff:169.254.169.254", "169.254.169.254"),
    ],
)
def test_ipv6_forms_that_lead_to_a_private_ipv4_address_are_refused(
    dns: dict[str, Callable[[], list[str]]], answer: str, reached: str
) -> None:
    dns["six.example"] = lambda: [answer]
    with pytest.raises(AddressRefused, match=re.escape(f"({reached})")):
        check_address("http://six.example/", allow_private=False)


def test_nat64_of_a_public_address_is_allowed(dns: dict[str, Callable[[], list[str]]]) -> None:
    dns["nat64.example"] = lambda: ["64:ff9b::5db8:d70e"]  # 93.184.215.14
    check_address("http://nat64.example/", allow_private=False)


def test_allowed_host_names_are_compared_as_connections_see_them() -> None:
    policy = AddressPolicy(allow_hosts=("Bücher.Example.", "[::1]"))
    assert policy.trusts("xn--bcher-kva.example") and policy.trusts("bücher.example")
    assert policy.trusts("::1") and policy.trusts("[::1]")
    assert not policy.trusts("example") and not policy.trusts("xn--bcher-kva.example.org")


def test_an_unreachable_first_address_falls_back_to_the_next(
    dns: dict[str, Callable[[], list[str]]], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    dns["two.example"] = lambda: ["127.0.0.2", "127.0.0.1"]  # nothing listens on 127.0.0.2
    page = fetcher(allow_private=False, allow_hosts=["127.0.0.0/8"]).fetch(
        f"http://two.example:{httpserver.port}/colds"
    )
    assert page.status == 200


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:
    cert_file, key_file = _certificate(tmp_path, "secure.example")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # the fetcher trusts this certificate only
    server = HTTPServer(host="127.0.0.1", ssl_context=context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_tls_is_verified_against_the_host_name_not_the_address(
    dns: dict[str, Callable[[], list[str]]], tls_server: HTTPServer
) -> None:
    tls_server.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    dns["secure.example"] = lambda: ["127.0.0.1"]
    dns["other.example"] = lambda: ["127.0.0.1"]
    guarded = fetcher(allow_private=False, allow_hosts=["127.0.0.0/8"])
    assert guarded.fetch(f"https://secure.example:{tls_server.port}/colds").status == 200
    with pytest.raises(LoadError, match="could not connect"):  # same address, a name the certificate lacks
        guarded.fetch(f"https://other.example:{tls_server.port}/colds")


def test_a_proxy_from_the_environment_still_carries_the_requests(
    dns: dict[str, Callable[[], list[str]]], httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Behind a proxy, the proxy connects; the early check on the name still runs.
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{httpserver.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    dns["public.example"] = lambda: [PUBLIC]
    page = fetcher(allow_private=False).fetch("http://public.example/colds")
    assert page.status == 200
    request, _ = httpserver.log[0]
    assert request.headers["Host"] == "public.example"
    dns["inside.example"] = lambda: ["10.0.0.8"]
    with pytest.raises(AddressRefused):
        fetcher(allow_private=False).fetch("http://inside.example/colds")


@pytest.mark.parametrize(
    ("proxy_env", "url"),
    [
        ({"HTTP_PROXY": "http://127.0.0.1:9"}, "https://rebind.example/colds"),  # https is not proxied
        ({"HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "rebind.example"}, "http://rebind.example/colds"),
        ({"ALL_PROXY": "http://127.0.0.1:9", "NO_PROXY": "*"}, "http://rebind.example/colds"),
    ],
)
def test_requests_a_proxy_does_not_carry_are_guarded(
    dns: dict[str, Callable[[], list[str]]],
    monkeypatch: pytest.MonkeyPatch,
    proxy_env: dict[str, str],
    url: str,
) -> None:
    for name, value in proxy_env.items():
        monkeypatch.setenv(name, value)
    answers = iter([[PUBLIC]])
    dns["rebind.example"] = lambda: next(answers, ["127.0.0.1"])
    with pytest.raises(AddressRefused, match="resolves to a private"):
        fetcher(allow_private=False).fetch(url)


def test_a_host_name_that_does_not_resolve_in_time_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host == "slow.example":
            time.sleep(3)
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    with pytest.raises(LoadError, match=r"slow\.example.*did not resolve within 0\.5 s"):
        fetcher(allow_private=False, timeout=0.5).fetch("http://slow.example/colds")
    assert time.monotonic() - started < 2.5

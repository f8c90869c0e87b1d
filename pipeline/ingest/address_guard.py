"""Which network addresses an audit may fetch from, checked where the connection is made.

Checking a host name before the request is not enough: DNS may answer differently a moment later
(DNS rebinding), so the address a check approved need not be the one connected to. The fetcher's
connections therefore resolve the name once, refuse the whole name if any answer is private,
loopback or link-local, and connect only to an address they approved.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import typing
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx
import idna

# httpx's reading of HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, which it skips once a client
# is given its own transport; tests/ingest/test_fetch_address_guard.py pins how it behaves.
from httpx._utils import get_environment_proxies

from pipeline.errors import LoadError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(LoadError):
    """A host that resolves to an address the configuration does not open."""


class HostNotFound(LoadError):
    """A host name that DNS does not know."""


@dataclass(frozen=True)
class AddressPolicy:
    """`allow_hosts` names hosts, or IP networks such as 10.20.0.0/16, that may be private anyway:
    an intranet site, without opening every internal address."""

    allow_private: bool = False
    allow_hosts: tuple[str, ...] = ()
    names: frozenset[str] = field(init=False)
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(init=False)

    def __post_init__(self) -> None:
        networks = []
        for entry in self.allow_hosts:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue
        object.__setattr__(self, "names", frozenset(host_key(h) for h in self.allow_hosts))
        object.__setattr__(self, "networks", tuple(networks))

    def trusts(self, host: str) -> bool:
        """No address check at all: private addresses allowed, or the host named in allow_hosts."""
        return self.allow_private or host_key(host) in self.names

    def approved(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """The addresses `host` resolves to, in resolver order, once every one of them is allowed."""
        infos = resolve(host.strip("[]"), port, timeout)
        addresses: list[str] = []
        for info in infos:
            address = str(info[4][0])
            # One private answer refuses the name: a rebinding server mixes them with public ones.
            for ip in _reached(address):
                if not ip.is_global and not any(ip in net for net in self.networks):
                    verb = "is" if host.strip("[]") == address else "resolves to"
                    raise AddressRefused(
                        f"refused, because {host} {verb} a private, loopback or link-local address ({ip}). "
                        "An audit server must not be turned against its own network; to audit a site on "
                        "your own network, name it in fetch.allow_hosts (or set fetch.allow_private = true)."
                    )
            if address not in addresses:
                addresses.append(address)
        return addresses


def resolve(host: str, port: int, timeout: float | None) -> list[Any]:
    """getaddrinfo within `timeout` seconds. The system resolver has no time limit of its own, so the
    lookup runs on a daemon thread that is left to finish on its own when the fetch stops waiting."""
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as err:  # handed to the caller below
            answer.append(err)

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not answer:
        raise HostNotFound(f"the host name '{host}' did not resolve within {timeout:g} s.")
    if isinstance(answer[0], (socket.gaierror, UnicodeError)):
        raise HostNotFound(f"the host name '{host}' could not be found.")
    if isinstance(answer[0], Exception):
        raise answer[0]
    return list(answer[0])


def host_key(host: str) -> str:
    """A host name as a connection sees it: lower case, IDNA-encoded, no brackets or final dot."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return idna.encode(host).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return host  # an address, or a name no connection could use anyway


# IPv6 forms that carry an IPv4 address a gateway will reach: NAT64 (RFC 6052) and the
# IPv4-compatible and IPv4-translated forms. Each is checked as the IPv4 address it holds too.
_EMBEDS_V4 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96"))
# Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the network's prefix length.
_OPAQUE_V4 = ipaddress.ip_network("64:ff9b:1::/48")


def _reached(address: str) -> list[IPAddress]:
    """The address, and the IPv4 address it leads to when it is one of the IPv6 forms that embed one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not isinstance(ip, ipaddress.IPv6Address):
        return [ip]
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in _OPAQUE_V4:
        return [ip, ipaddress.IPv4Address("0.0.0.0")]  # cannot tell where it leads: not global
    reached: list[IPAddress] = [ip]
    if ip.sixtofour is not None:
        reached.append(ip.sixtofour)
    if any(ip in net for net in _EMBEDS_V4):
        reached.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return reached


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy approved just now.

    TLS still checks the certificate against the host name: httpcore passes the URL's host as the
    server name, whatever address the socket was opened to.
    """

    def __init__(self, policy: AddressPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        if self.policy.trusts(host):
            return self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = self.policy.approved(host, port, timeout)
        except HostNotFound as err:
            raise httpcore.ConnectError(str(err)) from None  # as a failed connection: worth a retry
        failure: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                failure = err  # the next address, as socket.create_connection would
        raise failure or httpcore.ConnectError(f"the host name '{host}' has no address.")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return self.inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool that uses GuardedBackend.

    httpx has no public setting for the network backend, so the pool it built is replaced by one
    like it; test_a_name_that_rebinds_to_loopback_after_the_check_is_refused fails if a new httpx
    stops using it.
    """

    def __init__(self, policy: AddressPolicy) -> None:
        context = httpx.create_ssl_context()
        super().__init__(verify=context)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


def guarded_client_transports(
    policy: AddressPolicy,
) -> tuple[httpx.BaseTransport | None, dict[str, httpx.BaseTransport | None]]:
    """The transport and mounts for an httpx client whose direct connections are all guarded.

    Requests that go through a proxy from the environment are connected by the proxy; everything
    else, NO_PROXY hosts included, goes through GuardedTransport.
    """
    if policy.allow_private:
        return None, {}  # nothing to refuse: httpx's defaults, environment proxies included
    mounts: dict[str, httpx.BaseTransport | None] = {
        pattern: None if proxy is None else httpx.HTTPTransport(proxy=proxy)
        for pattern, proxy in get_environment_proxies().items()
    }
    return GuardedTransport(policy), mounts  # a mount of None uses the client's own transport

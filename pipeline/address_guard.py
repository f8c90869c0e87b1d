"""Which network addresses an audit may fetch from, checked where the connection is made.

Checking a host name before the request is not enough: DNS may answer differently a moment later
(DNS rebinding), so the address a check approved need not be the one connected to. The fetcher's
connections therefore resolve the name once, refuse the whole name if any answer is private,
loopback or link-local, and connect only to an address they approved.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import typing
from dataclasses import dataclass, field

import httpcore
import httpx

from .load import LoadError

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
        object.__setattr__(self, "names", frozenset(h.lower() for h in self.allow_hosts))
        object.__setattr__(self, "networks", tuple(networks))

    def trusts(self, host: str) -> bool:
        """No address check at all: private addresses allowed, or the host named in allow_hosts."""
        return self.allow_private or host.lower().strip("[]") in self.names

    def approved(self, host: str, port: int) -> list[str]:
        """The addresses `host` resolves to, in resolver order, once every one of them is allowed."""
        try:
            infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise HostNotFound(f"the host name '{host}' could not be found.") from None
        addresses: list[str] = []
        for info in infos:
            address = str(info[4][0])
            ip = _plain(address)
            # One private answer refuses the name: a rebinding server mixes them with public ones.
            if not ip.is_global and not any(ip in net for net in self.networks):
                raise AddressRefused(
                    f"refused, because {host} is a private, loopback or link-local address ({ip}). "
                    "An audit server must not be turned against its own network; to audit a site on "
                    "your own network, name it in fetch.allow_hosts (or set fetch.allow_private = true)."
                )
            if address not in addresses:
                addresses.append(address)
        return addresses


def _plain(address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped if mapped is not None else ip


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
            addresses = self.policy.approved(host, port)
        except HostNotFound as err:
            raise httpcore.ConnectError(str(err)) from None  # as a failed connection: worth a retry
        failure: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                failure = err  # the next address, as socket.create_connection would
        assert failure is not None  # getaddrinfo answers with at least one address or raises
        raise failure

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

    httpx has no public setting for the network backend, so the pool it built is replaced by an
    equivalent one; tests/test_fetch.py fails if a new httpx stops using it.
    """

    def __init__(self, policy: AddressPolicy, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__()
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )

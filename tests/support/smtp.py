"""A real SMTP server for tests: aiosmtpd on a free localhost port, in a thread.

It keeps every message it accepts and can misbehave on demand: refuse the next N messages with
a transient reply (421/451), refuse some recipients for good (550), or answer slowly.
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    peer: tuple[str, int]


@dataclass
class RecordingHandler:
    """aiosmtpd handler: records what it accepts; its switches may be flipped from the test."""

    refuse_next: int = 0
    refuse_reply: str = "451 4.3.0 Temporary local problem, try again later"
    reject_recipients: set[str] = field(default_factory=set)
    delay_seconds: float = 0.0
    messages: list[ReceivedMessage] = field(default_factory=list)
    refused: int = 0
    peers: set[tuple[str, int]] = field(default_factory=set)
    # Every RCPT TO the server was asked, refused ones included.
    rcpt_attempts: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self.rcpt_attempts[address.lower()] += 1
        if address.lower() in self.reject_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.peers.add(session.peer)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        with self._lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return self.refuse_reply
            self.messages.append(
                ReceivedMessage(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=email.message_from_bytes(envelope.content, policy=email.policy.default),
                    peer=session.peer,
                )
            )
        return "250 2.0.0 Message accepted for delivery"

    def recipients(self) -> list[str]:
        """Every accepted envelope recipient, one entry per message (duplicates show)."""
        with self._lock:
            return [rcpt for received in self.messages for rcpt in received.rcpt_tos]

    def connections(self) -> int:
        """How many SMTP connections carried at least one message."""
        with self._lock:
            return len(self.peers)


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: RecordingHandler


@contextmanager
def running_smtp_server() -> Iterator[SMTPServer]:
    """Start aiosmtpd on 127.0.0.1 and a free port; stop it on the way out."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield SMTPServer(host="127.0.0.1", port=port, handler=handler)
    finally:
        controller.stop()

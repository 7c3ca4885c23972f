"""A local SMTP server that keeps what it is sent: for the monitors' e-mail action (no network).

It speaks just enough ESMTP for Twisted's client (as Scrapy's MailSender drives it): EHLO, AUTH
PLAIN/LOGIN (any credentials), MAIL, RCPT, DATA, QUIT.
"""

from __future__ import annotations

import socketserver
import threading
from typing import Any


class SMTPSink:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.envelopes: list[list[str]] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                def say(line: str) -> None:
                    self.wfile.write(f"{line}\r\n".encode())

                say("220 sink ESMTP")
                data: list[str] | None = None
                envelope: list[str] = []
                challenges = 0
                for raw in self.rfile:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if data is not None:
                        if line == ".":
                            sink.messages.append("\n".join(data))
                            sink.envelopes.append(envelope)
                            data, envelope = None, []
                            say("250 queued")
                        else:
                            data.append(line[1:] if line.startswith("..") else line)
                        continue
                    if challenges:
                        challenges -= 1
                        say("334 " if challenges else "235 accepted")
                        continue
                    words = line.split()
                    verb = words[0].upper() if words else ""
                    if verb == "EHLO":
                        say("250-sink")
                        say("250-AUTH PLAIN LOGIN")
                        say("250 8BITMIME")
                    elif verb == "AUTH":
                        plain = len(words) > 1 and words[1].upper() == "PLAIN"
                        if plain and len(words) > 2:
                            say("235 accepted")
                        else:
                            challenges = 1 if plain else 2
                            say("334 ")
                    elif verb in ("MAIL", "RCPT"):
                        envelope.append(line)
                        say("250 ok")
                    elif verb == "DATA":
                        data = []
                        say("354 end with .")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("250 ok")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

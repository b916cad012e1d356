#!/usr/bin/python3
"""tests/sinks.py — the servers the notices' tests send to.

  sinks.py smtp DIR            a real SMTP server (aiosmtpd, Debian's python3-aiosmtpd);
                               a recipient whose address starts with "refuse" is refused (550)
  sinks.py http DIR [FAIL]     an HTTP sink for an SMS gateway; the first FAIL requests answer 503

Each listens on 127.0.0.1 on a port the kernel chooses, prints "PORT n" once it
listens, and writes each message it accepts to DIR/N.txt (N = 1, 2, …).
"""
import asyncio
import http.server
import itertools
import os
import sys

kind, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
seq = itertools.count(1)


def keep(text):
    path = os.path.join(out, "%d.txt" % next(seq))
    with open(path + ".part", "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(path + ".part", path)  # whole files only


if kind == "smtp":
    from aiosmtpd.smtp import SMTP

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("refuse"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            keep("MAIL FROM: %s\nRCPT TO: %s\n%s" % (envelope.mail_from, ",".join(envelope.rcpt_tos),
                                                   envelope.content.decode("utf-8", "replace")))
            return "250 Message accepted"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", 0))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()
else:
    fail = [int(sys.argv[3]) if len(sys.argv) > 3 else 0]

    class Sink(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(n, 1 << 20)).decode("utf-8", "replace")
            if fail[0] > 0:
                fail[0] -= 1
                self.send_response(503)
                self.end_headers()
                return
            keep("PATH: %s\nAuthorization: %s\nContent-Type: %s\n\n%s" % (
                self.path, self.headers.get("Authorization", ""), self.headers.get("Content-Type", ""), body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status":"queued"}')

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()

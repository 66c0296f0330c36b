#!/usr/bin/env python3
"""A throwaway SMTP server for the notification tests (aiosmtpd).

Listens on 127.0.0.1:<port> and writes every message it accepts to <dir> as
<n>.eml (the raw data, dot-stuffing undone) and <n>.json (envelope: sender,
recipients, whether the session was encrypted and authenticated). Options turn
on STARTTLS (with the given certificate and key) and AUTH (PLAIN and LOGIN, or
one of them, only over TLS, one user). Prints "ready <port>" once listening; stops on
SIGTERM or when its standard input closes.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml", "wb") as handle:
            handle.write(envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        with open(base + ".json.tmp", "w") as handle:
            json.dump(meta, handle)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--only-mechanism", help="offer this AUTH mechanism alone (PLAIN or LOGIN)")
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and args.user is not None:
            if auth_data.login.decode() == args.user and auth_data.password.decode() == args.password:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    kwargs = dict(hostname="127.0.0.1", port=args.port, decode_data=False)
    if context is not None:
        kwargs.update(tls_context=context, require_starttls=False)
    if args.user is not None:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        if args.only_mechanism:
            kwargs.update(auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m != args.only_mechanism.upper()])
    controller = Controller(Recorder(args.dir), **kwargs)
    controller.start()
    print("ready %d" % args.port, flush=True)

    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

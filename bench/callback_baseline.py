"""The bare-protocol baseline of ``bench/callbacks.py``: a minimal aiohttp server answering
``POST /wecom/callback`` with the same signature check, timestamp window, decrypt, XML parse
and encrypted passive text reply as the bot's WeCom transport, and nothing else: no
database, no dispatcher, no access log.

    python bench/callback_baseline.py --port 8091    # credentials: the simulator's
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import Clock  # noqa: E402
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError  # noqa: E402
from simulator.credentials import SimulatorCredentials  # noqa: E402
from bot.platforms.checks import CallbackRejected, read_body, verified_plaintext  # noqa: E402
from bot.platforms.payloads import PayloadError, parse_xml  # noqa: E402
from bot.platforms.replies import passive_text_reply  # noqa: E402

REPLY = "您好，已收到：{}"


def baseline_app(crypto: CallbackCrypto, clock: Clock, max_skew: int = 300) -> web.Application:
    """The protocol alone: verify, decrypt, parse, reply (encrypted) with the text echoed."""

    async def receive(request: web.Request) -> web.Response:
        try:
            body = await read_body(request)
            encrypt = parse_xml(body).get("Encrypt") or ""
            xml = parse_xml(verified_plaintext(request, crypto, encrypt, clock, max_skew))
        except (CallbackRejected, CallbackSecurityError, PayloadError):
            return web.Response(status=403, text="refused")
        reply = passive_text_reply(xml, REPLY.format(xml.get("Content", "")), clock, crypto)
        return web.Response(text=reply, content_type="text/xml")

    app = web.Application(client_max_size=1024**2)
    app.router.add_post("/wecom/callback", receive)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    creds = SimulatorCredentials()
    crypto = CallbackCrypto(creds.app_token, creds.app_aes_key, creds.corp_id)
    print(f"baseline serving on http://{args.host}:{args.port}", flush=True)
    web.run_app(baseline_app(crypto, Clock()), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()

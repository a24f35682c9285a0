"""Serve the widget (bot/web/) and a demo clinic page that embeds it, with the standard library.

    python -m bot.web_demo --port 8080 --rasa-url http://localhost:5005

The demo page gets the Rasa server's URL and the clinic's name and phone (CLINIC_NAME,
CLINIC_PHONE) filled in, and a Content-Security-Policy that lets it load scripts and styles
from this server only and talk to the Rasa server only: the proof that the widget needs
nothing from third parties. A clinic can serve bot/web/ from any web server instead.
"""

from __future__ import annotations

import argparse
import html
import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import clinic_settings

WEB_ROOT = Path(__file__).resolve().parent / "web"
DEMO_PAGE = "/demo/index.html"


def content_security_policy(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    socket_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src {parts.scheme}://{parts.netloc} {socket_origin}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def demo_page(rasa_url: str, environ: dict | None = None) -> bytes:
    settings = clinic_settings(environ)
    name = settings.clinic_name if settings.clinic_name != "your clinic" else "Riverside MS Clinic"
    values = {"RASA_URL": rasa_url, "CLINIC_NAME": name, "CLINIC_PHONE": settings.clinic_phone or "555-0100"}
    text = (WEB_ROOT / "demo" / "index.html").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text.encode("utf-8")


class WidgetFiles(SimpleHTTPRequestHandler):
    rasa_url = "http://localhost:5005"
    environ: dict | None = None  # clinic settings; None: os.environ

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in ("/", "/demo", "/demo/"):
            self.send_response(302)
            self.send_header("Location", DEMO_PAGE)
            self.end_headers()
            return
        if path == DEMO_PAGE:
            body = demo_page(self.rasa_url, self.environ)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path):  # no directory listings
        self.send_error(404)

    def log_message(self, format: str, *args) -> None:  # requests carry no patient text; keep quiet
        pass


def make_server(host: str, port: int, rasa_url: str, environ: dict | None = None) -> ThreadingHTTPServer:
    handler = type("Handler", (WidgetFiles,), {"rasa_url": rasa_url.rstrip("/"), "environ": environ})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(WEB_ROOT)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://localhost:5005"))
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.rasa_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

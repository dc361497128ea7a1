"""A fake mail provider on 127.0.0.1 speaking the part of Postmark's API anymail uses.

    python -m bench.fakepostmark PORT          (or FakePostmark(port).start() in-process)

POST /email          answers like Postmark (JSON with MessageID) in mode "ok";
                     HTTP 500 in mode "fail"; in mode "hang" it waits ``hang_seconds``
                     (longer than anymail's REQUESTS_TIMEOUT) and then answers 503
                     without accepting the message, like a provider that is down.
POST /_mode          body "ok" | "fail" | "hang": switch mode.
GET  /_messages      JSON list of accepted messages (To, Subject, a hash of the body).
GET  /_stats         JSON counts of requests per mode.
"""

import hashlib
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakePostmark:
    def __init__(self, port=0, hang_seconds=5.0):
        self.mode = "ok"
        self.hang_seconds = hang_seconds
        self.accepted = []
        self.requests = {"ok": 0, "fail": 0, "hang": 0}
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, payload):
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                except (BrokenPipeError, ConnectionResetError):
                    return
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the "hang" mode's point)

            def do_GET(self):
                if self.path == "/_messages":
                    with provider.lock:
                        self._send(200, list(provider.accepted))
                elif self.path == "/_stats":
                    with provider.lock:
                        self._send(200, dict(provider.requests, mode=provider.mode))
                else:
                    self._send(404, {"ErrorCode": 404, "Message": "Not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path == "/_mode":
                    provider.mode = raw.decode().strip()
                    self._send(200, {"mode": provider.mode})
                    return
                if self.path.rstrip("/") not in ("/email", "/email/batch"):
                    self._send(404, {"ErrorCode": 404, "Message": "Not found"})
                    return
                mode = provider.mode
                with provider.lock:
                    provider.requests[mode] = provider.requests.get(mode, 0) + 1
                if self.headers.get("X-Postmark-Server-Token") is None:
                    self._send(401, {"ErrorCode": 10, "Message": "No token"})
                    return
                if mode == "fail":
                    self._send(500, {"ErrorCode": 500, "Message": "Internal server error"})
                    return
                if mode == "hang":
                    time.sleep(provider.hang_seconds)
                    self._send(503, {"ErrorCode": 503, "Message": "Service unavailable"})
                    return
                data = json.loads(raw or b"{}")
                message_id = str(uuid.uuid4())
                text = (data.get("TextBody") or "") + (data.get("HtmlBody") or "")
                with provider.lock:
                    provider.accepted.append(
                        {
                            "to": data.get("To", ""),
                            "subject": data.get("Subject", ""),
                            "body_sha": hashlib.sha256(text.encode()).hexdigest()[:16],
                            "attachments": [a.get("Name") for a in data.get("Attachments", [])],
                            "message_id": message_id,
                        }
                    )
                self._send(
                    200,
                    {
                        "To": data.get("To", ""),
                        "SubmittedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "MessageID": message_id,
                        "ErrorCode": 0,
                        "Message": "OK",
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def start(self):
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    fake = FakePostmark(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(fake.url, flush=True)
    fake.server.serve_forever()

"""A small, bounded HTTP load generator: threads + http.client keep-alive, loopback only.

    results = run(host, port, requests, concurrency=4, max_seconds=60)

``requests`` is a list of ``Request``; each is sent exactly once (or not at all once
``max_seconds`` has passed). Gunicorn's sync workers close the connection after each
response; http.client then reconnects for the next request.
"""

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class Result:
    status: int  # 0: connection error or timeout
    seconds: float
    query_count: str | None = None
    location: str | None = None
    body: bytes = b""
    error: str = ""


def check_loopback(host):
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: loopback only")


def run(host, port, requests, *, concurrency=4, max_seconds=120, timeout=60, keep_body=False):
    check_loopback(host)
    results = [None] * len(requests)
    lock = threading.Lock()
    next_index = [0]
    deadline = time.monotonic() + max_seconds

    def take():
        with lock:
            i = next_index[0]
            next_index[0] += 1
        return i

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        while True:
            i = take()
            if i >= len(requests) or time.monotonic() > deadline:
                break
            req = requests[i]
            started = time.perf_counter()
            try:
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                response = conn.getresponse()
                body = response.read()
                results[i] = Result(
                    response.status,
                    time.perf_counter() - started,
                    response.getheader("X-Query-Count"),
                    response.getheader("Location"),
                    body if keep_body or response.status >= 500 else b"",
                )
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                results[i] = Result(0, time.perf_counter() - started, error=repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + timeout + 5)
    wall = time.perf_counter() - wall
    done = [r for r in results if r is not None]
    return done, wall


def percentiles(seconds):
    """p50, p95, p99 in milliseconds."""
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else float("nan")
        return value, value, value
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


# -- small client helpers (cookies, CSRF, forms) ------------------------------------


def get(host, port, path, headers=None, timeout=30):
    check_loopback(host)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def post(host, port, path, fields, headers=None, timeout=30):
    check_loopback(host)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=urlencode(fields, doseq=True).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookies_from(headers):
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


INPUT_RE = re.compile(r"<input\b[^>]*>", re.I)
ATTR_RE = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')


def hidden_inputs(html):
    """name -> value of every hidden input in the page."""
    values = {}
    for tag in INPUT_RE.findall(html):
        attrs = dict(ATTR_RE.findall(tag))
        if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
            values[attrs["name"]] = _unescape(attrs.get("value", ""))
    return values


def input_names(html):
    names = set(re.findall(r'\bname="([^"]+)"', html))
    return names


def _unescape(value):
    import html as html_module

    return html_module.unescape(value)


def form_encoded(fields):
    return urlencode(fields, doseq=True).encode()

"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request and answers
with the statuses it is told to (e.g. 500, 500, then 200)."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes
    path: str


@dataclass
class Receiver:
    url: str
    requests: list = field(default_factory=list)
    statuses: list = field(default_factory=list)  # answers in turn; then 200


def start_receiver(statuses=()) -> tuple[Receiver, ThreadingHTTPServer]:
    state = Receiver(url="", statuses=list(statuses))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with lock:
                state.requests.append(Received(dict(self.headers), body, self.path))
                status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/billetterie"
    return state, server

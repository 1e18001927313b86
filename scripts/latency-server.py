#!/usr/bin/env python3
"""A fast archive server with network latency, for scripts/bench-concurrency.sh.

Serves DIRECTORY on 127.0.0.1:PORT with one thread per connection, HTTP/1.1 keep-alive and a listen backlog of
1024, and holds every answer LATENCY_MS before sending it: what a CDN in front of a public archive looks like from
far away (many requests in flight pay off), unlike `python3 -m http.server` (HTTP/1.0, a backlog of 5), which
models a weak one. It stops by itself after LIFETIME seconds so a killed benchmark never leaves it behind.

Usage: latency-server.py DIRECTORY PORT LATENCY_MS [LIFETIME]
"""
import functools
import http.server
import sys
import threading
import time


class DelayedHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, the second waits for the delayed ACK of the first (40 ms).
    disable_nagle_algorithm = True
    latency = 0.0

    def send_head(self):
        time.sleep(self.latency)
        return super().send_head()

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def main():
    directory, port, latency_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 3600
    DelayedHandler.latency = latency_ms / 1000
    server = Server(("127.0.0.1", port), functools.partial(DelayedHandler, directory=directory))
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

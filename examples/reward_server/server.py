#!/usr/bin/env python3
"""Example remote reward server for grpo's `remote` reward (Python standard library only).

Protocol (version 1), one HTTP request per batch of samples:

  POST /score   Content-Type: application/json
  {"version": 1,
   "samples": [{"prompt": "...",            # absent when the reward sets send_prompt: false
                "completion": "...",
                "completion_tokens": 123,   # -1 when unknown
                "finish_reason": "stop",    # or "length"
                "row": {...}}, ...]}         # the dataset row (null when none)

  200  {"scores": [0.0, 1.0, ...],           # exactly one finite number per sample, in order
        "details": [{...}, {...}, ...]}      # optional: one JSON object per sample
  any other status, or a body that breaks these rules, is an error: grpo retries it (5xx, 429,
  malformed bodies, timeouts) with exponential backoff, then applies the reward's failure policy.

This server scores 1.0 when the text between <answer> and </answer> contains the row's
"answer" field, else 0.0. Run it and point a config at it:

  python3 examples/reward_server/server.py --port 8000
  # rewards: {functions: [{name: remote, params: {url: "http://127.0.0.1:8000/score"}}]}
"""
import argparse
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S)


def score_sample(sample):
    """Returns (score, details) for one sample."""
    row = sample.get("row") or {}
    gold = row.get("answer")
    if gold is None:
        return 0.0, {"error": "row has no field 'answer'"}
    blocks = ANSWER.findall(sample.get("completion", ""))
    if not blocks:
        return 0.0, {"reason": "no_answer"}
    found = str(gold) in blocks[-1]
    return (1.0 if found else 0.0), {"reason": "contains" if found else "different"}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/score":
            return self.reply(404, {"error": f"unknown path {self.path}; POST /score"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            samples = body["samples"]
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"error": f"bad request: {e}"})
        results = [score_sample(s) for s in samples]
        self.reply(200, {"scores": [r[0] for r in results], "details": [r[1] for r in results]})

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep stdout for the "listening" line
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    p.add_argument("--idle-exit", type=float, default=0, help="exit after this many idle seconds (tests)")
    args = p.parse_args()
    server_class = HTTPServer if args.idle_exit > 0 else ThreadingHTTPServer
    server = server_class((args.host, args.port), Handler)
    print(f"listening on http://{args.host}:{server.server_address[1]}/score", flush=True)
    if args.idle_exit > 0:
        server.timeout = args.idle_exit
        idle = []
        server.handle_timeout = lambda: idle.append(True)
        while not idle:
            server.handle_request()
    else:
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

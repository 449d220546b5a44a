"""A stand-in for an agency's system: accepts satupintu's signed deliveries, answers 409 to
a repeated idempotency key, and appends what it accepted to a log (so a restart keeps it).

    python3 bench/fake_agency.py PORT SECRET LOG
"""
import hashlib, hmac, http.server, json, sys, time

PORT, SECRET, LOG = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
seen = set()
try:
    for line in open(LOG):
        seen.add(line.split()[0])
except FileNotFoundError:
    pass


def valid(header, body):
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t"), parts.get("v1")
    if not t or not v1 or abs(time.time() - int(t)) > 300:
        return False
    expected = hmac.new(SECRET, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, v1)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not valid(self.headers.get("X-Satupintu-Signature", ""), body):
            self.send_response(401)
        else:
            key = self.headers.get("Idempotency-Key", "")
            if key in seen:
                self.send_response(409)
                with open(LOG + ".dup", "a") as f:
                    f.write(key + "\n")
            else:
                seen.add(key)
                with open(LOG, "a") as f:
                    f.write(f"{key} {json.loads(body)['tracking_code']}\n")
                self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()

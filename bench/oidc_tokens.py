"""Mints tokens through the real OpenID Connect flow for bench/oidc.sh: signs in, consents
once, then for each token pair authorizes (PKCE) and exchanges the code. Also times the
code exchange itself (an RS256 signature per ID token) with a few clients in parallel.

    python3 bench/oidc_tokens.py BASE CLIENT_ID SECRET EMAIL PASSWORD PAIRS CODES
Prints JSON: {"access": [...], "refresh": [...], "exchange_per_s": N, "exchange_p99_ms": N}
"""
import base64, hashlib, http.cookiejar, json, secrets, sys, time, urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, CLIENT, SECRET, EMAIL, PASSWORD = sys.argv[1:6]
PAIRS, CODES = int(sys.argv[6]), int(sys.argv[7])
REDIRECT = "http://127.0.0.1:9/cb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def call(path, data=None, headers=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(BASE + path, data=body, headers=headers or {})
    try:
        with opener.open(req) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


call("/masuk", {"login": EMAIL, "password": PASSWORD})
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT, "scope": "openid profile email",
          "code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "s"}
call("/oidc/persetujuan", dict(params, keputusan="izinkan"))


def new_code():
    status, headers, _ = call("/oidc/authorize?" + urllib.parse.urlencode(params))
    location = headers["Location"]
    assert status == 302 and "code=" in location, (status, location)
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]


BASIC = "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()


def exchange(code):
    started = time.perf_counter()
    status, _, body = call("/oidc/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                           "code_verifier": VERIFIER}, {"Authorization": BASIC})
    assert status == 200, body
    return json.loads(body), time.perf_counter() - started


tokens = [exchange(new_code())[0] for _ in range(PAIRS)]
codes = [new_code() for _ in range(CODES)]
started = time.perf_counter()
with ThreadPoolExecutor(8) as pool:
    timings = sorted(t for _, t in pool.map(exchange, codes))
elapsed = time.perf_counter() - started
print(json.dumps({
    "access": [t["access_token"] for t in tokens],
    "refresh": [t["refresh_token"] for t in tokens],
    "exchange_per_s": round(CODES / elapsed, 1),
    "exchange_p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 2),
}))

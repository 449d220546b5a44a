"""Submits applications with a document at full speed until told to stop, recording every
tracking code the server acknowledged; then (after the server was killed and restarted)
checks that each acknowledged request and its document are there.

    python3 bench/crash_client.py submit BASE COOKIE SECONDS OUT.json
    python3 bench/crash_client.py check BASE COOKIE OUT.json
"""
import json, sys, threading, time, urllib.error, urllib.request

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOUNDARY = "----satupintu-crash"


def body(fields):
    parts = []
    for name, value, filename in fields:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
        if filename:
            head += f'; filename="{filename}"\r\nContent-Type: application/pdf'
        parts.append(head.encode() + b"\r\n\r\n" + value + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


opener = urllib.request.build_opener(NoRedirect)


def submit(base, cookie, seconds, out, files):
    acknowledged, failures, lock = [], [0], threading.Lock()
    payload = body([(f"dokumen_{i}", PDF, f"dokumen-{i}.pdf") for i in range(1, files + 1)] + [("catatan", b"uji crash", None)])
    deadline = time.time() + seconds

    def worker():
        while time.time() < deadline:
            req = urllib.request.Request(base + "/layanan/SKTM/ajukan", data=payload, headers={
                "Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
            try:
                opener.open(req, timeout=5)
                code = None
            except urllib.error.HTTPError as e:
                location = e.headers.get("Location", "")
                code = location.split("/permohonan/")[1].split("?")[0] if e.code == 303 and "/permohonan/" in location else None
            except Exception:
                code = None
            with lock:
                if code:
                    acknowledged.append(code)
                else:
                    failures[0] += 1
                    time.sleep(0.05)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump({"acknowledged": acknowledged, "failed": failures[0]}, open(out, "w"))
    print(f"acknowledged {len(acknowledged)}, failed or cut off {failures[0]}")


def check(base, cookie, out):
    data = json.load(open(out))
    missing, missing_files = [], []
    for code in data["acknowledged"]:
        req = urllib.request.Request(f"{base}/permohonan/{code}", headers={"Cookie": cookie})
        try:
            page = opener.open(req, timeout=10).read().decode()
        except urllib.error.HTTPError:
            missing.append(code)
            continue
        links = [p.split('"')[0] for p in page.split('href="')[1:] if "/berkas/" in p.split('"')[0]]
        for link in links[:1]:
            try:
                if opener.open(urllib.request.Request(base + link, headers={"Cookie": cookie}), timeout=10).read() != PDF:
                    missing_files.append(code)
            except urllib.error.HTTPError:
                missing_files.append(code)
        if not links:
            missing_files.append(code)
    print(f"checked {len(data['acknowledged'])} acknowledged requests: {len(missing)} missing, "
          f"{len(missing_files)} with a missing document")
    sys.exit(1 if missing or missing_files else 0)


if __name__ == "__main__":
    if sys.argv[1] == "submit":
        submit(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], int(sys.argv[6]))
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4])

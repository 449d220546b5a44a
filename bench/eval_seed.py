#!/usr/bin/env python3
"""Seeds the evaluation benchmark through the portal's own forms, the way the team works:
an SPBE cycle with all 47 self-assessed levels, 50 innovations with two KPIs and three
measurements each, 500 link evidence items spread over indicators and innovations, then
published on /indeks. Standard library only.

    bench/eval_seed.py BASE COOKIE SLUG      (COOKIE: an admin's `sp_sesi=…`)
"""

import http.client
import re
import sys
import time
import urllib.parse
import uuid

INDICATORS = 47
INNOVATIONS = 50
KPIS = 2
MEASUREMENTS = 3
EVIDENCE = 500
ELEMENTS = [
    "governance/pelayanan", "governance/birokrasi", "governance/kebijakan",
    "branding/pariwisata", "branding/bisnis", "branding/wajah_kota",
    "economy/industri", "economy/kesejahteraan", "economy/transaksi",
    "living/harmoni", "living/kesehatan", "living/mobilitas",
    "society/komunitas", "society/belajar", "society/keamanan",
    "environment/proteksi", "environment/sampah", "environment/energi",
]
STATUSES = ["berjalan", "uji_coba", "berjalan", "rencana", "berjalan"]
# Agencies of the demo city.
AGENCIES = ["DISKOMINFO", "DISHUB", ""]


class Client:
    """One keep-alive connection that does not follow redirects (we read Location)."""

    def __init__(self, base, cookie):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        self.cookie = cookie

    def request(self, method, path, body=None, content_type=None):
        headers = {"Cookie": self.cookie}
        if content_type:
            headers["Content-Type"] = content_type
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read().decode("utf-8", "replace")

    def form(self, path, fields, expect=303):
        body = urllib.parse.urlencode(fields)
        status, location, text = self.request("POST", path, body, "application/x-www-form-urlencoded")
        if status != expect:
            sys.exit(f"POST {path}: {status}, expected {expect}\n{text[:2000]}")
        return location

    def multipart(self, path, fields, expect=303):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        status, location, text = self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")
        if status != expect:
            sys.exit(f"POST {path}: {status}, expected {expect}\n{text[:2000]}")
        return location


def main():
    base, cookie, slug = sys.argv[1:4]
    http = Client(base, cookie)
    started = time.monotonic()
    http.form("/evaluasi", [
        ("nama", "Evaluasi SPBE (uji beban)"), ("slug", slug), ("kerangka", "spbe-59-2020"),
        ("mulai", "2025-01-01"), ("selesai", "2025-12-31"),
    ])
    cycle = f"/evaluasi/{slug}"
    for n in range(1, INDICATORS + 1):
        level = 1 + (n * 7) % 5
        narrative = (f"Indikator {n}: kebijakan, proses dan bukti pelaksanaannya telah ditetapkan dan direviu; "
                     "tingkat ini didukung dokumen yang terlampir pada daftar bukti dukung.")
        http.form(f"{cycle}/indikator/I{n}/mandiri", [("level", str(level)), ("narasi", narrative)])

    innovations = []
    for n in range(1, INNOVATIONS + 1):
        location = http.form("/inovasi", [
            ("nama", f"Inovasi uji {n:02d}"),
            ("deskripsi", f"Inovasi ke-{n} untuk uji beban: layanan digital kota yang terukur dengan KPI."),
            ("elemen", ELEMENTS[n % len(ELEMENTS)]),
            ("opd", AGENCIES[n % len(AGENCIES)]),
            ("diluncurkan", f"2024-{1 + n % 12:02d}-01"),
            ("status", STATUSES[n % len(STATUSES)]),
            ("quick_win", "1" if n % 5 == 0 else "0"),
            ("layanan", ""),
        ])
        page = location.split("?")[0]
        innovations.append(page.rsplit("/", 1)[1])
        for k in range(1, KPIS + 1):
            http.form(f"{page}/kpi", [
                ("nama", f"KPI {k} inovasi {n}"), ("satuan", "persen"), ("baseline", str(10 * k)), ("target", str(50 + 10 * k)),
            ])
        status, _, text = http.request("GET", page)
        kpis = sorted(set(re.findall(re.escape(page) + r"/kpi/([^/\"]+)/ukur", text)))
        if status != 200 or len(kpis) != KPIS:
            sys.exit(f"GET {page}: {status}, {len(kpis)} KPI forms found")
        for kpi in kpis:
            for m in range(1, MEASUREMENTS + 1):
                http.form(f"{page}/kpi/{kpi}/ukur", [
                    ("tanggal", f"2025-{3 * m:02d}-28"), ("nilai", str(15 * m)), ("catatan", f"Triwulan {m}"),
                ])

    for n in range(EVIDENCE):
        fields = [
            ("jenis", "tautan"),
            ("judul", f"Bukti uji {n + 1:03d}: dokumen pendukung"),
            ("keterangan", "Tautan ke dokumen di JDIH atau situs perangkat daerah."),
            ("tanggal", f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"),
            ("tautan", f"https://jdih.kotabogor.go.id/bukti/{n + 1}"),
            ("indikator", f"I{1 + n % INDICATORS}"),
        ]
        second = 1 + (n * 5 + 3) % INDICATORS
        if n % 3 == 0 and second != 1 + n % INDICATORS:
            fields.append(("indikator", f"I{second}"))
        if n % 2 == 0:
            fields.append(("inovasi", innovations[n % INNOVATIONS]))
        http.multipart(f"{cycle}/bukti", fields)

    http.form(f"{cycle}/terbitkan", [("terbit", "1")])
    print(f"seeded {INDICATORS} levels, {INNOVATIONS} innovations ({INNOVATIONS * KPIS} KPIs, "
          f"{INNOVATIONS * KPIS * MEASUREMENTS} measurements), {EVIDENCE} evidence items in "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

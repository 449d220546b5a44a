"""Writes bench/monitoring.sh's scene: a monitor import file with one check per service of a
catalog CSV (all against the local upstream), and, given the SQLite file, 90 days of daily
and hourly roll-ups for every check, as if it had been running that long (so the admin
page aggregates what it would in production).

    monitor_seed.py checks CATALOG.csv UPSTREAM_PORT OUT.toml
    monitor_seed.py history SQLITE_FILE
"""
import csv
import random
import sqlite3
import sys
import time


def checks(catalog, port, out):
    with open(catalog, newline="") as f, open(out, "w") as o:
        for row in csv.DictReader(f):
            code = row["kode"]
            o.write(f'[[check]]\nservice = "{code}"\nurl = "http://127.0.0.1:{port}/sehat/{code}"\n')
            o.write('interval = 60\ntimeout_ms = 5000\nconditions = ["[STATUS] == 200", "[BODY].status == UP"]\n\n')


def history(db):
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT service_id FROM health_checks")]
    now = int(time.time())
    hour0 = now - now % 3600
    day0 = (now + 7 * 3600) // 86400
    rnd = random.Random(8)
    daily, hourly = [], []
    for sid in ids:
        for d in range(1, 91):
            bad = rnd.choice([0] * 30 + [2, 15, 300])
            daily.append((sid, day0 - d, 1440, 1440 - bad))
        for h in range(1, 90 * 24):
            bad = rnd.choice([0] * 50 + [1, 20])
            hourly.append((sid, hour0 - h * 3600, 60, 60 - bad, 60 * 4))
    con.executemany("INSERT OR IGNORE INTO health_daily (service_id, day, total, ok) VALUES (?,?,?,?)", daily)
    con.executemany(
        "INSERT OR IGNORE INTO health_hourly (service_id, hour, total, ok, response_ms_sum) VALUES (?,?,?,?,?)", hourly
    )
    con.commit()
    print(f"seeded {len(daily)} daily and {len(hourly)} hourly roll-ups for {len(ids)} checks")


if sys.argv[1] == "checks":
    checks(*sys.argv[2:5])
else:
    history(sys.argv[2])

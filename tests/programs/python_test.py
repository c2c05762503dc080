# Run by CPython 3.12 (wasm32-wasi) under `wharf run` and Node's WASI with a
# scratch directory preopened as /data. Exercises files, sqlite3 (a database
# file in the preopen, so pread/pwrite/seek/truncate/sync) and json, prints
# deterministic results and exits with a code the test checks.
import json
import os
import sqlite3
import sys

DATA = "/data"

# Plain files: write, append, read back, list, rename, remove.
notes = os.path.join(DATA, "notes.txt")
with open(notes, "w") as f:
    for i in range(5):
        f.write(f"line {i}: {i * i}\n")
with open(notes, "a") as f:
    f.write("appended\n")
with open(notes) as f:
    lines = f.read().splitlines()
print("lines:", len(lines), lines[-2], "|", lines[-1])
os.makedirs(os.path.join(DATA, "sub", "deeper"), exist_ok=True)
os.rename(notes, os.path.join(DATA, "sub", "notes.txt"))
print("size:", os.stat(os.path.join(DATA, "sub", "notes.txt")).st_size)
with open(os.path.join(DATA, "sub", "blob.bin"), "wb") as f:
    f.write(bytes(range(256)) * 64)
with open(os.path.join(DATA, "sub", "blob.bin"), "rb") as f:
    f.seek(1000)
    chunk = f.read(4)
print("seek+read:", list(chunk))
print("listdir:", sorted(os.listdir(os.path.join(DATA, "sub"))))
os.remove(os.path.join(DATA, "sub", "blob.bin"))
print("walk:", [(os.path.relpath(d, DATA), sorted(fs)) for d, _, fs in sorted(os.walk(DATA))])

# sqlite3 on a database file in the preopened directory.
db_path = os.path.join(DATA, "test.db")
con = sqlite3.connect(db_path)
con.execute("create table city (name text primary key, country text, population integer)")
rows = [("Tokyo", "JP", 37400068), ("Delhi", "IN", 28514000), ("Shanghai", "CN", 25582000),
        ("Sao Paulo", "BR", 21650000), ("Osaka", "JP", 19281000), ("Mumbai", "IN", 19980000)]
con.executemany("insert into city values (?, ?, ?)", rows)
con.commit()
con.close()
con = sqlite3.connect(db_path)
by_country = con.execute(
    "select country, count(*), sum(population) from city group by country order by 3 desc").fetchall()
print("by country:", by_country)
con.execute("update city set population = population + 1 where country = 'JP'")
con.execute("delete from city where name = 'Mumbai'")
con.commit()
total = con.execute("select sum(population), count(*) from city").fetchone()
print("total:", total)
print("integrity:", con.execute("pragma integrity_check").fetchone()[0])
con.close()
print("db size > 0:", os.path.getsize(db_path) > 0)

# json: round trip through a file, with nesting, unicode and floats.
doc = {"cities": [{"name": n, "country": c, "pop": p} for n, c, p in rows],
       "meta": {"source": "test", "ratio": 0.25, "tags": ["a", "b"], "ok": True, "none": None},
       "unicode": "na\u00efve \u2603"}
with open(os.path.join(DATA, "doc.json"), "w", encoding="utf-8") as f:
    json.dump(doc, f, sort_keys=True, indent=1, ensure_ascii=False)
with open(os.path.join(DATA, "doc.json"), encoding="utf-8") as f:
    back = json.load(f)
print("json equal:", back == doc)
print("json:", json.dumps(back["meta"], sort_keys=True))
print("largest:", max(back["cities"], key=lambda c: c["pop"])["name"], back["unicode"])

# Errors surface as Python exceptions, not crashes.
try:
    open(os.path.join(DATA, "missing", "x.txt"))
except FileNotFoundError as e:
    print("missing:", type(e).__name__, e.errno)

sys.stdout.flush()
sys.exit(len(by_country) + 10)  # 14

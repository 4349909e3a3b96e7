"""Benchmark: the list and search endpoints of the core at county/city scale.

    createdb -h 127.0.0.1 -U postgres bureau_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bureau_bench DJANGO_SECRET_KEY=bench \\
        .venv/bin/python bench/api_lists.py --employers 20000 --workers 200000

(or `make bench`). Seeds the demo city at the given size (idempotent: a second run reuses it),
then times each request through Django's test client as a county clerk and as the city head:
median and 95th percentile over --repeat runs, and the number of SQL queries. Paste the table
into docs/benchmarks.md with the date and machine. Never run against a production database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bureau import demo
    from bureau.models import Employer, User, Worker

    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo.seed(seed=2026, employers=args.employers, workers=args.workers)
    seeded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    some_worker = Worker.objects.order_by("id")[args.workers // 2]
    some_employer = Employer.objects.order_by("id")[args.employers // 2]
    cases = [
        ("workers, first page", "/api/v1/workers/"),
        ("workers, name part 王", "/api/v1/workers/?q=%E7%8E%8B"),
        ("workers, two-character name part", f"/api/v1/workers/?q={some_worker.name[:2]}"),
        ("workers, full ID number", f"/api/v1/workers/?q={some_worker.id_number}"),
        ("workers, phone last 4 digits", f"/api/v1/workers/?q={some_worker.phone[-4:]}"),
        ("workers, page 200", "/api/v1/workers/?page=200"),
        ("employers, first page", "/api/v1/employers/"),
        ("employers, name part", f"/api/v1/employers/?q={some_employer.name[2:4]}"),
        ("employers, credit code", f"/api/v1/employers/?q={some_employer.credit_code}"),
        ("worker detail", f"/api/v1/workers/{some_worker.pk}/"),
    ]
    print(f"Seeded/verified {Employer.objects.count()} employers, {Worker.objects.count()} workers in {seeded:.1f} s\n")
    print("| request | user | rows | median ms | p95 ms | queries |")
    print("|---|---|---|---|---|---|")
    for username in ("donghu_window", "city_head"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in cases:
            timings = []
            queries = 0
            count = "-"
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    begin = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - begin) * 1000)
                queries = len(captured)
                if response.status_code != 200:
                    count = str(response.status_code)
                else:
                    body = response.json()
                    count = str(body.get("count", 1))
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(f"| {label} | {username} | {count} | {statistics.median(timings):.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()

"""A real Celery worker on Redis: the task goes through the broker, the worker runs Django with
the same (test) database and the result comes back through the result backend.

Needs Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/15) and PostgreSQL; skipped by
`make test-fast`. The worker listens on a queue of its own, so parallel runs do not steal each
other's tasks, and every Redis key the test created is removed afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from bureau.models import CalendarYear

pytestmark = pytest.mark.celery_worker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RESULT_TIMEOUT = 20  # seconds, worker start-up included


@dataclass
class Worker:
    queue: str
    log: Path


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "the worker test needs PostgreSQL"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def forget_redis_keys(client: redis.Redis, token: str) -> None:
    """Delete the keys that mention `token` (the queue, the worker's pidbox) and its entries in
    kombu's shared binding tables, then the expiry deadlines of binding tables that are gone
    (what kombu's own sweep would do later); leave everything else in the database alone."""
    for key in list(client.scan_iter(match=f"*{token}*")):
        client.delete(key)
    for key in list(client.scan_iter(match="_kombu.binding.*")):
        if client.type(key) != b"set":
            continue
        stale = [member for member in client.smembers(key) if token.encode() in member]
        if stale:
            client.srem(key, *stale)
    deadlines = "_kombu.binding_deadlines"
    if client.type(deadlines) == b"zset":
        for exchange in client.zrange(deadlines, 0, -1):
            if not client.exists(b"_kombu.binding." + exchange):
                client.zrem(deadlines, exchange)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it or run `make test-fast`")
    yield client
    client.close()


@pytest.fixture
def worker(transactional_db, redis_client, tmp_path) -> Iterator[Worker]:
    """A `celery -A bureau worker` process on the test database, stopped (and waited for)
    before the test database is flushed."""
    token = uuid.uuid4().hex[:12]
    queue = f"bureau-test-{token}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bureau.settings",
        "DJANGO_SECRET_KEY": "worker-test-only-secret-key",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "bureau",
        "worker",
        "--pool=solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Worker(queue=queue, log=log)
    finally:
        process.terminate()  # SIGTERM: warm shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        forget_redis_keys(redis_client, token)


def test_a_real_worker_runs_tasks_on_the_same_database(worker, redis_client):
    CalendarYear.objects.create(year=2027, source="测试：worker 应能看到这一行")  # committed

    client = Celery("bureau-worker-test", broker=REDIS_URL, backend=REDIS_URL)
    client.conf.update(task_always_eager=False, broker_connection_retry_on_startup=False)
    started = time.monotonic()
    result = None
    try:
        result = client.send_task("bureau.calendar_status", args=[[2026, 2027, 2030]], queue=worker.queue)
        try:
            official = result.get(timeout=RESULT_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - show the worker's log whatever went wrong
            log = worker.log.read_text(errors="replace")[-4000:]
            pytest.fail(f"no result from the worker ({exc!r}); worker log:\n{log}")
        # 2026: from the package; 2027: only from the row committed above; 2030: neither.
        assert official == [2026, 2027]
        assert time.monotonic() - started < RESULT_TIMEOUT
    finally:
        if result is not None:
            result.forget()
        client.close()

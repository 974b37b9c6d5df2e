"""Directory search under load: HTTP to gunicorn on 127.0.0.1 with concurrent keep-alive clients.

One *leg* = one database: generate the synthetic directory (directory_data.py), measure in-process how our search
compares with the raw full-text SQL answering the same question, then start gunicorn (DEBUG off, several workers,
as in production) and send each endpoint's requests from CLIENTS threads. Figures: p95 against the goal, with
p50/p99, requests/s and errors in the note.

bench_directory.py runs the SQLite leg in the bench process and the PostgreSQL leg in a child started through
scripts/with-postgres.sh, which runs this file as a script:

    scripts/with-postgres.sh .venv/bin/python bench/directory_load.py --out RESULT.json [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:  # run as a script (the PostgreSQL leg)
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from _common import Measure  # noqa: E402

CLIENTS = 8
WORKERS = 4  # docs/operations.md: gunicorn trama.wsgi --workers 4
SEARCH_GOAL_MS = 100.0
API_GOAL_MS = 150.0
FULL = {"services": 20_000, "locations": 30_000, "requests": 300, "seconds": 8.0, "repeat": 10, "probe": 15.0}
QUICK = {"services": 2_000, "locations": 3_000, "requests": 80, "seconds": 5.0, "repeat": 5, "probe": 10.0}
# A single request slower than this is not load-tested (8 clients would only queue behind it): its time is the
# figure, and the note says so.
SLOW_MS = 2000.0
# A point in Municipio 8 (Via Saponaro 16 is in Municipio 5; this is Quarto Oggiaro) for "distance from a point".
ORIGIN = (45.5135, 9.1395)


@dataclass
class Ceiling(Measure):
    """A figure whose goal is a maximum (latency): met when value ≤ goal."""

    ceiling: ClassVar[bool] = True

    @property
    def met(self) -> bool:
        return self.goal is None or self.value <= self.goal


@dataclass
class Endpoint:
    name: str
    paths: list[str]
    goal_ms: float | None
    staff: bool = False  # needs the session cookie
    note: str = ""


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # ms
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
        return ordered[rank]


# --- HTTP clients ---------------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection (reopened when the server closes it), like one browser tab."""

    def __init__(self, port: int, cookie: str, timeout: float = 300.0) -> None:
        self.port = port
        self.cookie = cookie
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, staff: bool) -> int:
        headers = {"Host": "127.0.0.1", "Accept-Language": "it", "Connection": "keep-alive"}
        if staff:
            headers["Cookie"] = f"sessionid={self.cookie}"
        for attempt in (1, 2):
            connection = self.connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.connection = connection
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.will_close:
                    connection.close()
                    self.connection = None
                return response.status
            except TimeoutError:
                connection.close()
                self.connection = None
                return -1
            except (ConnectionError, http.client.HTTPException):
                connection.close()
                self.connection = None
                if attempt == 2:
                    return 0
        return 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def hammer(clients: list[Client], endpoint: Endpoint, *, requests: int, seconds: float) -> Stats:
    """Send `requests` requests (or as many as fit in `seconds`) from every client at once; latency per request."""
    stats = Stats()
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.perf_counter() + seconds

    def work(client: Client) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None or time.perf_counter() > deadline:
                return
            path = endpoint.paths[index % len(endpoint.paths)]
            start = time.perf_counter()
            status = client.get(path, endpoint.staff)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
                if status == 200:
                    stats.latencies.append(elapsed)
                else:
                    stats.errors += 1

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats.wall = time.perf_counter() - start
    return stats


# --- the server -----------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env() -> dict[str, str]:
    """The running process's database, DEBUG off (production behaviour, dev profile: no TLS redirect)."""
    from django.conf import settings

    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "trama.settings", "TRAMA_PROFILE": "dev", "TRAMA_DEBUG": "0",
                "TRAMA_LOG_LEVEL": "ERROR", "TRAMA_2FA_REQUIRED": "0", "TRAMA_TILES_URL": "",
                # WhiteNoise warns once per worker that STATIC_ROOT does not exist (it serves from the finders).
                "PYTHONWARNINGS": "ignore::UserWarning"})
    if str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
        env.pop("DATABASE_URL", None)
        env["TRAMA_SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
    return env


def wait_until_serving(process: subprocess.Popen[bytes], port: int) -> tuple[subprocess.Popen[bytes], int]:
    """Wait (60 s at most) until the gunicorn just started answers on `port`; stop it and fail otherwise."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/hsds/")
            if connection.getresponse().status == 200:
                connection.close()
                return process, port
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        [str(gunicorn), "trama.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--timeout", "300", "--log-level", "warning", "--chdir", str(ROOT)],
        env=server_env(), cwd=ROOT, start_new_session=True,
    )
    return wait_until_serving(process, port)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- what is measured ------------------------------------------------------------------------------------------


def _staff(**query: Any) -> str:
    return "/directory/?" + urlencode(query) if query else "/directory/"


def _box(lat: float, lon: float, half: float = 0.005) -> str:
    """A street-level map view around a point (about 1 km by 800 m), as Leaflet's toBBoxString writes it."""
    return f"{lon - half:.5f},{lat - half:.5f},{lon + half:.5f},{lat + half:.5f}"


def endpoints(summary: Any, rnd: random.Random, portal: bool, pages: int) -> list[Endpoint]:
    from directory_data import COMMON_WORD, RARE_WORD

    near = [(round(lat, 5), round(lon, 5)) for lat, lon in summary.points]
    lat, lon = ORIGIN
    page_numbers = [rnd.randint(1, pages) for _ in range(40)]
    result = [
        Endpoint("staff: page, no query", [_staff()], SEARCH_GOAL_MS, staff=True),
        Endpoint('staff: "doposcuola" (common)', [_staff(q="doposcuola")], SEARCH_GOAL_MS, staff=True),
        Endpoint(f'staff: "{COMMON_WORD}" (every service)', [_staff(q=COMMON_WORD)], SEARCH_GOAL_MS,
                 staff=True),
        Endpoint(f'staff: "{RARE_WORD}" (rare)', [_staff(q=RARE_WORD)], SEARCH_GOAL_MS, staff=True),
        Endpoint('staff: "doposcuola" + need + municipio',
                 [_staff(q="doposcuola", need="doposcuola", municipio=f"MI-M{m}") for m in range(1, 10)],
                 SEARCH_GOAL_MS, staff=True),
        Endpoint('staff: "doposcuola" within 2 km',
                 [_staff(q="doposcuola", lat=a, lon=b, radius="2") for a, b in near], SEARCH_GOAL_MS, staff=True),
        Endpoint("staff: by distance, no text",
                 [_staff(lat=a, lon=b) for a, b in near[:10]], SEARCH_GOAL_MS, staff=True),
        Endpoint('staff: "doposcuola" + open now', [_staff(q="doposcuola", open_now="on")], SEARCH_GOAL_MS,
                 staff=True),
        Endpoint("staff: text+need+municipio+2 km+open now",
                 [_staff(q="doposcuola", need="doposcuola", municipio="MI-M8", lat=lat, lon=lon, radius="2",
                         open_now="on")], SEARCH_GOAL_MS, staff=True),
        Endpoint("staff: open now, no text", [_staff(open_now="on")], SEARCH_GOAL_MS, staff=True),
        # The search map's own URL (fetched by the page's script after the list): per-NIL areas for many places,
        # points for few or for a street-level box.
        Endpoint("staff map: map.json, no query (every place)", ["/directory/map.json"], SEARCH_GOAL_MS,
                 staff=True),
        Endpoint('staff map: map.json "doposcuola"', ["/directory/map.json?" + urlencode({"q": "doposcuola"})],
                 SEARCH_GOAL_MS, staff=True),
        Endpoint('staff map: "doposcuola", street-level box',
                 ["/directory/map.json?" + urlencode({"q": "doposcuola", "bbox": _box(a, b)}) for a, b in near],
                 SEARCH_GOAL_MS, staff=True),
        Endpoint("API: /services?page=N&per_page=50",
                 [f"/api/hsds/services?page={n}&per_page=50" for n in page_numbers], API_GOAL_MS),
        Endpoint('API: /services?search=doposcuola&page=N',
                 [f"/api/hsds/services?search=doposcuola&page={n}&per_page=50" for n in range(1, 6)], API_GOAL_MS),
        Endpoint("API: /services?search=<rare word>",
                 [f"/api/hsds/services?search={RARE_WORD}&per_page=50"], API_GOAL_MS),
        Endpoint("API: /services?proximity=lat,lon,2000",
                 [f"/api/hsds/services?proximity={a},{b},2000&per_page=50" for a, b in near], API_GOAL_MS),
    ]
    if portal:
        result += [
            Endpoint("portal: /aiuto/, no query", ["/aiuto/"], SEARCH_GOAL_MS),
            Endpoint('portal: "doposcuola"', ["/aiuto/?" + urlencode({"q": "doposcuola"})], SEARCH_GOAL_MS),
            Endpoint('portal map: mappa.json "doposcuola"', ["/aiuto/mappa.json?" + urlencode({"q": "doposcuola"})],
                     SEARCH_GOAL_MS),
            Endpoint('portal: "doposcuola" within 2 km',
                     ["/aiuto/?" + urlencode({"q": "doposcuola", "lat": a, "lon": b, "radius": "2"})
                      for a, b in near], SEARCH_GOAL_MS),
        ]
    return result


def _timed(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `action` in ms (after one warm-up call)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw_search_sql(text: str, vendor: str) -> tuple[str, str, list[str]]:
    """(page query, count query, the page query's parameters; the count query takes the first): the same question
    as the staff search for `text`, answered by hand on the same full-text index table (every service is visible
    to staff; first page of 20, best first)."""
    from trama.directory.search import text as fts

    if vendor == "sqlite":
        table = fts.SQLITE_TABLE
        match = fts.fts5_match(text)  # the stems, as indexed
        page = (f"SELECT s.id, s.name FROM {table} f JOIN directory_service s ON s.id = f.rowid "  # noqa: S608
                f"WHERE {table} MATCH %s ORDER BY bm25({table}, {fts.TITLE_WEIGHT}, {fts.BODY_WEIGHT}), s.name, "
                "s.id LIMIT 20")
        count = f"SELECT count(*) FROM {table} WHERE {table} MATCH %s"  # noqa: S608
        return page, count, [match]
    table = fts.POSTGRES_TABLE
    query = fts.postgres_tsquery(text)  # PostgreSQL's `italian` configuration stems the words
    page = (f"SELECT s.id, s.name FROM {table} f JOIN directory_service s ON s.id = f.service_id "  # noqa: S608
            "WHERE f.search_vector @@ to_tsquery('italian', %s) "
            "ORDER BY ts_rank(f.search_vector, to_tsquery('italian', %s)) DESC, s.name, s.id LIMIT 20")
    count = f"SELECT count(*) FROM {table} WHERE search_vector @@ to_tsquery('italian', %s)"  # noqa: S608
    return page, count, [query, query]


def ratios(label: str, user: Any, repeat: int) -> list[Measure]:
    """In-process: our staff search (run_search + count + first page of 20, as the view pages it) against the raw
    full-text SQL for the same text."""
    from directory_data import COMMON_WORD, RARE_WORD
    from django.db import connection

    from trama.directory import access
    from trama.directory.search import SearchParams, run_search

    measures: list[Measure] = []
    for text in ("doposcuola", COMMON_WORD, RARE_WORD):
        def ours(text: str = text) -> object:
            services = run_search(access.services_visible_to(user).select_related("organisation"),
                                  SearchParams(text=text), user=user).services
            return services.count(), list(services[:20])

        page, count, params = raw_search_sql(text, connection.vendor)

        def raw(page: str = page, count: str = count, params: list[str] = params) -> object:
            with connection.cursor() as cursor:
                cursor.execute(count, params[:1])
                total = cursor.fetchone()
                cursor.execute(page, params)
                return total, cursor.fetchall()

        ours_ms, raw_ms = _timed(ours, repeat), _timed(raw, repeat)
        measures.append(Measure(f'{label}: search/raw SQL, "{text}"', ours_ms / raw_ms, "× raw",
                                note=f"run_search + count + page of 20: {ours_ms:.1f} ms; raw FTS SQL "
                                     f"(count + page): {raw_ms:.1f} ms; median of {repeat}"))
    return measures


def _sessions(user: Any, count: int) -> list[str]:
    from django.test import Client as DjangoClient

    cookies = []
    for _ in range(count):
        client = DjangoClient()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def _portal_exists(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/aiuto/?q=doposcuola")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def run_leg(label: str, *, quick: bool) -> list[Measure]:
    """Generate, measure in-process, then over HTTP. Django must be set up with Milan loaded."""
    from directory_data import generate
    from django.db import connection, connections

    from trama.accounts.models import User
    from trama.directory import access

    size = QUICK if quick else FULL
    summary = generate(services=int(size["services"]), locations=int(size["locations"]))
    print(f"  [{label}] generated {summary.services:,} services, {summary.locations:,} locations, "
          f"{summary.links:,} service-at-locations, {summary.schedules:,} schedules in {summary.seconds:.1f} s "
          f"(index {summary.index_seconds:.1f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.get(pk=summary.user_id)
    measures: list[Measure] = [
        Measure(f"{label}: data generation", summary.seconds, "s",
                note=f"{summary.services:,} services, {summary.locations:,} locations, {summary.links:,} links, "
                     f"{summary.schedules:,} schedules, {summary.attributes:,} terms; reindex "
                     f"{summary.index_seconds:.1f} s"),
    ]
    measures += ratios(label, user, int(size["repeat"]))
    public = access.public_services().count()
    cookies = _sessions(user, CLIENTS)
    connections.close_all()

    load_before = os.getloadavg()[0]
    process, port = start_server()
    try:
        portal = _portal_exists(port)
        if not portal:
            print(f"  [{label}] portal /aiuto/ not available: skipped", flush=True)
        rnd = random.Random(7)
        for endpoint in endpoints(summary, rnd, portal, pages=max(1, public // 50)):
            probe = Client(port, cookies[0], timeout=float(size["probe"]))
            start = time.perf_counter()
            status = probe.get(endpoint.paths[0], endpoint.staff)
            single = (time.perf_counter() - start) * 1000
            probe.close()
            if status != 200 or single > SLOW_MS:
                if status == -1:
                    note = f"a single request did not finish in {size['probe']:.0f} s: not load-tested"
                    single = float(size["probe"]) * 1000
                    # The worker is still busy with it: start afresh so the next endpoints are measured fairly.
                    stop_server(process)
                    process, port = start_server()
                else:
                    note = f"a single request took {single / 1000:.1f} s (HTTP {status}): not load-tested"
                print(f"  [{label}] {endpoint.name}: {note}", flush=True)
                # One request's time stands for p95 (a lower bound: under load it can only be slower).
                measures.append(Ceiling(f"{label}: {endpoint.name}", single, "ms alone", goal=endpoint.goal_ms,
                                        note=note))
                continue
            clients = [Client(port, cookie) for cookie in cookies]
            # Warm-up: the workers see the endpoint (imports, caches, query plans) before it is measured.
            hammer(clients, endpoint, requests=CLIENTS, seconds=3.0)
            stats = hammer(clients, endpoint, requests=int(size["requests"]), seconds=float(size["seconds"]))
            for client in clients:
                client.close()
            done = len(stats.latencies)
            rps = done / stats.wall if stats.wall else 0.0
            note = (f"p50 {stats.percentile(50):.0f} ms · p99 {stats.percentile(99):.0f} ms · {rps:.1f} req/s · "
                    f"{done} ok, {stats.errors} errors; one request alone {single:.0f} ms")
            if stats.errors:
                note += f" {dict(sorted(stats.statuses.items()))}"
            if done < int(size["requests"]):
                note += f" (stopped after {size['seconds']:.0f} s)"
            print(f"  [{label}] {endpoint.name}: p95 {stats.percentile(95):.0f} ms, {note}", flush=True)
            measures.append(Ceiling(f"{label}: {endpoint.name}", stats.percentile(95), "ms p95",
                                    goal=endpoint.goal_ms, note=note))
    finally:
        stop_server(process)
    # The figures only mean something on an otherwise idle machine: say how busy it was.
    measures.append(Measure(f"{label}: host load average", os.getloadavg()[0], "runnable",
                            note=f"{os.cpu_count()} CPUs; {load_before:.1f} before the HTTP part, "
                                 f"{os.getloadavg()[0]:.1f} after; gunicorn {WORKERS} sync workers, "
                                 f"{CLIENTS} clients"))
    return measures


# --- the PostgreSQL leg, as a script ---------------------------------------------------------------------------


PG_UNAVAILABLE = 3  # the exit status of scripts/with-postgres.sh when PostgreSQL is not installed


def write_json(measures: list[Measure], out: str) -> None:
    rows = [{**asdict(m), "ceiling": isinstance(m, Ceiling)} for m in measures]
    Path(out).write_text(json.dumps(rows), encoding="utf-8")


def postgres_leg(script: Path, *, quick: bool) -> list[Measure]:
    """Run `script --out FILE` on a throwaway PostgreSQL cluster (scripts/with-postgres.sh) in a child process and
    read its figures back; skipped when PostgreSQL is not installed."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="trama-bench-pg-") as tmp:
        out = Path(tmp) / "postgres.json"
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, str(script), "--out", str(out)]
        if quick:
            command.append("--quick")
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRAMA_SQLITE_PATH")}
        status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603
        if status == PG_UNAVAILABLE:
            print("  [PostgreSQL] SKIPPED: PostgreSQL is not available on this machine (scripts/with-postgres.sh)")
            return []
        if status != 0 or not out.exists():
            return [Ceiling("PostgreSQL: leg failed", float(status), "exit status", goal=0.0,
                            note="see the output above")]
        return from_json(out)


def postgres_child(leg: Callable[..., list[Measure]], *, quick: bool, out: str, name: str) -> int:
    """The child side of `postgres_leg`: migrate the cluster, load Milan, run the leg, write the figures."""
    if not os.environ.get("DATABASE_URL"):
        print(f"{name}: DATABASE_URL is not set (run it through scripts/with-postgres.sh)", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "trama.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_milano", verbosity=0)
    print(f"  [PostgreSQL] Milan loaded in {time.perf_counter() - start:.1f} s", flush=True)
    write_json(leg("PostgreSQL", quick=quick), out)
    return 0


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    return postgres_child(run_leg, quick=args.quick, out=args.out, name="directory_load.py")


def from_json(path: Path) -> list[Measure]:
    measures: list[Measure] = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        kind = Ceiling if row.pop("ceiling") else Measure
        measures.append(kind(**row))
    return measures


if __name__ == "__main__":
    sys.exit(_main())

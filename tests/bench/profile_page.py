"""Benchmark the profile page and the graph slice on a large synthetic record.

Run with `make bench`. It builds a separate database, `<name>_bench`, beside the
one DATABASE_URL names, fills it with synthetic works (sizes below, or from the
BENCH_WORKS and BENCH_AUTHORS environment variables), and prints latency figures
for the busiest author's page, a later page of their works, the htmx works
fragment and the graph slice. docs/performance.md records the figures.
"""

import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg

WORKS = int(os.environ.get("BENCH_WORKS", "100000"))
AUTHORS = int(os.environ.get("BENCH_AUTHORS", "20000"))
AUTHORS_PER_WORK = 6
BUSIEST_AUTHOR_WORKS = 2000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))


def _bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "bzpeer"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def _recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _seed() -> int:
    """Fill the database and return the busiest author's id."""
    from django.db import connection

    from profiles.models import Author
    from works.models import Source

    rng = random.Random(42)
    venues = Source.objects.bulk_create(
        Source(name=f"Journal {n}", openalex_id=f"S{n}") for n in range(200)
    )
    authors = Author.objects.bulk_create(
        (
            Author(
                display_name=f"Author {n}",
                search_name=f"author {n}",
                slug=f"author-{n}",
                openalex_id=f"A{n}",
            )
            for n in range(AUTHORS)
        ),
        batch_size=5000,
    )
    busiest = authors[0]
    circle = authors[1:9]

    # COPY is how a bulk load fills Postgres; the ORM would take minutes here.
    with connection.cursor() as cursor:
        # The web's statement timeout is far too short for a bulk load.
        cursor.execute("SET statement_timeout = 0")
        with cursor.copy(
            "COPY works_work (openalex_id, title, abstract, type, type_raw, language,"
            " publication_year, venue_id, cited_by_count, is_retracted,"
            " is_authors_truncated, has_more_authors, referenced_openalex_ids,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for n in range(WORKS):
                copy.write_row(
                    (
                        f"W{n}",
                        f"Synthetic work number {n} on topic {n % 97}",
                        "<p>" + "An abstract sentence. " * 40 + "</p>",
                        "article",
                        "",
                        "en",
                        1990 + n % 35,
                        rng.choice(venues).pk,
                        n % 300,
                        False,
                        False,
                        False,
                        "{}",
                        "now",
                        "now",
                    )
                )
        cursor.execute("SELECT id FROM works_work ORDER BY id")
        work_ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(
            "COPY works_authorship (work_id, author_id, position, raw_author_name,"
            " raw_affiliations, is_corresponding) FROM STDIN"
        ) as copy:
            for index, work_id in enumerate(work_ids):
                if index < BUSIEST_AUTHOR_WORKS:
                    byline = [busiest, *rng.sample(circle, 3)]
                else:
                    byline = rng.sample(authors[9:], AUTHORS_PER_WORK)
                for position, author in enumerate(byline, start=1):
                    copy.write_row(
                        (work_id, author.pk, position, author.display_name, "{}", False)
                    )
        cursor.execute("ANALYZE")

    return busiest.pk


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _time(client, url: str, headers: dict[str, str] | None = None) -> list[float]:
    client.get(url, headers=headers or {})  # warm caches and connections
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def _report(label: str, timings: list[float], size: int) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<34} p50 {statistics.median(ordered):7.1f} ms"
        f"   p95 {p95:7.1f} ms   {size / 1024:6.1f} kB"
    )


def main() -> int:
    url = _bench_database_url()
    _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from profiles.models import Author

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    author_id = _seed()
    print(
        f"seeded {WORKS:,} works, {AUTHORS:,} authors, "
        f"{WORKS * AUTHORS_PER_WORK:,} authorships in "
        f"{time.perf_counter() - started:.1f} s"
    )

    author = Author.objects.get(pk=author_id)
    client = Client()
    profile = author.get_absolute_url()
    graph = f"/graph/authors/{author_id}/"
    htmx = {"HX-Request": "true"}
    cases = [
        (f"profile page ({BUSIEST_AUTHOR_WORKS} works)", profile, None),
        ("profile page, works page 50", f"{profile}?page=50", None),
        ("works fragment (htmx), page 2", f"{profile}?page=2", htmx),
        ("graph slice (htmx)", graph, htmx),
    ]
    print(f"{ROUNDS} requests each, Django test client, no cache:")
    for label, path, headers in cases:
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            size = len(client.get(path, headers=headers or {}).content)
        timings = _time(client, path, headers)
        _report(f"{label} [{counter.count} q]", timings, size)

    return 0


if __name__ == "__main__":
    sys.exit(main())

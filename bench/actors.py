"""Import 5,000 organisations of the territory from CSV, on SQLite and on PostgreSQL, and print the times;
then search the directory they make.

    .venv/bin/python -m bench.actors [--actors 5000] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Each database is fresh (migrated by Alembic, so the vocabularies are there); the file goes through
`totem.importing.run_import`, as `totem import actors` does, and is committed. The same file again (every line
unchanged), an export, and directory searches (p50 and p95 of 200, over `--actors` listed organisations) are
timed too.
"""
import argparse
import random
import time

import cohorts.territory.importing  # noqa: F401  (registers the kind of actors)
from bench.importing import on_both_databases, timed_import
from bench.stats import percentile
from cohorts.territory import service
from totem.db import make_engine, make_session_factory
from totem.importing import export_csv
from totem.migrations import upgrade

KINDS = ("sme", "corporate", "investor", "lab", "club", "public_body", "incubator")
SECTORS = ("mer", "industries-creatives", "amenagement-urbain", "sante", "energie", "numerique", "tourisme")
TAGS = ("financement", "clients", "pilotes", "talents", "locaux", "mentorat", "export", "recherche")
CITIES = ("Marseille", "Aix-en-Provence", "La Ciotat", "Aubagne", "Martigues", "Vitrolles", "Gémenos")
WORDS = ("océan", "énergie", "données", "logistique", "portuaire", "design", "santé", "urbain", "mobilité")
QUERIES = ("amenagement", "energie numerique", "ocean", "pilotes marseille", "donnees", "sante lab")


def actors_csv(count: int) -> str:
    rng = random.Random(21)
    lines = ["name,kind,city,sectors,offers,needs,languages,about,listed"]
    for n in range(count):
        about = " ".join(rng.sample(WORDS, 4))
        lines.append(f"Organisation {n:05d},{rng.choice(KINDS)},{rng.choice(CITIES)},"
                     f"{'|'.join(rng.sample(SECTORS, 2))},{'|'.join(rng.sample(TAGS, 2))},{rng.choice(TAGS)},"
                     f"fr|en,{about},yes")
    return "\n".join(lines) + "\n"


def run(name: str, url: str, count: int) -> None:
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    data = actors_csv(count).encode()
    seconds, summary = timed_import(factory, "actors", data)
    print(f"{name}: {count} actors ({summary}, {len(data) / 1e6:.1f} MB) in {seconds:.2f} s")
    seconds, summary = timed_import(factory, "actors", data)
    print(f"{name}: the same file again ({summary}) in {seconds:.2f} s")
    started = time.perf_counter()
    with factory() as db:
        lines = export_csv(db, "actors").count("\n") - 1
    print(f"{name}: export of {lines} actors in {time.perf_counter() - started:.2f} s")
    timings = []
    with factory() as db:
        for n in range(200):
            started = time.perf_counter()
            service.search_directory(db, service.DirectoryFilters(query=QUERIES[n % len(QUERIES)]))
            timings.append((time.perf_counter() - started) * 1000)
    print(f"{name}: directory search p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an admin DSN: a throw-away database is created and dropped there")
    args = parser.parse_args()
    on_both_databases(lambda name, url: run(name, url, args.actors), args.pg)


if __name__ == "__main__":
    main()

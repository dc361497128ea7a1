"""Where a request spends its CPU: cProfile around Django's test client, in-process.

    BENCH_KEEP_PG=1 bench/run --quick        # keeps the seeded database
    KLIMAKRONSJ_PG_HOST=127.0.0.1 KLIMAKRONSJ_PG_PORT=55460 KLIMAKRONSJ_PG_USER=postgres \
    KLIMAKRONSJ_PG_NAME=klimakronsj_bench DJANGO_SETTINGS_MODULE=bench.settings \
        .venv/bin/python -m bench.profile /bench-event/ [-n 50] [--sort tottime]

Prints the functions with the most cumulative time over n GETs (after one warm-up).
"""

import argparse
import cProfile
import pstats

import django

django.setup()

from django.test import Client  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.get(args.path)
    print(args.path, response.status_code, response.get("X-Query-Count"), "queries")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()

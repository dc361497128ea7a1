"""Instructions per request of the issue #6 targets, counted by Valgrind.

    python -m bench.instructions [--n 60] [--only plain,event] [--jobs 2]

CPU time per request drifts with the machine (another process, the host's speed); an
instruction count does not. For every target this runs a child Python twice under
``valgrind --tool=cachegrind --cache-sim=no``: once doing only the warm-up (every
selected target, 15 requests each), once doing the warm-up and ``--n`` more requests
of the target. The difference divided by ``--n`` is what one request costs the Django
process, in instructions. The database's share is not counted (see ``bench/run`` for
total CPU), nor is gunicorn's. Two counts of the same work differ by about 0.1%.

Uses the database of ``python -m bench.compare`` (run that with ``--setup`` once; the
same environment variables apply) and needs ``valgrind``. A child runs about 50 times
slower than natively: ``--n 60`` for two targets takes about two minutes on 2 cores.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from bench.compare import CHECKS, LABELS, ROOT

WARMUP = 15


def child(key, n, keys):
    import django

    django.setup()
    from django.test import Client

    from bench.compare import check, find_targets

    targets = find_targets()
    client = Client(HTTP_HOST="127.0.0.1")
    for warm in keys:
        for _ in range(WARMUP):
            check(targets[warm], targets[warm].request(client))
    for _ in range(n):
        check(targets[key], targets[key].request(client))


def count(key, n, keys):
    """Instructions of one child run (warm-up of ``keys``, then ``n`` requests of ``key``)."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [sys.executable, "-m", "bench.instructions", "--child", key, str(n), ",".join(keys)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    total = parse_instructions(done.stderr)
    if done.returncode != 0 or total is None:
        raise SystemExit(f"{key}: the child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return total


def parse_instructions(report):
    """The instruction count of cachegrind's summary (``==pid== I refs: 1,234``), or None."""
    found = re.search(r"I\s+refs:\s+([\d,]+)", report)
    return int(found.group(1).replace(",", "")) if found else None


def per_request(counts, keys, n):
    """Instructions per request: (warm-up and ``n`` requests) minus (warm-up alone), / n."""
    return {key: (counts[key, n] - counts[key, 0]) / n for key in keys}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=60, help="measured requests per target")
    parser.add_argument("--only", default="plain,event", help="comma-separated target keys")
    parser.add_argument("--jobs", type=int, default=2, help="children run at once")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        key, n, keys = args.child
        child(key, int(n), keys.split(","))
        return 0
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    keys = [k for k in args.only.split(",") if k]
    unknown = set(keys) - set(LABELS)
    if unknown:
        raise SystemExit(f"unknown targets: {', '.join(sorted(unknown))}")
    if "form_post" in keys:
        import django

        django.setup()
        from bench.compare import find_targets, forget_earlier_posts

        forget_earlier_posts(find_targets()["form_post"])
    runs = [(key, n) for key in keys for n in (0, args.n)]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        counts = dict(zip(runs, pool.map(lambda run: count(*run, keys), runs), strict=True))
    each = per_request(counts, keys, args.n)
    print(f"\n{'target':28} {'instructions/request':>22}")
    for key in keys:
        print(f"{LABELS[key]:28} {each[key] / 1e6:>20.3f} M")
    print()
    for key, ref, limit in CHECKS:
        if key in each and ref in each:
            ratio = each[key] / each[ref]
            print(f"{LABELS[key]} / {LABELS[ref]}: {ratio:.3f} (target in CPU time <= {limit})")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main())

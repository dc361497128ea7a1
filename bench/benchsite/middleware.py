import os

from django.db import connections

from wagtail_klimakronsj.mail.models import Notification
from wagtail_klimakronsj.models import Application


class QueryCountMiddleware:
    """Count the database queries of each request (works with DEBUG off).

    Outermost middleware, so session, auth and redirect lookups are counted too. The
    count covers everything up to the response's close(), so a streamed export's
    queries are included. A normal response carries it in ``X-Query-Count``; every
    request also appends "<path>\\t<count>" to $BENCH_QUERY_LOG when that is set.

    When $BENCH_OUTBOX_LOG is set, every request that inserts an application appends
    one line to it: "1" when the application and its outbox rows were inserted inside
    one and the same transaction (the same outermost ``atomic`` block), else "0" and
    what ran where. ``bench.measure.post_checks`` and ``bench.faults`` read it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.log_path = os.environ.get("BENCH_QUERY_LOG")
        self.outbox_log = os.environ.get("BENCH_OUTBOX_LOG")
        # "INSERT INTO", or "INSERT OR IGNORE INTO" (bulk_create(ignore_conflicts) on SQLite)
        self.watched = {
            f' INTO "{model._meta.db_table}" ': model._meta.model_name
            for model in (Application, Notification)
        }

    def __call__(self, request):
        count = [0]
        inserts = []  # (model name, outermost atomic block or None)

        def counter(execute, sql, params, many, context):
            count[0] += 1
            if self.outbox_log and sql.startswith("INSERT "):
                head = sql[:120]
                for into, name in self.watched.items():
                    if into in head:
                        blocks = context["connection"].atomic_blocks
                        inserts.append((name, blocks[0] if blocks else None))
            return execute(sql, params, many, context)

        conns = list(connections.all(initialized_only=False))
        for conn in conns:
            conn.execute_wrappers.append(counter)

        def finish():
            for conn in conns:
                if counter in conn.execute_wrappers:
                    conn.execute_wrappers.remove(counter)
            if self.log_path:
                with open(self.log_path, "a") as log:
                    log.write(f"{request.method} {request.path}\t{count[0]}\n")
            if self.outbox_log and any(name == "application" for name, _ in inserts):
                with open(self.outbox_log, "a") as log:
                    log.write(one_transaction(inserts) + "\n")

        try:
            response = self.get_response(request)
        except BaseException:
            finish()
            raise
        if not getattr(response, "streaming", False):
            response["X-Query-Count"] = str(count[0])
        response._resource_closers.append(finish)
        return response


def one_transaction(inserts):
    """ "1" when the request's application and notification INSERTs all ran inside one
    outermost atomic block, else "0" and the order of what ran where."""
    blocks = {block for _name, block in inserts}
    names = {name for name, _block in inserts}
    if names == {"application", "notification"} and len(blocks) == 1 and None not in blocks:
        return "1"
    seen = []
    for name, block in inserts:
        where = "autocommit" if block is None else f"atomic@{id(block):x}"
        seen.append(f"{name}:{where}")
    return "0 " + " ".join(seen)

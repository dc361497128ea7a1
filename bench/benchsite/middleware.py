import os

from django.db import connections


class QueryCountMiddleware:
    """Count the database queries of each request (works with DEBUG off).

    Outermost middleware, so session, auth and redirect lookups are counted too. The
    count covers everything up to the response's close(), so a streamed export's
    queries are included. A normal response carries it in ``X-Query-Count``; every
    request also appends "<path>\\t<count>" to $BENCH_QUERY_LOG when that is set.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.log_path = os.environ.get("BENCH_QUERY_LOG")

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
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

        try:
            response = self.get_response(request)
        except BaseException:
            finish()
            raise
        if not getattr(response, "streaming", False):
            response["X-Query-Count"] = str(count[0])
        response._resource_closers.append(finish)
        return response

"""A strict Content-Security-Policy for every public page the browser tests load.

Test-only: the package ships no CSP of its own (a site sets its own); this proves the
public templates need nothing inline. The Wagtail admin is left alone (it uses inline
scripts), so are the static and media files.
"""

STRICT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

EXEMPT_PREFIXES = ("/admin/", "/static/", "/media/")


class StrictCSPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response["Content-Security-Policy"] = STRICT_CSP
        return response

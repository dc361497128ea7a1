from django.http import HttpResponse


def bare(request):
    """The ceiling: the cheapest response Django gives through the site's middleware."""
    return HttpResponse("ok", content_type="text/plain")

"""A frontend cache backend for the tests: it records the URLs it is asked to purge."""

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

PURGED = []


class RecordingBackend(BaseBackend):
    def purge(self, url):
        PURGED.append(url)

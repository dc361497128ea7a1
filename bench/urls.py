from django.urls import path
from example_site.urls import urlpatterns as site_urlpatterns

from bench.benchsite.views import bare

urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]

"""A trivial view for `make bench`: the floor that real pages' response times are compared with.

Routed only when settings.BENCH_VIEWS is true (ALLIANCE_BENCH_VIEWS=1), as the benchmark's own
server sets it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    """'ok' for a signed-in person: the middleware, session and user look-up, and nothing else."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")

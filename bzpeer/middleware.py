"""Answer with the right error page where Django's default would be a 500."""

import logging
import time

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15
# One log line per burst of failures, not one per request.
_LOG_INTERVAL_SECONDS = 30.0
_last_logged_at = 0.0


def _is_database_unavailable(exception: Exception) -> bool:
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    # A connection pool that times out waiting raises its own error, wrapped by
    # Django as a DatabaseError whose cause names the pool.
    cause = exception.__cause__
    return (
        isinstance(exception, DatabaseError) and "PoolTimeout" in type(cause).__name__
    )


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        global _last_logged_at
        if not _is_database_unavailable(exception):
            return None

        now = time.monotonic()
        if now - _last_logged_at > _LOG_INTERVAL_SECONDS:
            _last_logged_at = now
            logger.error("Database unavailable, answering 503: %s", exception)

        # The page is rendered without a request context: nothing in it may touch
        # the database, the session or the user.
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class UnreadableRequestMiddleware(MiddlewareMixin):
    """Answer 400 for a request whose data is over Django's limits, in DEBUG too.

    Django answers these with a 400 itself, except when DEBUG is on: its error
    page then reads the same query string again, fails the same way, and the
    visitor of `make run` gets a bare 500.
    """

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        limits = RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent
        if isinstance(exception, limits):
            return bad_request(request, exception)
        return None

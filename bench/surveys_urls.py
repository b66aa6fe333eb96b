"""The application the survey submission benchmark serves with gunicorn: the real project (its settings from the
environment, production settings underneath) plus one reference view, the minimal Django view that inserts one
row, so both are measured behind the same middleware, server and database in the same run.

Settings: bench/surveys_settings.py (production settings, this URLconf).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

REFERENCE_TABLE = "bench_reference_row"


@csrf_exempt  # the reference is as bare as the answering view: no CSRF cookie either
def reference_insert(request: HttpRequest) -> HttpResponse:
    """Read the form, insert one row, redirect: the least a Django view that stores a form can do."""
    body = request.POST.get("submission_id", "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {REFERENCE_TABLE} (body, created_on) VALUES (%s, %s)",  # noqa: S608 - fixed name
            [body, dt.date.today()],
        )
    response = HttpResponseRedirect("/bench/reference/done/")
    response.status_code = 303
    return response


urlpatterns = [
    path("bench/reference/", reference_insert),
    path("", include("shokuba.urls")),
]

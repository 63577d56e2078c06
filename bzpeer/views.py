"""Site-wide pages: home, search, health and robots."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bzpeer.forms import SearchForm
from profiles.models import Author
from works.models import Work

SEARCH_RESULTS = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ctx = {
        "form": SearchForm(),
        "authors_count": Author.objects.public().count(),
        "works_count": Work.objects.count(),
    }
    return render(request, "home.html", ctx)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("The search text is too long or malformed.")

    query = form.cleaned_data["q"]
    authors: list[Author] = []
    works: list[Work] = []
    if query:
        authors = list(Author.objects.public().search(query)[:SEARCH_RESULTS])
        works = list(
            Work.objects.search(query)
            .select_related("venue")
            .only("pk", "title", "type", "publication_year", "venue__name")[
                :SEARCH_RESULTS
            ]
        )

    ctx = {"form": form, "query": query, "authors": authors, "works": works}
    return render(request, "search.html", ctx)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

"""Site-wide pages: home, search, health and robots."""

from http import HTTPStatus

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bzpeer.forms import SearchForm
from profiles.models import Author
from works.models import Work

SEARCH_RESULTS = 25


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    ctx = {
        "form": SearchForm(auto_id="home-%s"),
        "authors_count": Author.objects.public().count(),
        "works_count": Work.objects.count(),
    }
    return render(request, "home.html", ctx)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        ctx = {"form": form, "query": ""}
        return render(request, "search.html", ctx, status=HTTPStatus.BAD_REQUEST)

    query = form.cleaned_data["q"]
    authors: list[Author] = []
    works: list[Work] = []
    if query:
        # One result past the cap tells the page to say there are more.
        authors = list(Author.objects.public().search(query)[: SEARCH_RESULTS + 1])
        works = list(
            Work.objects.search(query)
            .select_related("venue")
            .only("pk", "title", "type", "publication_year", "venue__name")[
                : SEARCH_RESULTS + 1
            ]
        )

    ctx = {
        "form": form,
        "query": query,
        "authors": authors[:SEARCH_RESULTS],
        "more_authors": len(authors) > SEARCH_RESULTS,
        "works": works[:SEARCH_RESULTS],
        "more_works": len(works) > SEARCH_RESULTS,
        "results_shown": SEARCH_RESULTS,
    }
    return render(request, "search.html", ctx)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

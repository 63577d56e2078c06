from django.http import HttpRequest

from bzpeer.forms import SearchForm


def site_search(request: HttpRequest) -> dict[str, SearchForm]:
    """The empty search form of the site header, on every page."""
    return {"site_search_form": SearchForm(auto_id="site-search-%s")}

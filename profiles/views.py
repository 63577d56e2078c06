from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from bzpeer.forms import PageForm
from bzpeer.http import HtmxHttpRequest
from profiles import trust
from profiles.models import Author, Follow
from works.models import Work

WORKS_PER_PAGE = 20


def _get_public_author(author_id: int) -> Author:
    return get_object_or_404(Author.objects.public(), pk=author_id)


def _summary_line(author: Author) -> str:
    """Describe an author who wrote no bio, from what the record shows."""
    years = Work.objects.on_profile_of(author.pk).aggregate(
        first=Min("publication_year"), last=Max("publication_year")
    )
    works = f"{author.works_count} work{pluralize(author.works_count)}"
    if years["first"] is None:
        return f"{author.display_name} has {works} in the public record."
    if years["first"] == years["last"]:
        span = f"in {years['first']}"
    else:
        span = f"from {years['first']} to {years['last']}"
    return f"{author.display_name} has {works} in the public record, published {span}."


def _redirect_keeping_query(
    request: HtmxHttpRequest, author: Author
) -> HttpResponsePermanentRedirect:
    url = author.get_absolute_url()
    if request.GET:
        url += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(url)


@require_safe
@vary_on_headers("HX-Request")
def author_detail(
    request: HtmxHttpRequest, author_id: int, slug: str = ""
) -> HttpResponse:
    author = get_object_or_404(Author.objects.for_profile_page(author_id))
    if author.merged_into_id:
        merged = get_object_or_404(Author, pk=author.merged_into_id)
        return _redirect_keeping_query(request, merged)
    if slug != author.slug:
        return _redirect_keeping_query(request, author)

    form = PageForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The page number must be a positive integer.")

    works = Work.objects.on_profile_of(author.pk).for_profile_page()
    try:
        page = Paginator(works, per_page=WORKS_PER_PAGE).page(form.cleaned_data["page"])
    except EmptyPage:
        raise Http404("The profile has fewer pages of works.") from None

    if request.htmx:
        return render(request, "profiles/detail.html#work-rows", {"page": page})

    is_following = (
        request.user.is_authenticated
        and Follow.objects.filter(follower_id=request.user.pk, author=author).exists()
    )
    ctx = {
        "author": author,
        "bio": author.bio or _summary_line(author),
        "trust": trust.trust_snapshot(author),
        "page": page,
        "is_following": is_following,
    }
    return render(request, "profiles/detail.html", ctx)


@require_safe
def author_by_openalex_id(request: HttpRequest, openalex_id: str) -> HttpResponse:
    """Send a link made from an OpenAlex id to the page that shows the record."""
    author = get_object_or_404(
        Author.objects.select_related("merged_into"), openalex_id=openalex_id
    )
    canonical = author.merged_into or author
    return HttpResponsePermanentRedirect(canonical.get_absolute_url())


def _log_in_then_show(request: HtmxHttpRequest, author: Author) -> HttpResponse:
    # After logging in, the visitor lands on the profile, where the button is; the
    # follow URL itself answers only POST.
    login = redirect_to_login(author.get_absolute_url())
    if request.htmx:
        # A redirect would be followed by htmx and the login page swapped into
        # the button's place: send the whole window there instead.
        return HttpResponseClientRedirect(login["Location"])
    return login


def _follow_response(request: HtmxHttpRequest, author: Author) -> HttpResponse:
    if not request.htmx:
        return redirect(author)

    author = Author.objects.for_profile_page(author.pk).get()
    ctx = {
        "author": author,
        "is_following": Follow.objects.filter(
            follower_id=request.user.pk, author=author
        ).exists(),
        "followers_count": author.followers_count,
        "trust": trust.trust_snapshot(author),
    }
    return render(request, "profiles/_follow_response.html", ctx)


@require_POST
def author_follow(request: HtmxHttpRequest, author_id: int) -> HttpResponse:
    author = _get_public_author(author_id)
    if not request.user.is_authenticated:
        return _log_in_then_show(request, author)

    # A second click, or two tabs, must not add a second row.
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(follower_id=request.user.pk, author=author)
    except IntegrityError:
        pass

    return _follow_response(request, author)


@require_POST
def author_unfollow(request: HtmxHttpRequest, author_id: int) -> HttpResponse:
    author = _get_public_author(author_id)
    if not request.user.is_authenticated:
        return _log_in_then_show(request, author)

    Follow.objects.filter(follower_id=request.user.pk, author=author).delete()

    return _follow_response(request, author)

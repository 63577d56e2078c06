from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from bzpeer.forms import PageForm
from works.models import Work

# Some works have thousands of authors; the byline shows them a page at a time.
AUTHORS_PER_PAGE = 100


@require_safe
def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_object_or_404(Work.objects.for_detail_page(), pk=work_id)

    form = PageForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The page number must be a positive integer.")
    bylines = Paginator(work.bylines(), per_page=AUTHORS_PER_PAGE)
    try:
        authors_page = bylines.page(form.cleaned_data["page"])
    except EmptyPage:
        raise Http404("The work has fewer pages of authors.") from None

    ctx = {"work": work, "authors_page": authors_page}
    return render(request, "works/detail.html", ctx)

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from bzpeer.http import HtmxHttpRequest
from profiles.models import Author
from works.models import Topic

# The slice stays small whatever the author: it is a glance, not the explorer.
SLICE_COLLABORATORS = 12
SLICE_TOPICS = 12


@require_safe
@vary_on_headers("HX-Request")
def author_slice(request: HtmxHttpRequest, author_id: int) -> HttpResponse:
    author = get_object_or_404(
        Author.objects.public().only("pk", "display_name", "slug"), pk=author_id
    )

    collaborators = Author.objects.coauthors_of(author.pk)[:SLICE_COLLABORATORS]
    topics = Topic.objects.of_works_by(author.pk)[:SLICE_TOPICS]

    template_name = "graph/author.html"
    if request.htmx:
        template_name += "#graph-slice"

    ctx = {"author": author, "collaborators": collaborators, "topics": topics}
    return render(request, template_name, ctx)

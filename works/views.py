from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from works.models import Work


@require_safe
def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_object_or_404(Work.objects.for_detail_page(), pk=work_id)

    ctx = {"work": work}
    return render(request, "works/detail.html", ctx)

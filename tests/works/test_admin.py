from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.works.factories import AuthorshipFactory, WorkFactory
from works.admin import INLINE_BYLINE_MAX
from works.models import Authorship, Work

pytestmark = pytest.mark.django_db


def _work_with_byline(length: int) -> Work:
    work = WorkFactory()
    Authorship.objects.bulk_create(
        Authorship(work=work, position=n, raw_author_name=f"Author {n}")
        for n in range(1, length + 1)
    )
    return work


def _change_form_data(work: Work) -> dict[str, str]:
    return {
        "title": work.title or "",
        "type": work.type,
        "cited_by_count": str(work.cited_by_count),
        "publication_year": str(work.publication_year or ""),
    }


def test_edits_a_short_byline_inline(client, curator):
    work = _work_with_byline(3)
    client.force_login(curator)

    response = client.get(reverse("admin:works_work_change", args=[work.pk]))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, 'name="authorships-TOTAL_FORMS"')


def test_saves_a_work_whose_byline_is_too_long_to_edit_inline(client, curator):
    work = _work_with_byline(INLINE_BYLINE_MAX + 50)
    client.force_login(curator)
    url = reverse("admin:works_work_change", args=[work.pk])

    page = client.get(url)
    data = _change_form_data(work) | {"title": "Renamed"}
    saved = client.post(url, data)

    assert page.status_code == HTTPStatus.OK
    assertNotContains(page, 'name="authorships-TOTAL_FORMS"')
    byline_url = reverse("admin:works_authorship_changelist")
    assertContains(page, f"{byline_url}?work__id__exact={work.pk}")
    assertContains(page, "150 authorships, in byline order")
    assert saved.status_code == HTTPStatus.FOUND
    work.refresh_from_db()
    assert work.title == "Renamed"
    assert work.authorships.count() == INLINE_BYLINE_MAX + 50


def test_lists_one_works_byline_in_order(client, curator):
    work = _work_with_byline(3)
    AuthorshipFactory()
    client.force_login(curator)

    response = client.get(
        reverse("admin:works_authorship_changelist"), {"work__id__exact": work.pk}
    )

    assert response.status_code == HTTPStatus.OK
    rows = list(response.context["cl"].result_list)
    assert [row.raw_author_name for row in rows] == ["Author 1", "Author 2", "Author 3"]


def test_names_works_by_their_visible_title(client, curator):
    WorkFactory(
        title="Ca<sup>2+</sup> signalling &amp; growth",
        title_raw="Ca<sup>2+</sup> signalling &amp;amp; growth",
    )
    client.force_login(curator)

    response = client.get(reverse("admin:works_work_changelist"))

    assertContains(response, "Ca2+ signalling &amp; growth")
    assertNotContains(response, "&amp;amp;")
    assertNotContains(response, "&lt;sup&gt;")

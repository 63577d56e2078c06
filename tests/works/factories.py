import factory

from works.models import Authorship, Institution, Source, Topic, Work, WorkTopic
from works.text import plain_text


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institute {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Journal {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    """A leaf topic, with its own subfield, field and domain."""

    class Meta:
        model = Topic

    openalex_id = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    level = Topic.Level.TOPIC
    parent = factory.LazyFunction(
        lambda: Topic.objects.get_or_create(
            openalex_id="subfields/1",
            defaults={
                "name": "Subfield",
                "level": Topic.Level.SUBFIELD,
                "parent": Topic.objects.get_or_create(
                    openalex_id="fields/1",
                    defaults={
                        "name": "Field",
                        "level": Topic.Level.FIELD,
                        "parent": Topic.objects.get_or_create(
                            openalex_id="domains/1",
                            defaults={"name": "Domain", "level": Topic.Level.DOMAIN},
                        )[0],
                    },
                )[0],
            },
        )[0]
    )


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work

    title = factory.Sequence(lambda n: f"Work {n}")
    openalex_id = factory.Sequence(lambda n: f"W{n:08d}")
    type = Work.Type.ARTICLE
    publication_year = 2020


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    work = factory.SubFactory(WorkFactory)
    author = factory.SubFactory("tests.profiles.factories.AuthorFactory")
    position = factory.Sequence(lambda n: n + 1)
    raw_author_name = factory.LazyAttribute(
        lambda o: o.author.display_name if o.author else "Someone"
    )


class WorkTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTopic

    work = factory.SubFactory(WorkFactory)
    topic = factory.SubFactory(TopicFactory)
    score = 0.9


def openalex_work(number: int, **fields: object) -> dict:
    """Build an OpenAlex work record, the JSON an import reads, with a fictional id."""
    record = {
        "id": f"https://openalex.org/W{number}",
        "title": f"Work {number}",
        "type": "article",
        "publication_year": 2020,
        "authorships": [],
    }
    record.update(fields)
    return record


def openalex_authorship(author_number: int | None, name: str, **fields: object) -> dict:
    """Build one entry of an OpenAlex work's `authorships`."""
    author_id = f"https://openalex.org/A{author_number}" if author_number else None
    authorship = {
        "author_position": "middle",
        "author": {"id": author_id, "display_name": name, "orcid": None},
        "institutions": [],
        "raw_author_name": name,
        "raw_affiliation_strings": [],
        "is_corresponding": False,
    }
    authorship.update(fields)
    return authorship


def assert_jats_example_cleaned(abstract: str | None) -> None:
    """Check the stored form of DATA-FAULTS §4's JATS abstract, from any importer."""
    assert abstract == (
        "<p>We measured CO<sub>2</sub> in <i>F. imaginaria</i>.</p>"
        "<p>Second &lt;paragraph&gt;.</p>"
    )
    assert (
        plain_text(abstract)
        == "We measured CO2 in F. imaginaria.\n\nSecond <paragraph>."
    )
    assert "jats:" not in abstract

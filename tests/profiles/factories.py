import factory
from django.contrib.auth import get_user_model

from profiles.models import Author, Follow
from profiles.names import fold_name, slug_for_name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    display_name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.LazyAttribute(lambda o: slug_for_name(o.display_name))
    search_name = factory.LazyAttribute(lambda o: fold_name(o.display_name))

    class Params:
        with_orcid = factory.Trait(orcid="0000-0002-1825-0097")


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    author = factory.SubFactory(AuthorFactory)

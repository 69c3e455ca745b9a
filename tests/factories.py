import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from modifications import services as register
from modifications.models import ChangeRequest, Modification, SECDocument
from releases import services as release_services
from secrelease.roles import ANALYST_GROUP, PANEL_GROUP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


def analyst_user(**kwargs):
    return UserFactory(groups=[ANALYST_GROUP], **kwargs)


def panel_user(**kwargs):
    return UserFactory(groups=[PANEL_GROUP], **kwargs)


class ModificationFactory(factory.django.DjangoModelFactory):
    """Rows made directly, for tests about reading; tests about changing use the services."""

    class Meta:
        model = Modification

    number = factory.Sequence(lambda n: 200 + n)
    suffix = ""
    reference = factory.LazyAttribute(lambda o: f"MP{o.number:03d}")
    title = factory.Sequence(lambda n: f"Test modification {n}")
    rid_summary = "will amend the SEC for the purposes of a test."
    status = "refinement"
    path = "path3"


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    reference = factory.Sequence(lambda n: f"CR{3000 + n}")
    title = factory.Sequence(lambda n: f"Change request {n}")


def make_modification(actor, reference="MP106", **fields):
    fields.setdefault("title", f"Title of {reference}")
    return register.modification_create(actor=actor, reference=reference, **fields)


def make_release(
    actor,
    name="June 2021 SEC Release",
    slug="june-2021",
    go_live_date=datetime.date(2021, 6, 24),
    **fields,
):
    return release_services.release_create(
        actor=actor, name=name, slug=slug, go_live_date=go_live_date, **fields
    )


def sec_document(kind, code):
    return SECDocument.objects.get(kind=kind, code=code)

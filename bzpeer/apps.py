from django.apps import AppConfig


class BzpeerConfig(AppConfig):
    name = "bzpeer"
    verbose_name = "BZPEER"

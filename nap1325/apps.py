from django.apps import AppConfig


class Nap1325Config(AppConfig):
    name = "nap1325"
    verbose_name = "nap1325"

    def ready(self) -> None:
        from nap1325 import checks  # noqa: F401  (registers the deploy checks)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operational plan")

    def ready(self) -> None:
        from operations.planfile import (
            CompletionSection,
            FundingSourcesSection,
            OperationalPlanSection,
        )
        from plans.loading import register_section

        register_section(FundingSourcesSection())
        register_section(OperationalPlanSection())
        register_section(CompletionSection())

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

TMU_GROUP = "Technical Management Unit"


def ensure_tmu_group(sender: Any, **kwargs: Any) -> None:
    """The TMU (coordinator, M&E officer, finance assistant) edits the
    operational plan and records funding; the group exists on every install."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=TMU_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="operations",
            codename__in=[
                "change_activityversion",
                "add_fundingrecord",
                "add_exchangerate",
            ],
        )
    )


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

        post_migrate.connect(ensure_tmu_group, sender=self)
        register_section(FundingSourcesSection())
        register_section(OperationalPlanSection())
        register_section(CompletionSection())

"""/api/v1/: the resources, the OpenAPI schema and its documentation page
(Swagger UI, served from the platform's own static files)."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from alignment import api as alignment
from api import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("elements", views.ElementViewSet, basename="element")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("places", views.PlaceViewSet, basename="place")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("observatory/bodies", views.SeatBodyViewSet, basename="seat-body")
router.register("observatory/observations", views.ObservationViewSet, basename="observation")
router.register("global-indicator-sets", alignment.GlobalIndicatorSetViewSet, basename="global-set")
router.register("global-indicators", alignment.GlobalIndicatorViewSet, basename="global-indicator")
router.register("alignments", alignment.AlignmentViewSet, basename="alignment")

urlpatterns: list[URLPattern | URLResolver] = [
    path("figures/", views.FiguresView.as_view(), name="api-figures"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

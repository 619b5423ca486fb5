"""The reporting cast (two units of the small plan, a first-quarter period)
for the API's writing tests."""

from tests.reporting.conftest import period, units

__all__ = ["period", "units"]

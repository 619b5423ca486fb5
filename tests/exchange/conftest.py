"""The reporting cast of the small plan, for the DHIS2 exchange tests."""

from tests.reporting.conftest import period, units

__all__ = ["period", "units"]

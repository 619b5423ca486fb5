from tests.reporting.conftest import period, units

__all__ = ["period", "units"]

"""nap1325: monitoring and evaluation of a National Action Plan for UNSCR 1325."""

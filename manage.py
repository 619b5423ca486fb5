#!/usr/bin/env python
"""Django's command-line utility for nap1325 (also installed as `nap1325`)."""

from nap1325.__main__ import main

if __name__ == "__main__":
    main()

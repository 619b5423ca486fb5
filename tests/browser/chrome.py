"""Headless Chromium driven by Selenium, for the browser tests and the
screenshots of the guides. It uses Debian's `chromium` and `chromium-driver`
(or the programs named by CHROMIUM and CHROMEDRIVER): Selenium Manager is
never asked to find or download a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

DESKTOP = (1280, 900)
PHONE = (390, 844)
BROWSERS = ["chromium", "chromium-browser", "google-chrome"]
DRIVERS = ["chromedriver"]


def programs() -> tuple[str | None, str | None]:
    """The browser and its driver, where this machine has them."""
    browsers = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else BROWSERS
    drivers = [os.environ["CHROMEDRIVER"]] if os.environ.get("CHROMEDRIVER") else DRIVERS
    return first_program(browsers), first_program(drivers)


def first_program(names: list[str]) -> str | None:
    """The first of `names` (names or paths) that is an executable program here."""
    return next(filter(None, map(shutil.which, names)), None)


def missing() -> str | None:
    """Why the browser cannot start here, or None."""
    browser, driver = programs()
    if not browser:
        return "no Chromium (install Debian's chromium package, or set CHROMIUM)"
    if not driver:
        return "no chromedriver (install Debian's chromium-driver package, or set CHROMEDRIVER)"
    return None


def start(size: tuple[int, int] = DESKTOP, language: str = "fr") -> webdriver.Chrome:
    """A headless Chromium with a fixed window, asking for pages in `language`
    the way a browser set to that language does."""
    browser, driver = programs()
    if not browser or not driver:
        raise RuntimeError(missing())
    # Both paths are given, so Selenium Manager is not consulted; were it
    # reached anyway, it would stay offline.
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        f"--window-size={size[0]},{size[1]}",
        f"--lang={language}",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


@contextmanager
def screen(driver: Any, size: tuple[int, int]) -> Iterator[None]:
    """Lay pages out on a screen of `size` inside the block (Chromium's own
    window keeps a minimum width, narrower than a phone's only through this)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def sideways(driver: Any) -> int:
    """How many pixels the page is wider than the screen (0 when it fits):
    what a reader would have to scroll sideways to see."""
    return int(
        driver.execute_script(
            "const root = document.documentElement; return root.scrollWidth - root.clientWidth"
        )
    )

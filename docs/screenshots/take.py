"""Take the guides' screenshots of reporting (`make screenshots`).

Builds the demonstration database of `make run` in a temporary folder, serves
it from this process, and drives headless Chromium through the pages as
their users do: a focal point filling a quarter's report (French), the error
the report's checks show (English), the Technical Management Unit's review
page and the dashboard (French), and an indicator's public page (English),
each at a desktop width and at a phone's. The PNGs are reduced to a palette
so that each stays light.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from tests.browser import chrome  # noqa: E402
from tests.browser.pages import Visitor, words  # noqa: E402

FOCAL_POINT = "demo-fatou"  # MPFEF: a draft report in the open quarter
TMU = "demo-moussa"  # M&E officer
COLOURS = 96  # a palette this size keeps text and charts clean


def build_database(folder: Path, copy_of: Path | None = None) -> None:
    """`make demo-data` into a database of `folder` (or a copy of the
    demonstration database `copy_of`), then Django set up on it."""
    database = folder / "demo.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(folder / "media"),
        DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DJANGO_SETTINGS_MODULE="nap1325.settings",
    )
    if copy_of:
        shutil.copyfile(copy_of, database)
    else:
        bin_folder = Path(sys.executable).parent
        subprocess.run(
            ["make", "--no-print-directory", "--silent", "demo-data", f"BIN={bin_folder}"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    import django

    django.setup()


@contextmanager
def serving() -> Iterator[str]:
    """The site served from a thread of this process; yields its address."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    application = StaticFilesHandler(get_wsgi_application())
    logging.getLogger("django.server").setLevel(logging.ERROR)  # no line per request
    logging.getLogger("django.request").setLevel(logging.ERROR)  # nor per missing favicon
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(application)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def passwords() -> dict[str, str]:
    """A fresh password for each person photographed."""
    from django.contrib.auth.models import User

    chosen = {}
    for user in User.objects.filter(username__in=[FOCAL_POINT, TMU]):
        chosen[user.username] = secrets.token_urlsafe(16)
        user.set_password(chosen[user.username])
        user.save()
    return chosen


def shoot(visitor: Visitor, name: str, at: str = "main") -> None:
    """Save the screen as a paletted PNG: a desktop's from the top of the
    page, a phone's (whose header fills the screen) scrolled to `at`."""
    driver = visitor.driver
    if driver.execute_script("return window.innerWidth") < chrome.DESKTOP[0]:
        element = driver.find_element(By.CSS_SELECTOR, at)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    else:
        driver.execute_script("window.scrollTo(0, 0)")
    image = Image.open(BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    path = OUT / f"{name}.png"
    image.quantize(COLOURS, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


def walk(visitor: Visitor, suffix: str, login: dict[str, str]) -> None:
    """The pages, in the order their users meet them."""
    fr, en = words("fr"), words("en")

    visitor.open("/fr/")
    visitor.log_in(FOCAL_POINT, login[FOCAL_POINT], link=fr("Log in"), button=fr("Log in"))
    visitor.follow(fr("My reports"), within="header")
    visitor.follow_first("main table[data-table=reports] tbody a")
    count = visitor.driver.find_element(By.CSS_SELECTOR, "input[name$='~~value']")
    count.clear()
    count.send_keys("14")
    shoot(visitor, f"report-form{suffix}-fr")

    visitor.switch_language("en")
    count = visitor.driver.find_element(By.CSS_SELECTOR, "input[name$='~~value']")
    count.clear()
    count.send_keys("-3")
    visitor.press(en("Save and submit"))
    shoot(visitor, f"report-error{suffix}-en")
    visitor.log_out(en("Log out"))

    visitor.switch_language("fr")
    visitor.log_in(TMU, login[TMU], link=fr("Log in"), button=fr("Log in"))
    visitor.follow(fr("My reports"), within="header")
    visitor.follow_first("main table[data-table=reports] tbody a")
    shoot(visitor, f"review{suffix}-fr")
    visitor.follow(fr("Dashboards"), within="header")
    visitor.choose("year", "2022")  # the demonstration's reports are of 2021 and 2022
    visitor.press(fr("Show"))
    shoot(visitor, f"dashboard{suffix}-fr")
    visitor.log_out(fr("Log out"))

    visitor.switch_language("en")
    visitor.type("q", "P3.R3.O2.I1")  # women in defence, security and justice
    visitor.press(en("Search"), within="header")
    visitor.follow_first("main a[href*='/indicators/']")
    shoot(visitor, f"indicator-public{suffix}-en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        type=Path,
        help="a demonstration database made by `make demo-data` (a copy is used), "
        "instead of making one (a minute)",
    )
    arguments = parser.parse_args()
    if reason := chrome.missing():
        sys.exit(f"Cannot take the screenshots: {reason}.")
    with tempfile.TemporaryDirectory() as folder:
        build_database(Path(folder), arguments.database)
        login = passwords()
        with serving() as url:
            driver = chrome.start(chrome.DESKTOP, language="fr")
            try:
                visitor = Visitor(driver, url)
                for suffix, screen in (("", chrome.DESKTOP), ("-phone", chrome.PHONE)):
                    with chrome.screen(driver, screen):
                        walk(visitor, suffix, login)
            finally:
                driver.quit()


if __name__ == "__main__":
    main()

"""What a person does at the browser, in a few words: open the site, follow a
link, type into a field, press a button, switch the language, log in and
out. Every step that loads a page waits for the new page (explicit waits,
never a fixed sleep)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

TIMEOUT = 15  # seconds: a page of the platform answers in well under one


def literal(text: str) -> str:
    """`text` as an XPath string literal, whatever quotes it holds."""
    if "'" not in text:
        return f"'{text}'"
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


def words(language: str) -> Callable[[str], str]:
    """`words("fr")("Log in")`: the interface's text in `language`, from the
    catalogues, to find and check what the pages say in either language."""

    def say(text: str) -> str:
        with translation.override(language):
            return translation.gettext(text)

    return say


class Visitor:
    """One person using the site through `driver`, from `base_url`."""

    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url.rstrip("/")

    # --- reading ---------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    def text(self, within: str = "main") -> str:
        return self.driver.find_element(By.CSS_SELECTOR, within).text

    def row(self, table: str, first: str) -> dict[str, WebElement]:
        """The row of `table` (a CSS selector) whose first cell starts with
        `first`, as its cells by the titles of their columns."""
        element = self.driver.find_element(By.CSS_SELECTOR, table)
        titles = [th.text for th in element.find_elements(By.CSS_SELECTOR, "thead th")]
        for row in element.find_elements(By.CSS_SELECTOR, "tbody tr"):
            cells = row.find_elements(By.XPATH, "./th|./td")
            if cells and cells[0].text.startswith(first):
                return dict(zip(titles, cells, strict=True))
        raise AssertionError(f"no row starting with {first!r} in {table}")

    def messages(self) -> list[str]:
        return [m.text for m in self.driver.find_elements(By.CSS_SELECTOR, "ul.messages li")]

    def wait_until(self, condition: Callable[[WebDriver], Any]) -> Any:
        return WebDriverWait(self.driver, TIMEOUT).until(condition)

    # --- moving ----------------------------------------------------------------

    def open(self, path: str = "/") -> None:
        """Type an address (the only way in: everything else is clicked)."""
        self.driver.get(self.base_url + path)
        self._loaded()

    def _loaded(self) -> None:
        self.wait_until(lambda d: d.execute_script("return document.readyState") == "complete")

    def _navigating(self, element: WebElement) -> None:
        """Click `element` and wait for the page it loads: a page that the
        click replaced no longer has the mark put on the old one."""
        self.driver.execute_script("window.leftBehind = true")
        element.click()
        WebDriverWait(self.driver, TIMEOUT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return !window.leftBehind && document.readyState === 'complete'"
            )
        )

    def _scope(self, within: str | WebElement) -> WebElement:
        if isinstance(within, WebElement):
            return within
        return self.driver.find_element(By.CSS_SELECTOR, within)

    def follow(self, text: str, within: str | WebElement = "body") -> None:
        """Follow the link that reads `text`."""
        self._navigating(self._scope(within).find_element(By.LINK_TEXT, text))

    def follow_first(self, links: str) -> None:
        """Follow the first link matching the CSS selector `links`."""
        self._navigating(self.driver.find_element(By.CSS_SELECTOR, links))

    def button(self, text: str, within: str | WebElement = "body") -> WebElement:
        return self._scope(within).find_element(
            By.XPATH, f".//button[normalize-space()={literal(text)}]"
        )

    def press(self, text: str, within: str | WebElement = "body") -> None:
        """Press the button that reads `text`; its form is sent."""
        self._navigating(self.button(text, within))

    def field(self, label: str) -> WebElement:
        """The field whose <label> reads `label`, else the field named `label`
        (the figures of the report form are labelled by their table's headers)."""
        found = self.driver.find_elements(By.XPATH, f"//label[normalize-space()={literal(label)}]")
        if found and (target := found[0].get_attribute("for")):
            return self.driver.find_element(By.ID, target)
        return self.driver.find_element(By.NAME, label)

    def type(self, label: str, text: str) -> None:
        """Replace what the field holds with `text`, key by key."""
        field = self.field(label)
        field.clear()
        field.send_keys(text)

    def choose(self, label: str, option: str) -> None:
        """Pick the option that reads `option` in the drop-down list named `label`."""
        Select(self.field(label)).select_by_visible_text(option)

    # --- the header's forms ----------------------------------------------------

    def switch_language(self, code: str) -> None:
        """Press the header's button for `code` ("Français", "English")."""
        self._navigating(
            self.driver.find_element(
                By.CSS_SELECTOR, f"form.languages button[name=language][value={code}]"
            )
        )

    def log_in(self, username: str, password: str, *, link: str, button: str) -> None:
        """Follow the header's log-in link (`link`) and sign in."""
        self.follow(link, within="header .account")
        self.type("username", username)
        self.type("password", password)
        self.press(button, within="main")

    def log_out(self, button: str) -> None:
        self.press(button, within="header .account")

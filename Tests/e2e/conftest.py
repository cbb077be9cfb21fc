"""Fixtures for the browser tests: the real `sundial` binary on an ephemeral port with a
temporary data directory, and Debian's headless Chromium driven through chromedriver."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
# Generous: it bounds how long a broken test hangs, it is not a speed assertion.
WAIT_SECONDS = 20


def xpath_string(text):
    """An XPath 1.0 string literal (no escapes exist; the UI's labels hold no double quote)."""
    assert '"' not in text
    return f'"{text}"'


def _binary():
    explicit = os.environ.get("SUNDIAL_BIN")
    if explicit:
        return explicit
    return str(REPO / ".build" / "debug" / "sundial")


class Server:
    """A running `sundial server`, plus a tiny JSON client for arranging and checking state."""

    def __init__(self):
        self.data_dir = tempfile.mkdtemp(prefix="sundial-e2e-")
        self.process = subprocess.Popen(
            [_binary(), "server", "--port", "0", "--data-dir", self.data_dir, "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        port = None
        for line in self.process.stdout:
            match = re.search(r"listening on http://[^:]+:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            raise RuntimeError("sundial server exited before listening")
        # Keep draining its output so it never blocks on a full pipe, into a file to read
        # when a test fails.
        log_path = REPO / ".build" / "e2e-server.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "w")

        def drain():
            for text in self.process.stdout:
                log.write(text)
                log.flush()
            log.write(f"-- server exited with {self.process.wait()}\n")
            log.close()

        threading.Thread(target=drain, daemon=True).start()
        self.url = f"http://127.0.0.1:{port}"

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    running = Server()
    yield running
    running.stop()


def _chrome(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-US", "--force-prefers-reduced-motion"):
        options.add_argument(argument)
    # An explicit chromedriver keeps Selenium Manager from trying to download one.
    service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT_SECONDS)
    return driver


@pytest.fixture(scope="session")
def browser():
    driver = _chrome(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture()
def phone():
    driver = _chrome(390, 844)
    yield driver
    driver.quit()


class Page:
    """What the tests do in the browser, in the words of the UI."""

    def __init__(self, driver, server):
        self.driver = driver
        self.server = server

    def open(self, hash_path="#/jobs"):
        # A URL differing only in its fragment would not reload the page.
        self.driver.get("about:blank")
        self.driver.get(f"{self.server.url}/{hash_path}")
        return self.heading()

    def wait(self, condition, message=""):
        # Views redraw while the test looks at them; a stale element just means "look again".
        return WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(condition, message)

    def find(self, css):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), f"no visible {css}")

    def heading(self):
        return self.find("main h1").text

    def wait_heading(self, text):
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == text, f"heading never became {text!r}")

    def field(self, label):
        """The input, select or textarea whose visible <label> reads `label`."""
        xpath = f"//label[normalize-space(.)={xpath_string(label)} or normalize-space(.)={xpath_string(label + ' *')}]"
        element = self.wait(EC.visibility_of_element_located((By.XPATH, xpath)), f"no label {label!r}")
        return self.driver.find_element(By.ID, element.get_attribute("for"))

    def fill(self, label, value):
        element = self.field(label)
        # Select all and delete, as a person would: clear() fires no input event.
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.BACKSPACE)
        if value:
            element.send_keys(value)
        return element

    def button(self, text):
        xpath = f"//main//button[normalize-space(.)={xpath_string(text)}] | //main//a[normalize-space(.)={xpath_string(text)}] | //dialog//button[normalize-space(.)={xpath_string(text)}]"
        return self.wait(EC.element_to_be_clickable((By.XPATH, xpath)), f"no button {text!r}")

    def click(self, text):
        self.button(text).click()

    def error_beside(self, label):
        """The validation messages shown in the field wrapper of the labelled control."""
        control = self.field(label)
        wrapper = control.find_element(By.XPATH, "./ancestor::div[contains(@class,'field')][1]")
        self.wait(lambda d: wrapper.find_elements(By.CSS_SELECTOR, ".field-error"), f"no error beside {label!r}")
        return [e.text for e in wrapper.find_elements(By.CSS_SELECTOR, ".field-error")], control

    def screenshot(self, name):
        """Saves docs/screenshots/NAME.png when SUNDIAL_SCREENSHOTS names a folder."""
        folder = os.environ.get("SUNDIAL_SCREENSHOTS")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        # Grow the window to the page's height so the picture shows the whole page.
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        inner = self.driver.execute_script("return window.innerHeight")
        self.driver.set_window_size(size["width"], min(size["height"] - inner + height, 3000))
        try:
            self.driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        finally:
            self.driver.set_window_size(size["width"], size["height"])


@pytest.fixture()
def page(browser, server):
    return Page(browser, server)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps a screenshot of the browser when a test fails, for debugging CI runs."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for name in ("browser", "phone"):
            driver = item.funcargs.get(name)
            if driver is not None:
                folder = REPO / ".build" / "e2e-failures"
                folder.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(folder / f"{item.name}.png"))

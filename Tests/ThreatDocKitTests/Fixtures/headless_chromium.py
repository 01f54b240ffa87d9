"""Headless Debian Chromium driven by Selenium through Debian's chromedriver, for the browser tests.

Every host name fails to resolve and there is no usable proxy, so nothing a page asks for can leave the
machine; the background services Chromium would start are off.
"""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start(*extra_arguments, allow_loopback=False):
    """allow_loopback lets pages reach 127.0.0.1 (the live-preview test's server), and nothing else."""
    options = webdriver.ChromeOptions()
    rules = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" if allow_loopback else "MAP * ~NOTFOUND"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--host-resolver-rules=" + rules, "--proxy-server=127.0.0.1:9", *extra_arguments]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

"""Drives `threatdoc serve` in headless Chromium: the page updates after a model changes, and shows the
error overlay after the model breaks.

Usage: python3 serve_check.py URL MODEL_FILE   Prints one JSON object with what it saw, and how fast.
"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import headless_chromium  # noqa: E402

url, model = sys.argv[1], pathlib.Path(sys.argv[2])
result = {}
driver = headless_chromium.start("--window-size=1280,900", allow_loopback=True)
try:
    driver.set_page_load_timeout(20)
    driver.get(url)
    heading = lambda: driver.execute_script("return (document.querySelector('h1') || {}).textContent || ''")
    result["before"] = heading()
    result["scripts"] = driver.execute_script("return Array.from(document.scripts).map(s => s.getAttribute('src'))")
    time.sleep(0.5)  # the page's WebSocket connects

    text = model.read_text(encoding="utf-8")
    model.write_text(text.replace("title: Web application", "title: Renamed while serving"), encoding="utf-8")
    start = time.monotonic()
    while time.monotonic() - start < 10 and "Renamed while serving" not in heading():
        time.sleep(0.05)
    result["updated"] = "Renamed while serving" in heading()
    result["update_seconds"] = round(time.monotonic() - start, 3)

    model.write_text(text + "\nbroken: [\n", encoding="utf-8")
    start = time.monotonic()
    overlay = lambda: driver.execute_script("var o = document.getElementById('threatdoc-overlay'); return o ? o.textContent : ''")
    while time.monotonic() - start < 10 and "error[" not in overlay():
        time.sleep(0.05)
    result["overlay"] = overlay()
    result["overlay_seconds"] = round(time.monotonic() - start, 3)

    model.write_text(text, encoding="utf-8")
    start = time.monotonic()
    while time.monotonic() - start < 10 and (overlay() or "Web application" not in heading()):
        time.sleep(0.05)
    result["recovered"] = not overlay() and "Web application" in heading()
except Exception as error:  # reported, not raised: the test shows it
    result["error"] = repr(error)[:2000]
finally:
    driver.quit()
print(json.dumps(result))

"""portal/accounts/devices.py: sessions named as people name their devices."""

import pytest

import portal.capabilities  # noqa: F401  (registers every capability's words)
from portal.accounts.devices import device_name
from portal.core.i18n import translate
from tests.accounts.test_cabinet import second_client

RU, EN = (lambda key: translate("ru", key)), (lambda key: translate("en", key))
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID = ("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Mobile Safari/537.36")
MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/17.5 Safari/605.1.15")


@pytest.mark.parametrize(("agent", "ru", "en"), [
    (CHROME_WINDOWS, "Chrome 131 на Windows", "Chrome 131 on Windows"),
    (IPHONE, "Mobile Safari 17 на iPhone", "Mobile Safari 17 on iPhone"),
    (ANDROID, "Chrome Mobile 131 на Android 14", "Chrome Mobile 131 on Android 14"),
    (MAC, "Safari 17 на macOS", "Safari 17 on macOS"),
])
def test_known_browsers_read_as_browser_on_system(agent, ru, en):
    assert device_name(agent, RU) == ru and device_name(agent, EN) == en


def test_an_unknown_agent_keeps_its_text_shortened_and_none_is_a_question_mark():
    assert device_name("Firefox-Laptop/1.0", RU) == "Firefox-Laptop/1.0"
    assert device_name("x" * 500, RU) == "x" * 80
    assert device_name(None, RU) == device_name("", RU) == "?"


def test_the_cabinet_names_each_device(app, member):
    laptop = second_client(app, member.email, CHROME_WINDOWS)
    html = laptop.get("/account/").text
    assert "Chrome 131 на Windows" in html and "Windows NT 10.0" not in html
    assert "testclient" in html  # the member's first session: an agent the rules do not know, as written
    assert "Chrome 131 on Windows" in laptop.get("/account/?lang=en").text

"""Pages are Chinese by default, whatever the browser asks for; English is a choice."""

from django.conf import settings
from django.urls import reverse


def test_an_english_browser_still_gets_chinese_pages(cast):
    client = cast.client("office")
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "退出" in page and "Sign out" not in page


def test_a_user_who_chooses_english_gets_english(cast):
    client = cast.client("office")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("home")).content.decode()
    assert "Sign out" in page

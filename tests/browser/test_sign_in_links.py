"""The demo's one-time sign-in links: each signs its person in once, then no more."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import AUDITOR, Hub


def test_a_one_time_link_signs_in_once(page: Page, hub: Hub) -> None:
    link = hub.stack.sign_in_link("alex")
    page.goto(link)
    expect(page.get_by_role("heading", name="Search the audit log")).to_be_visible()
    page.context.clear_cookies()
    page.goto(link)  # used: the provider asks who is signing in instead
    expect(page.get_by_role("heading", name=f"Development sign-in for {AUDITOR}")).to_be_visible()

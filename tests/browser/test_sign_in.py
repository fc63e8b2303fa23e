"""Signing in and out, and the session's limits: idle timeout and CSRF."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import HOME, Hub, screenshot


def sign_in(page: Page, hub: Hub, organisation: str, name: str) -> None:
    """Through the hub's sign-in page and the provider's chooser, as a person would."""
    page.goto(f"{hub.url}/")
    page.get_by_label("Your organisation").select_option(label=organisation)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=f"Sign in as {name}").click()
    signed_in(page, hub)


def signed_in(page: Page, hub: Hub) -> None:
    """Wait for the provider's redirects to land on a signed-in page of the hub."""
    page.wait_for_url(re.compile(re.escape(hub.url) + r"/(inbox|audit|operator)"))
    page.wait_for_load_state("load")


def test_a_duty_worker_signs_in_and_lands_on_the_inbox(page: Page, hub: Hub) -> None:
    page.goto(f"{hub.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "sign-in")
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    expect(page.get_by_role("heading", name=f"Inbox for {HOME}")).to_be_visible()
    expect(page.get_by_text("Signed in as Dana Duty")).to_be_visible()


def test_the_session_cookie_is_secure_httponly_and_samesite(page: Page, hub: Hub) -> None:
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "homeward_session"]
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")


def test_an_idle_session_expires(page: Page, hub: Hub) -> None:
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    hub.clock.now += timedelta(minutes=29)
    page.goto(f"{hub.url}/inbox")
    expect(page.get_by_role("heading", name=f"Inbox for {HOME}")).to_be_visible()
    hub.clock.now += timedelta(minutes=31)
    page.goto(f"{hub.url}/inbox")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session expired")).to_be_visible()


def test_a_forged_csrf_token_is_refused(page: Page, hub: Hub) -> None:
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    page.locator("input[name=csrf]").first.evaluate("input => { input.value = 'forged' }")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    page.goto(f"{hub.url}/inbox")  # still signed in: the forged form did nothing
    expect(page.get_by_role("heading", name=f"Inbox for {HOME}")).to_be_visible()


def test_signing_out_ends_the_session(page: Page, hub: Hub) -> None:
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    page.goto(f"{hub.url}/inbox")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

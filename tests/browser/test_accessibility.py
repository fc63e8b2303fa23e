"""Every page passes axe-core's WCAG 2.2 AA rules, and the duty worker's path works with the
keyboard alone. axe.min.js is the npm package's build, committed beside this file (MPL-2.0)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import AUDITOR, REPORTER, Hub
from tests.browser.test_inbox import open_new_notification
from tests.browser.test_sign_in import sign_in, signed_in

AXE = Path(__file__).with_name("axe.min.js")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def axe_context(browser: Browser) -> Iterator[BrowserContext]:
    """axe is injected as a script the pages' CSP would refuse: this context bypasses CSP."""
    made = browser.new_context(bypass_csp=True)
    yield made
    made.close()


def violations(page: Page) -> list[str]:
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', ')))",
        WCAG_22_AA,
    )
    return [f"{page.url} {v}" for v in found]


def test_every_page_meets_wcag_22_aa(axe_context: BrowserContext, hub: Hub) -> None:
    page = axe_context.new_page()
    found: list[str] = []
    page.goto(f"{hub.url}/sign-in")
    found += violations(page)
    page.get_by_label("Your organisation").select_option(label=f"Bristol ({REPORTER})")
    page.get_by_role("button", name="Continue").click()
    found += violations(page)  # the development provider's chooser
    page.get_by_role("button", name="Sign in as Remi Reporter").click()
    signed_in(page, hub)
    found += violations(page)  # an empty inbox
    axe_context.clear_cookies()
    notification = open_new_notification(page, hub)
    found += violations(page)
    for path in (f"/notifications/{notification}", "/notifications/no-such-id"):
        page.goto(f"{hub.url}{path}")
        found += violations(page)
    page.get_by_role("link", name="Go to your start page").click()
    page.locator(f"tr[data-notification='{notification}'] a").click()
    page.get_by_role("link", name=re.compile("Everything E08000025")).click()
    found += violations(page)
    axe_context.clear_cookies()
    sign_in(page, hub, f"Scheme auditor ({AUDITOR})", "Alex Auditor")
    found += violations(page)
    page.locator("table a").first.click()
    found += violations(page)
    page.goto(f"{hub.url}/audit/verification")
    found += violations(page)
    axe_context.clear_cookies()
    sign_in(page, hub, "Scheme operator (E99999000)", "Olu Operator")
    for path in ("/operator", "/operator/webhooks", "/operator/policies"):
        page.goto(f"{hub.url}{path}")
        found += violations(page)
    assert found == []


def test_a_duty_worker_reads_and_acknowledges_with_the_keyboard_alone(page: Page, hub: Hub) -> None:
    notification = open_new_notification(page, hub)
    page.goto(f"{hub.url}/inbox")
    page.keyboard.press("Tab")
    expect(page.get_by_text("Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    link = page.locator(f"tr[data-notification='{notification}'] a")
    for _ in range(10):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    acknowledge = page.get_by_role("button", name="Acknowledge")
    for _ in range(10):
        page.keyboard.press("Tab")
        if acknowledge.evaluate("element => element === document.activeElement"):
            break
    expect(acknowledge).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Notification acknowledged")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    first_choice = page.get_by_label("Confirmed: this is our child")
    for _ in range(10):
        if first_choice.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(first_choice).to_be_checked()


def test_the_check_finds_a_violation_when_there_is_one(axe_context: BrowserContext) -> None:
    page = axe_context.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    assert any("image-alt" in v for v in violations(page))
    assert any("html-has-lang" in v for v in violations(page))


def test_docs_meet_wcag_22_aa(axe_context: BrowserContext, hub: Hub) -> None:
    page = axe_context.new_page()
    page.goto(f"{hub.url}/docs")
    expect(page.get_by_text("/v1/notifications").first).to_be_visible()
    assert violations(page) == []


def test_docs_stay_accessible_when_used(axe_context: BrowserContext, hub: Hub) -> None:
    """Trying an operation and opening the Authorize dialog render markup the first load lacks."""
    page = axe_context.new_page()
    page.goto(f"{hub.url}/docs")
    page.locator(".opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    expect(page.get_by_text("Server response").first).to_be_visible()
    found = violations(page)
    page.get_by_role("button", name="Authorize").first.click()
    expect(page.get_by_role("button", name="Close")).to_have_count(2)  # the icon and the text one
    found += page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id))",
        WCAG_22_AA,
    )
    assert found == []

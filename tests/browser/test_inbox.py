"""The duty inbox in a browser: a new urgent notification appears without reloading (and is
announced), is read in plain English, acknowledged and marked; no other authority sees it."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import HOME, REPORTER, Hub, screenshot
from tests.browser.story import looked_after_child, reported_missing
from tests.browser.test_sign_in import sign_in

NEWS_TIMEOUT_MS = 30_000  # the page polls every 5 seconds


def open_new_notification(page: Page, hub: Hub) -> str:
    """Signed in as Birmingham's duty worker, wait for Bristol's report to appear; its id."""
    child = looked_after_child(hub)
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    expect(page.get_by_text(f"There are no notifications for {HOME}")).to_be_visible()
    reported_missing(hub, child)
    row = page.locator("tr[data-notification]").first
    expect(row).to_be_visible(timeout=NEWS_TIMEOUT_MS)
    return str(row.get_attribute("data-notification"))


def test_a_new_urgent_notification_appears_is_read_acknowledged_and_marked(
    page: Page, hub: Hub
) -> None:
    notification = open_new_notification(page, hub)
    expect(page.locator("#inbox-announcer")).to_have_text("1 new notification, 1 urgent")
    expect(page.locator("#inbox-summary")).to_have_text("1 unread, 1 urgent.")
    row = page.locator(f"tr[data-notification='{notification}']")
    expect(row.get_by_text("Urgent")).to_be_visible()
    expect(row).to_have_class(re.compile("homeward-unread"))
    screenshot(page, "inbox")

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("Reported missing"))).to_be_visible()
    details = page.locator(".govuk-summary-list")
    expect(details).to_contain_text(f"Bristol ({REPORTER})")
    expect(details).to_contain_text(f"Duty team, 0121 000 {REPORTER[-4:]}")
    expect(details).to_contain_text("Wednesday 25 November 2026 at 1:30am GMT")
    expect(details).to_contain_text("Sealed by your connector")
    expect(details).to_contain_text("notify-responsible-authority v2")
    screenshot(page, "notification")

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Notification acknowledged")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    page.get_by_label("Confirmed: this is our child").check()
    page.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_text("Verdict saved")).to_be_visible()
    expect(details).to_contain_text("Confirmed: this is our child")

    page.get_by_role("link", name=re.compile("Everything E08000025 has been told")).click()
    expect(page.get_by_role("heading", name=re.compile("^Case "))).to_be_visible()
    screenshot(page, "case")
    page.goto(f"{hub.url}/inbox")
    expect(page.locator(f"tr[data-notification='{notification}']")).to_contain_text("Acknowledged")


def test_another_authority_cannot_see_it_by_any_url(page: Page, hub: Hub) -> None:
    notification = open_new_notification(page, hub)
    page.locator(f"tr[data-notification='{notification}'] a").click()
    case = page.locator(".govuk-caption-l").inner_text().removeprefix("Case ")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, hub, f"Bristol ({REPORTER})", "Remi Reporter")
    expect(page.locator(f"tr[data-notification='{notification}']")).to_have_count(0)
    answer = page.goto(f"{hub.url}/notifications/{notification}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="No such resource")).to_be_visible()
    page.goto(f"{hub.url}/cases/{case}")  # Bristol reported it: it sees only what it was told
    expect(page.locator("main")).to_contain_text(f"Everything {REPORTER} has been told")
    expect(page.locator(f"a[href='/notifications/{notification}']")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("linked automatically")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    for action in ("acknowledge", "disposition"):
        answer = page.request.post(
            f"{hub.url}/notifications/{notification}/{action}",
            form={"csrf": str(csrf), "disposition": "false_match"},
        )
        assert answer.status == 404
    page.context.clear_cookies()
    sign_in(page, hub, f"Birmingham ({HOME})", "Dana Duty")
    row = page.locator(f"tr[data-notification='{notification}']")
    expect(row.get_by_text("Urgent")).to_be_visible()  # untouched by Bristol's attempts

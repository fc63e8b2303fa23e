"""The auditor finds the case trail (including the duty worker's read), exports it and sees the
log verify; the operator's pages show the hub's configuration and nothing about children;
/docs works from the hub's own assets."""

import json
import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import AUDITOR, HOME, Hub, screenshot
from tests.browser.test_inbox import open_new_notification
from tests.browser.test_sign_in import sign_in


def test_an_auditor_finds_the_case_trail_including_the_duty_workers_read(
    page: Page, hub: Hub
) -> None:
    notification = open_new_notification(page, hub)
    page.locator(f"tr[data-notification='{notification}'] a").click()
    case = page.locator(".govuk-caption-l").inner_text().removeprefix("Case ")
    page.context.clear_cookies()

    sign_in(page, hub, f"Scheme auditor ({AUDITOR})", "Alex Auditor")
    page.get_by_label("Case reference or notification").fill(case)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table")).to_contain_text("match.link")
    screenshot(page, "audit-search")
    page.get_by_role("link", name=case).first.click()
    trail = page.locator("table tbody")
    expect(trail).to_contain_text("notification.create")
    expect(trail).to_contain_text("notify-responsible-authority v2")
    read = trail.locator("tr", has_text="notifications.read").filter(has_text="dana")
    expect(read.first).to_contain_text(HOME)
    screenshot(page, "audit-case")

    with page.expect_download() as download:
        page.get_by_role("link", name="JSON Lines").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    assert {"match.link", "notification.create", "notifications.read"} <= set(actions)


def test_the_auditor_sees_the_log_verify_and_stay_consistent(page: Page, hub: Hub) -> None:
    sign_in(page, hub, f"Scheme auditor ({AUDITOR})", "Alex Auditor")
    page.get_by_role("link", name="Verification").click()
    expect(page.get_by_role("heading", name="The log verifies")).to_be_visible()
    expect(page.get_by_text("This is the first checkpoint you have been shown")).to_be_visible()
    hub.clock.now += timedelta(minutes=6)  # the next checkpoint is due
    page.reload()
    expect(page.get_by_text("Consistent: the log only grew since.")).to_be_visible()
    screenshot(page, "audit-verification")


def test_the_operator_pages_show_configuration_and_nothing_about_children(
    page: Page, hub: Hub
) -> None:
    notification = open_new_notification(page, hub)
    page.context.clear_cookies()
    sign_in(page, hub, "Scheme operator (E99999000)", "Olu Operator")
    expect(page.get_by_role("heading", name="Authorities and clients")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Birmingham")
    screenshot(page, "operator-authorities")
    for link, name in (("Webhooks", "operator-webhooks"), ("Policies", "operator-policies")):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.locator("main")).not_to_contain_text(notification)
        expect(page.locator("main")).not_to_contain_text(re.compile("HW-[0-9A-F]{12}"))
        screenshot(page, name)
    answer = page.goto(f"{hub.url}/inbox")
    assert answer is not None and answer.status == 403


def test_docs_work_offline_from_the_hubs_own_assets(page: Page, hub: Hub) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(hub.url) else None)
    page.goto(f"{hub.url}/docs")
    expect(page.get_by_role("button", name=re.compile("Authorize"))).to_be_visible()
    expect(page.get_by_text("/v1/notifications").first).to_be_visible()
    screenshot(page, "docs")
    assert outside == []

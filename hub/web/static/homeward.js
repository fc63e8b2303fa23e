// The pages' only script (a module: the Content-Security-Policy allows no inline script).
// Everything works without it; with it, GOV.UK components start and the inbox updates itself.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const POLL_MS = 5000;
const inbox = document.getElementById("inbox");
const announcer = document.getElementById("inbox-announcer");

function latest() {
  const table = document.getElementById("inbox-table");
  return table ? Number(table.dataset.latest || 0) : 0;
}

function announce(fresh, urgent) {
  const what = fresh === 1 ? "1 new notification" : `${fresh} new notifications`;
  announcer.textContent = urgent > 0 ? `${what}, ${urgent} urgent` : what;
}

async function poll() {
  try {
    const answer = await fetch(`${inbox.dataset.news}?after=${latest()}`, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (answer.redirected || answer.status === 401) {
      window.location.assign("/sign-in?notice=expired");
      return;
    }
    if (answer.status === 200) {
      inbox.innerHTML = await answer.text();
      announce(
        Number(answer.headers.get("X-Inbox-New") || 0),
        Number(answer.headers.get("X-Inbox-New-Urgent") || 0),
      );
    }
  } catch (error) {
    // the hub is unreachable for now: try again at the next tick
  }
  window.setTimeout(poll, POLL_MS);
}

if (inbox && announcer) {
  window.setTimeout(poll, POLL_MS);
}

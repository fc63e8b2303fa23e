// Starts Swagger UI on /docs (no inline script: the hub's Content-Security-Policy forbids it).
// deepLinking stays off: its anchors sit inside each operation's summary button (WCAG 2.2 AA).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  oauth2RedirectUrl: window.location.origin + "/static/swagger/oauth2-redirect.html",
  deepLinking: false,
});

// Swagger UI's dialogs close with an icon-only button that has no accessible name: name it.
function nameCloseButtons(root) {
  root.querySelectorAll(".close-modal:not([aria-label])").forEach((button) => {
    button.setAttribute("aria-label", "Close");
  });
}
new MutationObserver(() => nameCloseButtons(document)).observe(
  document.getElementById("swagger-ui"),
  { childList: true, subtree: true },
);

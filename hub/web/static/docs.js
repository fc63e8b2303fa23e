// Starts Swagger UI on /docs (no inline script: the hub's Content-Security-Policy forbids it).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  oauth2RedirectUrl: window.location.origin + "/static/swagger/oauth2-redirect.html",
  deepLinking: false,
});

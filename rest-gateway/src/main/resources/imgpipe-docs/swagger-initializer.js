// Swagger UI on this gateway's OpenAPI file (served by ApiExplorer in place of the webjar's example).
// validatorUrl null: no badge fetched from validator.swagger.io, so nothing leaves this origin.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "../openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};

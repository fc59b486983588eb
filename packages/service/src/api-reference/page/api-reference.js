// Renders the committed OpenAPI document with Redoc's standalone bundle (served beside this file).
// Search is off: Redoc runs it in a worker made from a blob, which the page's CSP does not allow.
/* global Redoc */
Redoc.init(
  '/openapi.json',
  { disableSearch: true, hideDownloadButton: false, expandResponses: '200,202' },
  document.getElementById('api-reference'),
);

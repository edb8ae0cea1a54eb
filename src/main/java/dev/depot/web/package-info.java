/**
 * The web page at {@code /depot/}: its files (HTML, CSS, ES modules, and tus-js-client's browser
 * build, which the build fetches) are static resources of the WAR under {@code src/main/webapp}, and
 * it talks to Depot only through the public API ({@code /api/session}, {@code /api/uploads}, {@code
 * /api/files}, {@code /api/metadata}, {@code /api/links}), as any other client. This package only sets
 * the headers that protect the page; it must not serve data or decide access (the API does).
 */
package dev.depot.web;

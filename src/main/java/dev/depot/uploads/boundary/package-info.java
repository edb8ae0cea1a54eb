/** The tus protocol over HTTP: {@code /api/uploads}, its headers, version check, method override and CORS. */
package dev.depot.uploads.boundary;

/**
 * The resumable upload engine: create, append at an offset, complete, terminate, expire; one writer
 * per upload; the running SHA-256; the JPA repository of upload rows. Knows nothing of HTTP.
 */
package dev.depot.uploads.control;

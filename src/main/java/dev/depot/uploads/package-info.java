/**
 * Resumable uploads (tus 1.0): upload sessions kept as rows, their received bytes in the store's
 * partial files, offsets, checksums, expiry and concatenation. A complete upload is published through
 * the file API's own path ({@code files.control.Uploads}), so it gets every guarantee a {@code PUT}
 * has. It uses {@code storage} and {@code access}; neither knows it.
 */
package dev.depot.uploads;

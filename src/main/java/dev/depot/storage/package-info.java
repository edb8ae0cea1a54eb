/**
 * Depot's storage engine: bytes under keys ({@code BlobStore} on a filesystem), the rows that describe
 * them (the {@code StoredFile} entity and its repository), what a key may be, space admission, the
 * per-path locks that keep a file and its row together, and crash recovery. It knows neither HTTP nor
 * who is asking: the features above it ({@code files}, and later resumable uploads) validate requests,
 * set limits and map its failures to answers.
 */
package dev.depot.storage;

/**
 * The JPA records of the storage engine: a stored file ({@code StoredFile}) and the store it lives in
 * ({@code Store}). Must not hold behaviour beyond their own consistency.
 */
package dev.depot.storage.entity;

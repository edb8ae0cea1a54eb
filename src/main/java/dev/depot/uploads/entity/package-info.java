/** The upload row: one per resumable upload, its committed offset and expiry. */
package dev.depot.uploads.entity;

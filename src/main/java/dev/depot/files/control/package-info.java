/**
 * Use cases and engines for stored files: {@link dev.depot.files.control.Uploads} (store one stream
 * under one path), {@link dev.depot.files.control.MultipartUploads} (stream a multipart body part by
 * part), {@link dev.depot.files.control.FileSystemBlobStore} (stage, fsync, atomic publish), {@link
 * dev.depot.files.control.StoragePaths} (what an untrusted path may be) and {@link
 * dev.depot.files.control.StoredFiles} (the JPA repository). Nothing here may depend on JAX-RS or
 * servlet types; failures are {@link dev.depot.files.control.DepotException}s with stable codes.
 */
package dev.depot.files.control;

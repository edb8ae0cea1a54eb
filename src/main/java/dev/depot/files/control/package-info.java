/**
 * Use cases of the file API: {@link dev.depot.files.control.Uploads} (store one stream under one
 * path, optionally conditional and digest-checked), {@link dev.depot.files.control.MultipartUploads}
 * (stream a multipart body part by part), {@link dev.depot.files.control.Downloads} (a file's row, and
 * its bytes opened consistently with it), {@link dev.depot.files.control.Listings} (keyset pages of
 * rows), {@link dev.depot.files.control.Removals} (file and row go together), {@link
 * dev.depot.files.control.QuotaAdmission} (each user within their quota, reserved while uploads run)
 * and {@link dev.depot.files.control.Usages} (what users have stored). They store and read
 * through {@code dev.depot.storage}; everything that changes or reads a path's file and row together
 * does it under the path's lock ({@code PathLocks}). Nothing here may depend on JAX-RS or servlet
 * types; failures are {@link dev.depot.problem.DepotException}s with stable codes.
 */
package dev.depot.files.control;

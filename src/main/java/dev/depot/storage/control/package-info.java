/**
 * The storage engine's workings: {@link dev.depot.storage.control.FileSystemBlobStore} (stage, fsync,
 * atomic publish, open, remove), {@link dev.depot.storage.control.StoragePaths} (what an untrusted key
 * may be), {@link dev.depot.storage.control.SpaceAdmission}, {@link dev.depot.storage.control.PathLocks},
 * {@link dev.depot.storage.control.StoredFiles} (the JPA repository), {@link
 * dev.depot.storage.control.Recovery} and the schema migrations. Nothing here may depend on JAX-RS,
 * servlet types or the {@code files} feature; failures are {@link dev.depot.problem.DepotException}s.
 */
package dev.depot.storage.control;

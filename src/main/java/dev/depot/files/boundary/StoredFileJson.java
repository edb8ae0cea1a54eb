package dev.depot.files.boundary;

import dev.depot.storage.entity.StoredFile;

/** A stored file as the API shows it; sizes in bytes, sha256 lowercase hex, times ISO-8601 UTC. */
public record StoredFileJson(
    String path, long size, String sha256, String contentType, String created, String modified, String createdBy, String modifiedBy) {

  static StoredFileJson of(StoredFile file) {
    return new StoredFileJson(
        file.getPath(),
        file.getSize(),
        file.getSha256(),
        file.getContentType(),
        file.getCreated().toString(),
        file.getModified().toString(),
        file.getCreatedBy(),
        file.getModifiedBy());
  }
}

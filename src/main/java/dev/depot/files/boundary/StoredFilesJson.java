package dev.depot.files.boundary;

import java.util.List;

/** The answer to a multipart upload: every stored file, in the order of its part. */
public record StoredFilesJson(List<StoredFileJson> files) {}

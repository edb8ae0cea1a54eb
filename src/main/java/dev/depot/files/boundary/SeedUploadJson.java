package dev.depot.files.boundary;

/** The seed application's {@code /upload} answer, kept so its clients work unchanged. */
public record SeedUploadJson(String filename, long bytes) {}

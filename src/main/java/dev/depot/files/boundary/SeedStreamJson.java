package dev.depot.files.boundary;

/** The seed application's {@code /stream} answer: where the stored file can be fetched. */
public record SeedStreamJson(String loc) {}

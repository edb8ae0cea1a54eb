package dev.depot.config;

import java.nio.file.Path;

/**
 * Where stored files live ({@code results}) and where uploads are staged until complete
 * ({@code temp}). Both are absolute and normalised; they are checked and created by {@link
 * DepotSettings} before a layout is handed out.
 */
public record StorageLayout(Path results, Path temp) {}

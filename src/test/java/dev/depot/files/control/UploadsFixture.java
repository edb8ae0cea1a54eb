package dev.depot.files.control;

import dev.depot.config.DepotSettings;
import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.StoredFiles;

/** An {@link Uploads} for unit tests, wired as CDI would wire it. */
public final class UploadsFixture {

  private UploadsFixture() {}

  public static Uploads wire(DepotSettings settings, StoredFiles rows, PathLocks locks) {
    Uploads uploads = new Uploads();
    uploads.settings = settings;
    uploads.storedFiles = rows;
    uploads.admission = InMemoryStoredFiles.admission(settings);
    uploads.locks = locks;
    return uploads;
  }
}

package dev.depot.files.control;

import dev.depot.storage.control.StorageFixture;

/** An {@link Uploads} (and friends) for unit tests, wired as CDI would wire them. */
public final class UploadsFixture {

  private UploadsFixture() {}

  public static Uploads wire(StorageFixture storage) {
    Uploads uploads = new Uploads();
    uploads.settings = storage.settings;
    uploads.storedFiles = storage.rows;
    uploads.admission = storage.admission();
    uploads.locks = storage.locks;
    uploads.stores = storage.stores;
    return uploads;
  }

  public static Downloads downloads(StorageFixture storage) {
    Downloads downloads = new Downloads();
    downloads.settings = storage.settings;
    downloads.storedFiles = storage.rows;
    downloads.stores = storage.stores;
    downloads.locks = storage.locks;
    return downloads;
  }

  public static Removals removals(StorageFixture storage) {
    Removals removals = new Removals();
    removals.storedFiles = storage.rows;
    removals.stores = storage.stores;
    removals.locks = storage.locks;
    return removals;
  }
}

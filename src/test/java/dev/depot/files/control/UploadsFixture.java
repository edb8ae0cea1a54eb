package dev.depot.files.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.storage.control.StorageFixture;
import java.util.Set;

/** An {@link Uploads} (and friends) for unit tests, wired as CDI would wire them. */
public final class UploadsFixture {

  /** The caller of the unit tests' uploads: a member of depot-writer, which the default grants let write anywhere. */
  public static final Caller WRITER = Caller.user("tester", Set.of(Caller.ROLE_WRITER), Caller.Via.BASIC);

  private UploadsFixture() {}

  public static Uploads wire(StorageFixture storage) {
    return wire(storage, WRITER);
  }

  /** An {@link Uploads} whose every upload comes from {@code caller}. */
  public static Uploads wire(StorageFixture storage, Caller caller) {
    Uploads uploads = new Uploads();
    uploads.settings = storage.settings;
    uploads.storedFiles = storage.rows;
    uploads.admission = storage.admission();
    uploads.locks = storage.locks;
    uploads.stores = storage.stores;
    uploads.access = AccessPolicy.forCaller(storage.settings, caller);
    uploads.slots = dev.depot.access.control.UploadSlots.of(storage.settings);
    uploads.quotas = QuotaAdmission.of(dev.depot.access.control.Quotas.of(storage.settings), storage.rows);
    uploads.published = new IgnoredEvents<>();
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

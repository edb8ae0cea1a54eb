package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** The storage engine wired for unit tests as CDI would wire it, over in-memory rows. */
public final class StorageFixture {

  public final DepotSettings settings;
  public final InMemoryStoredFiles rows;
  public final InMemoryStoreRecords records;
  public final PathLocks locks = new PathLocks();
  public final Stores stores;
  /** The stores attached so far, in order (what recovery would be told). */
  public final List<Stores.Attachment> attached = new CopyOnWriteArrayList<>();

  public StorageFixture(DepotSettings settings) {
    this(settings, new InMemoryStoredFiles());
  }

  public StorageFixture(DepotSettings settings, InMemoryStoredFiles rows) {
    this.settings = settings;
    this.rows = rows;
    this.records = new InMemoryStoreRecords(rows);
    this.stores = stores(records);
  }

  /** Another {@link Stores} over the same database: a restart. */
  public Stores restart() {
    return stores(records);
  }

  private Stores stores(StoreRecords records) {
    Stores stores = new Stores();
    stores.settings = settings;
    stores.records = records;
    stores.attached = new Recording();
    return stores;
  }

  public SpaceAdmission admission() {
    return InMemoryStoredFiles.admission(settings);
  }

  public Recovery recovery() {
    Recovery recovery = new Recovery();
    recovery.settings = settings;
    recovery.storedFiles = rows;
    recovery.locks = locks;
    recovery.stores = stores;
    return recovery;
  }

  /** A blob store on the current store, whose fsync fails as {@code syncer} says. */
  public FileSystemBlobStore blobStore(boolean fsync, FileSystemBlobStore.Syncer syncer) {
    return new FileSystemBlobStore(stores.currentAttachment(), fsync, syncer);
  }

  private final class Recording implements Event<Stores.Attachment> {
    @Override
    public void fire(Stores.Attachment event) {
      attached.add(event);
    }

    @Override
    public <U extends Stores.Attachment> CompletionStage<U> fireAsync(U event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <U extends Stores.Attachment> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Event<Stores.Attachment> select(Annotation... qualifiers) {
      return this;
    }

    @Override
    public <U extends Stores.Attachment> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <U extends Stores.Attachment> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
      throw new UnsupportedOperationException();
    }
  }
}

package dev.depot.storage.control;

import dev.depot.storage.entity.Store;
import dev.depot.storage.entity.StoredFile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link StoreRecords} without a database, over the rows of an {@link InMemoryStoredFiles}. */
public class InMemoryStoreRecords extends StoreRecords {

  public final Map<String, Store> stores = new ConcurrentHashMap<>();
  private final InMemoryStoredFiles rows;

  public InMemoryStoreRecords(InMemoryStoredFiles rows) {
    this.rows = rows;
  }

  @Override
  public List<Store> all() {
    return stores.values().stream().sorted(java.util.Comparator.comparing(Store::getCreated)).toList();
  }

  @Override
  public Store register(String id, String location) {
    Store store = new Store(id, location, Instant.now());
    stores.put(id, store);
    return store;
  }

  @Override
  public void relocate(String id, String location) {
    stores.get(id).moveTo(location);
  }

  @Override
  public long rows(String storeId) {
    return rows.countInStore(storeId);
  }

  @Override
  public long rowsWithoutStore() {
    return rows.rows.values().stream().filter(f -> f.getStoreId() == null).count();
  }

  @Override
  public List<StoredFile> withoutStore(int limit) {
    return rows.rows.values().stream().filter(f -> f.getStoreId() == null).limit(limit).toList();
  }

  @Override
  public int claimRowsWithoutStore(String storeId) {
    int n = 0;
    for (StoredFile f : rows.rows.values()) {
      if (f.getStoreId() == null) {
        f.locate(storeId, null);
        n++;
      }
    }
    return n;
  }
}

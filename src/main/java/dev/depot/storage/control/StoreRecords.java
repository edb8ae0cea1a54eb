package dev.depot.storage.control;

import dev.depot.storage.entity.Store;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JPA repository of {@link Store}s, and the counts the attach decision needs. Each method is its
 * own short transaction: a store is attached outside any request's transaction.
 */
@ApplicationScoped
public class StoreRecords {

  @PersistenceContext(unitName = "depot")
  EntityManager em;

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<Store> all() {
    return em.createNamedQuery(Store.ALL, Store.class).getResultList();
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Store register(String id, String location) {
    Store store = new Store(id, location, Instant.now().truncatedTo(ChronoUnit.MICROS));
    em.persist(store);
    return store;
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void relocate(String id, String location) {
    Store store = em.find(Store.class, id);
    if (store != null) {
      store.moveTo(location);
    }
  }

  /** How many rows live in {@code storeId}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public long rows(String storeId) {
    return em.createNamedQuery(StoredFile.COUNT_IN_STORE, Long.class).setParameter("store", storeId).getSingleResult();
  }

  /** How many rows an older Depot wrote, before stores existed. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public long rowsWithoutStore() {
    return em.createNamedQuery(StoredFile.COUNT_WITHOUT_STORE, Long.class).getSingleResult();
  }

  /** Up to {@code limit} rows without a store, to look for their files. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<StoredFile> withoutStore(int limit) {
    return em.createNamedQuery(StoredFile.WITHOUT_STORE, StoredFile.class).setMaxResults(limit).getResultList();
  }

  /**
   * Gives every row without a store to {@code storeId}. A bulk update bypasses the providers' shared
   * caches, so the cached rows are evicted.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public int claimRowsWithoutStore(String storeId) {
    int claimed = em.createNamedQuery(StoredFile.CLAIM).setParameter("store", storeId).executeUpdate();
    em.getEntityManagerFactory().getCache().evict(StoredFile.class);
    return claimed;
  }
}

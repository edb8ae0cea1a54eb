package dev.depot.uploads.control;

import dev.depot.uploads.entity.ResumableUpload;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Upload rows in memory, with the database's semantics the engine relies on: every read is a copy
 * (a detached entity), and an update applies only over the version it was read at and moves it on.
 */
class InMemoryResumableUploadRecords extends ResumableUploadRecords {

  final Map<String, ResumableUpload> rows = new ConcurrentHashMap<>();
  /** Claims by upload id: {token, until (epoch ms)}, as the two unmapped columns hold them. */
  final Map<String, Object[]> claims = new ConcurrentHashMap<>();

  @Override
  public synchronized boolean claim(String id, String token, long nowMs, long untilMs) {
    if (!rows.containsKey(id)) {
      return false;
    }
    Object[] held = claims.get(id);
    if (held != null && !held[0].equals(token) && (long) held[1] >= nowMs) {
      return false;
    }
    claims.put(id, new Object[] {token, untilMs});
    return true;
  }

  @Override
  public synchronized void release(String id, String token) {
    Object[] held = claims.get(id);
    if (held != null && held[0].equals(token)) {
      claims.remove(id);
    }
  }

  @Override
  public void insert(ResumableUpload upload) {
    if (rows.putIfAbsent(upload.getId(), copy(upload)) != null) {
      throw new IllegalStateException("duplicate key " + upload.getId());
    }
  }

  @Override
  public Optional<ResumableUpload> find(String id) {
    return Optional.ofNullable(rows.get(id)).map(InMemoryResumableUploadRecords::copy);
  }

  @Override
  public synchronized Optional<ResumableUpload> update(String id, long version, Consumer<ResumableUpload> change) {
    ResumableUpload row = rows.get(id);
    if (row == null || row.getVersion() != version) {
      return Optional.empty();
    }
    ResumableUpload changed = copy(row);
    change.accept(changed);
    set(changed, "version", version + 1);
    rows.put(id, changed);
    return Optional.of(copy(changed));
  }

  @Override
  public boolean delete(String id) {
    return rows.remove(id) != null;
  }

  @Override
  public List<String> expired(Instant now, int max) {
    List<String> ids = new ArrayList<>();
    rows.values().stream().filter(r -> r.getExpires().isBefore(now)).limit(max).forEach(r -> ids.add(r.getId()));
    return ids;
  }

  @Override
  public List<String> idsInStore(String storeId) {
    return rows.values().stream().filter(r -> r.getStoreId().equals(storeId)).map(ResumableUpload::getId).toList();
  }

  /** Moves a row's expiry (to make it expire in a test). */
  void expire(String id, Instant at) {
    ResumableUpload row = rows.get(id);
    row.setExpires(at);
  }

  static ResumableUpload copy(ResumableUpload row) {
    try {
      var constructor = ResumableUpload.class.getDeclaredConstructor();
      constructor.setAccessible(true);
      ResumableUpload copy = constructor.newInstance();
      for (Field f : ResumableUpload.class.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          f.setAccessible(true);
          f.set(copy, f.get(row));
        }
      }
      return copy;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(ResumableUpload row, String field, Object value) {
    try {
      Field f = ResumableUpload.class.getDeclaredField(field);
      f.setAccessible(true);
      f.set(row, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

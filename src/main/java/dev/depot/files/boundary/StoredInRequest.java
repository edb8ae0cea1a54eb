package dev.depot.files.boundary;

import dev.depot.files.control.Uploads;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.util.ArrayList;
import java.util.List;

/**
 * The files the current request stored, in order, as {@link Uploads} published them: what {@link
 * AuditFilter} records as writes. Taken from the store itself rather than from the answer, because the
 * answer cannot tell all of it: a multipart request that fails half-way keeps the parts stored before
 * the failure and answers only the failure, and the seed endpoints' answers carry neither the path
 * ({@code /upload}) nor the size and digest ({@code /stream}).
 */
@RequestScoped
public class StoredInRequest {

  /** One stored file: its path, size, SHA-256 and whether the path was new. */
  public record File(String path, long size, String sha256, boolean created) {}

  private final List<File> files = new ArrayList<>();

  /**
   * {@code IF_EXISTS}: only a request that {@link AuditFilter} began collects; code that stores outside
   * such a request is not failed by an inactive request context.
   */
  public void published(@Observes(notifyObserver = Reception.IF_EXISTS) Uploads.Stored stored) {
    files.add(new File(stored.file().getPath(), stored.file().getSize(), stored.file().getSha256(), stored.created()));
  }

  /** Makes this request's instance exist, so that it receives what the request stores. */
  public void begin() {
    files.clear();
  }

  public List<File> files() {
    return List.copyOf(files);
  }
}

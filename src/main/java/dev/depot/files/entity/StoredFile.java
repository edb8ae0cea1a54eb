package dev.depot.files.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The metadata of one stored file, keyed by its path under the results directory. The id is generated
 * by the application (a UUID): EclipseLink's IDENTITY DDL is rejected by Payara's H2 2.2, and
 * {@code @GeneratedValue(AUTO)} means different things on EclipseLink and Hibernate.
 *
 * <p>Times are kept to the microsecond, the precision the column holds ({@code timestamp(6)}, what
 * Hibernate and most databases use): a row read back must show the very time the upload that wrote it
 * answered. Hibernate (WildFly) re-reads the row, so a nanosecond {@code Instant.now()} came back
 * shortened; EclipseLink (Payara) served its cached copy, so the two servers disagreed.
 */
@Entity
@Table(name = "stored_file", uniqueConstraints = @UniqueConstraint(name = "uk_stored_file_path", columnNames = "path"))
@NamedQuery(name = StoredFile.FIND_BY_PATH, query = "SELECT f FROM StoredFile f WHERE f.path = :path")
public class StoredFile {

  public static final String FIND_BY_PATH = "StoredFile.findByPath";

  @Id
  @Column(length = 36)
  private String id;

  @Column(nullable = false, length = 1024)
  private String path;

  @Column(name = "size_bytes", nullable = false)
  private long size;

  @Column(nullable = false, length = 64)
  private String sha256;

  @Column(name = "content_type", nullable = false)
  private String contentType;

  @Column(name = "original_filename", length = 1024)
  private String originalFilename;

  @Column(nullable = false)
  private Instant created;

  @Column(nullable = false)
  private Instant modified;

  @Version private long version;

  protected StoredFile() {}

  public StoredFile(String path, Instant now) {
    this.id = UUID.randomUUID().toString();
    this.path = path;
    this.created = stored(now);
    this.modified = this.created;
  }

  /** Records new content for this path; {@code created} stays the time the path was first stored. */
  public void describe(long size, String sha256, String contentType, String originalFilename, Instant now) {
    this.size = size;
    this.sha256 = sha256;
    this.contentType = contentType;
    this.originalFilename = originalFilename;
    this.modified = stored(now);
  }

  private static Instant stored(Instant time) {
    return time.truncatedTo(ChronoUnit.MICROS);
  }

  public String getId() {
    return id;
  }

  public String getPath() {
    return path;
  }

  public long getSize() {
    return size;
  }

  public String getSha256() {
    return sha256;
  }

  public String getContentType() {
    return contentType;
  }

  public String getOriginalFilename() {
    return originalFilename;
  }

  public Instant getCreated() {
    return created;
  }

  public Instant getModified() {
    return modified;
  }
}

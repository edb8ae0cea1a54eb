package dev.depot.storage.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
// Keyset page: rows after :after (the last path of the previous page), whose path matches :pattern (a
// LIKE prefix pattern with '!' as escape character), in path order. '!' rather than '\' because a
// backslash is itself an escape in some databases' string literals.
// The LIKE is the exact filter; :lower and :upper (PrefixRange: the prefix, and the prefix with its
// last character incremented) are a key range around it that the path index serves. PostgreSQL turns
// LIKE 'prefix%' into an index range only for a constant pattern in the "C" collation, so with the
// pattern a bound parameter (a generic plan, which a pooled prepared statement may end up with) the
// page walked the index from :after and filtered every row after it. The range is sound because the path is
// compared in code point order there (migration V3) and in UTF-16 order on H2, and PrefixRange holds
// for both. The two lower bounds stay separate: which one is higher depends on the database's order,
// and the index starts at the higher one by itself. PAGE_TO_END is for a prefix with no upper bound
// (empty, or only characters that cannot be incremented).
@NamedQuery(
    name = StoredFile.PAGE,
    query = "SELECT f FROM StoredFile f WHERE f.path > :after AND f.path >= :lower AND f.path < :upper"
        + " AND f.path LIKE :pattern ESCAPE '!' ORDER BY f.path")
@NamedQuery(
    name = StoredFile.PAGE_TO_END,
    query = "SELECT f FROM StoredFile f WHERE f.path > :after AND f.path >= :lower"
        + " AND f.path LIKE :pattern ESCAPE '!' ORDER BY f.path")
@NamedQuery(name = StoredFile.PATHS_AFTER, query = "SELECT f.path FROM StoredFile f WHERE f.path > :after ORDER BY f.path")
@NamedQuery(
    name = StoredFile.PATHS_IN_STORE,
    query = "SELECT f.path FROM StoredFile f WHERE f.storeId = :store AND f.path > :after ORDER BY f.path")
@NamedQuery(name = StoredFile.COUNT_IN_STORE, query = "SELECT COUNT(f) FROM StoredFile f WHERE f.storeId = :store")
@NamedQuery(name = StoredFile.COUNT_WITHOUT_STORE, query = "SELECT COUNT(f) FROM StoredFile f WHERE f.storeId IS NULL")
@NamedQuery(name = StoredFile.WITHOUT_STORE, query = "SELECT f FROM StoredFile f WHERE f.storeId IS NULL ORDER BY f.path")
@NamedQuery(name = StoredFile.CLAIM, query = "UPDATE StoredFile f SET f.storeId = :store WHERE f.storeId IS NULL")
// Quotas (issue 13): what the rows written by some actors add up to, and the same per actor. Served
// by the index on (modified_by, size_bytes) of migration V6, which holds every column they read.
@NamedQuery(name = StoredFile.USAGE, query = "SELECT SUM(f.size), COUNT(f) FROM StoredFile f WHERE f.modifiedBy IN :actors")
@NamedQuery(
    name = StoredFile.USAGE_BY_ACTOR,
    query = "SELECT f.modifiedBy, SUM(f.size), COUNT(f) FROM StoredFile f WHERE f.modifiedBy IS NOT NULL GROUP BY f.modifiedBy")
public class StoredFile {

  public static final String FIND_BY_PATH = "StoredFile.findByPath";
  public static final String PAGE = "StoredFile.page";
  public static final String PAGE_TO_END = "StoredFile.pageToEnd";
  public static final String PATHS_AFTER = "StoredFile.pathsAfter";
  public static final String PATHS_IN_STORE = "StoredFile.pathsInStore";
  public static final String COUNT_IN_STORE = "StoredFile.countInStore";
  public static final String COUNT_WITHOUT_STORE = "StoredFile.countWithoutStore";
  public static final String WITHOUT_STORE = "StoredFile.withoutStore";
  public static final String CLAIM = "StoredFile.claim";
  public static final String USAGE = "StoredFile.usage";
  public static final String USAGE_BY_ACTOR = "StoredFile.usageByActor";

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

  // OffsetDateTime (always UTC), not Instant: Jakarta Persistence 3.1 has no Instant basic type
  // (EclipseLink serialises it to bytes), while OffsetDateTime maps to TIMESTAMP WITH TIME ZONE on
  // EclipseLink and Hibernate alike. An AttributeConverter<Instant, Timestamp> broke on a cold read from
  // H2, whose driver hands EclipseLink an OffsetDateTime for such a column.
  @Column(nullable = false)
  private OffsetDateTime created;

  @Column(nullable = false)
  private OffsetDateTime modified;

  /** The store (results directory) that holds the bytes; null only for rows an older Depot wrote. */
  @Column(name = "store_id", length = 36)
  private String storeId;

  /**
   * The modification time of the file as it was published, in nanoseconds since the epoch: with the
   * size, a fingerprint of the bytes the SHA-256 describes. Null for rows an older Depot wrote.
   */
  @Column(name = "file_mtime_ns")
  private Long fileMtimeNs;

  /** Who stored the path first, and who wrote its current bytes (issue 13); null when unknown (older rows, adopted files). */
  @Column(name = "created_by")
  private String createdBy;

  @Column(name = "modified_by")
  private String modifiedBy;

  @Version private long version;

  protected StoredFile() {}

  public StoredFile(String path, Instant now) {
    this.id = UUID.randomUUID().toString();
    this.path = path;
    this.created = utc(now);
    this.modified = utc(now);
  }

  /** Records new content for this path; {@code created} stays the time the path was first stored. */
  public void describe(long size, String sha256, String contentType, String originalFilename, Instant now) {
    this.size = size;
    this.fileMtimeNs = null;
    this.sha256 = sha256;
    this.contentType = contentType;
    this.originalFilename = originalFilename;
    this.modified = utc(now);
  }

  /** Names who wrote the bytes just described; the first writer of a new row is also its creator. */
  public void writtenBy(String actor, boolean newRow) {
    this.modifiedBy = actor;
    if (newRow) {
      this.createdBy = actor;
    }
  }

  public String getCreatedBy() {
    return createdBy;
  }

  public String getModifiedBy() {
    return modifiedBy;
  }

  /** Where the bytes are, and their fingerprint (see {@link #getFileMtimeNs()}). */
  public void locate(String storeId, Long fileMtimeNs) {
    this.storeId = storeId;
    this.fileMtimeNs = fileMtimeNs;
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
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
    return created.toInstant();
  }

  public Instant getModified() {
    return modified.toInstant();
  }

  public String getStoreId() {
    return storeId;
  }

  public Long getFileMtimeNs() {
    return fileMtimeNs;
  }
}

package dev.depot.uploads.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * One resumable (tus) upload: who started it, where it goes, how long it is (or that its length is
 * deferred), how many bytes are committed, its metadata and its expiry. The offset is only ever moved
 * over the version it was read at ({@link Version}), so two writers cannot both commit. Times are
 * {@code OffsetDateTime} in UTC for the reasons {@code StoredFile} gives.
 */
@Entity
@Table(name = "resumable_upload")
@NamedQuery(name = ResumableUpload.EXPIRED, query = "SELECT u.id FROM ResumableUpload u WHERE u.expiresAt < :now ORDER BY u.expiresAt")
@NamedQuery(name = ResumableUpload.IDS_IN_STORE, query = "SELECT u.id FROM ResumableUpload u WHERE u.storeId = :store")
public class ResumableUpload {

  public static final String EXPIRED = "ResumableUpload.expired";
  public static final String IDS_IN_STORE = "ResumableUpload.idsInStore";

  /** What an upload is in the concatenation extension. */
  public enum Concat {
    NONE, PARTIAL, FINAL
  }

  /** Where an upload stands. */
  public enum State {
    /** Receiving bytes. */
    ACTIVE,
    /** All bytes received: published (a whole upload) or ready to be concatenated (a partial). */
    COMPLETE,
    /** A partial upload whose bytes went into a final upload (its file is gone). */
    CONSUMED
  }

  @Id
  @Column(length = 36)
  private String id;

  @Column(nullable = false, length = 255)
  private String owner;

  @Column(name = "target_path", length = 1024)
  private String targetPath;

  @Column(name = "store_id", nullable = false, length = 36)
  private String storeId;

  @Column(name = "upload_length")
  private Long length;

  @Column(name = "upload_offset", nullable = false)
  private long offset;

  @Column(length = 4096)
  private String metadata;

  @Column(name = "content_type", length = 255)
  private String contentType;

  @Column(name = "original_filename", length = 1024)
  private String originalFilename;

  @Column(name = "create_only", nullable = false)
  private boolean createOnly;

  @Column(nullable = false, length = 8)
  private String concat;

  @Column(length = 8000)
  private String parts;

  @Column(nullable = false, length = 16)
  private String state;

  @Column(length = 64)
  private String sha256;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @Version
  @Column(nullable = false)
  private long version;

  protected ResumableUpload() {}

  public ResumableUpload(String id, String owner, String targetPath, String storeId, Long length, String metadata, String contentType,
      String originalFilename, boolean createOnly, Concat concat, String parts, Instant created, Instant expires) {
    this.id = id;
    this.owner = owner;
    this.targetPath = targetPath;
    this.storeId = storeId;
    this.length = length;
    this.metadata = metadata;
    this.contentType = contentType;
    this.originalFilename = originalFilename;
    this.createOnly = createOnly;
    this.concat = concat.name().toLowerCase(java.util.Locale.ROOT);
    this.parts = parts;
    this.state = State.ACTIVE.name().toLowerCase(java.util.Locale.ROOT);
    this.createdAt = utc(created);
    this.expiresAt = utc(expires);
  }

  public String getId() {
    return id;
  }

  public String getOwner() {
    return owner;
  }

  /** Where the file goes; null for a partial upload. */
  public String getTargetPath() {
    return targetPath;
  }

  public String getStoreId() {
    return storeId;
  }

  /** The upload's length, or null while it is deferred. */
  public Long getLength() {
    return length;
  }

  public void setLength(long length) {
    this.length = length;
  }

  public long getOffset() {
    return offset;
  }

  public void setOffset(long offset) {
    this.offset = offset;
  }

  /** The client's {@code Upload-Metadata} header as it came (HEAD returns it). */
  public String getMetadata() {
    return metadata;
  }

  public String getContentType() {
    return contentType;
  }

  public String getOriginalFilename() {
    return originalFilename;
  }

  public boolean isCreateOnly() {
    return createOnly;
  }

  public Concat getConcat() {
    return Concat.valueOf(concat.toUpperCase(java.util.Locale.ROOT));
  }

  /** The final upload's partial ids, space-separated, in order; null otherwise. */
  public String getParts() {
    return parts;
  }

  public State getState() {
    return State.valueOf(state.toUpperCase(java.util.Locale.ROOT));
  }

  public void setState(State state) {
    this.state = state.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The stored file's SHA-256 once complete. */
  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public Instant getCreated() {
    return createdAt.toInstant();
  }

  public Instant getExpires() {
    return expiresAt.toInstant();
  }

  public void setExpires(Instant expires) {
    this.expiresAt = utc(expires);
  }

  public long getVersion() {
    return version;
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}

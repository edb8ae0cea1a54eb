package dev.depot.access.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * One audited event: a write, replace, delete, signed-link creation or refused attempt, with who
 * (the actor, null when anonymous; for refused credentials, the user name they claimed), from where, what, on which path, and how it ended. Written once,
 * never changed; deleted after the retention time. The id is an application-made UUID and the time an
 * {@code OffsetDateTime} in UTC, for the reasons {@code StoredFile} gives.
 */
@Entity
@Table(name = "audit_record")
// Newest first, from :since on; PAGE_AFTER continues below the last (time, id) of the previous page.
@NamedQuery(
    name = AuditRecord.PAGE,
    query = "SELECT a FROM AuditRecord a WHERE a.recordedAt >= :since ORDER BY a.recordedAt DESC, a.id DESC")
@NamedQuery(
    name = AuditRecord.PAGE_AFTER,
    query = "SELECT a FROM AuditRecord a WHERE a.recordedAt >= :since"
        + " AND (a.recordedAt < :time OR (a.recordedAt = :time AND a.id < :id)) ORDER BY a.recordedAt DESC, a.id DESC")
@NamedQuery(
    name = AuditRecord.IDS_BEFORE,
    query = "SELECT a.id FROM AuditRecord a WHERE a.recordedAt < :cutoff ORDER BY a.recordedAt")
@NamedQuery(name = AuditRecord.DELETE_IDS, query = "DELETE FROM AuditRecord a WHERE a.id IN :ids")
public class AuditRecord {

  public static final String PAGE = "AuditRecord.page";
  public static final String PAGE_AFTER = "AuditRecord.pageAfter";
  public static final String IDS_BEFORE = "AuditRecord.idsBefore";
  public static final String DELETE_IDS = "AuditRecord.deleteIds";

  @Id
  @Column(length = 36)
  private String id;

  @Column(name = "recorded_at", nullable = false)
  private OffsetDateTime recordedAt;

  @Column(length = 255)
  private String principal;

  @Column(name = "claimed_principal", length = 255)
  private String claimedPrincipal;

  @Column(name = "remote_address", length = 255)
  private String remoteAddress;

  @Column(nullable = false, length = 32)
  private String action;

  @Column(length = 1024)
  private String path;

  @Column(name = "size_bytes")
  private Long size;

  @Column(length = 64)
  private String sha256;

  @Column(nullable = false)
  private int status;

  @Column(name = "problem_code", length = 64)
  private String problemCode;

  protected AuditRecord() {}

  public AuditRecord(
      Instant time, String principal, String remoteAddress, String action, String path, Long size, String sha256, int status, String problemCode) {
    this(time, principal, null, remoteAddress, action, path, size, sha256, status, problemCode);
  }

  /** {@code claimedPrincipal}: the user name that refused credentials named, null for every other record. */
  public AuditRecord(
      Instant time, String principal, String claimedPrincipal, String remoteAddress, String action, String path, Long size, String sha256,
      int status, String problemCode) {
    this.id = UUID.randomUUID().toString();
    this.recordedAt = OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    this.principal = printable(principal, 255);
    this.claimedPrincipal = printable(claimedPrincipal, 255);
    this.remoteAddress = printable(remoteAddress, 255);
    this.action = printable(action, 32);
    this.path = printable(path, 1024);
    this.size = size;
    this.sha256 = printable(sha256, 64);
    this.status = status;
    this.problemCode = printable(problemCode, 64);
  }

  /**
   * {@code text} fit for an audit column and a log line: C0 controls and DEL replaced by U+FFFD, then
   * cut to {@code max} chars (never between the halves of a surrogate pair). A refused request's path
   * is kept as the client sent it, and PostgreSQL refuses U+0000 in text, which lost the whole record;
   * CR and LF in a logged value would forge log lines. U+FFFD rather than escaped text keeps
   * the length and cannot be mistaken for characters the client really sent. Audit columns are
   * informational: an over-long value is cut rather than lose the whole record.
   */
  public static String printable(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder clean = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && clean.length() < max; i++) {
      char c = text.charAt(i);
      clean.append(c < 0x20 || c == 0x7f ? '\ufffd' : c);
    }
    if (clean.length() == max && Character.isHighSurrogate(clean.charAt(max - 1)) && text.length() > max) {
      clean.setLength(max - 1);
    }
    return clean.toString();
  }

  /** What the record says, for a log line: every text field is {@link #printable}. */
  @Override
  public String toString() {
    return "AuditRecord[" + recordedAt + " " + principal + (claimedPrincipal == null ? "" : " claiming " + claimedPrincipal) + " from " + remoteAddress + ": " + action + " " + path + " size=" + size + " sha256="
        + sha256 + " status=" + status + " code=" + problemCode + "]";
  }

  public String getId() {
    return id;
  }

  public Instant getTime() {
    return recordedAt.toInstant();
  }

  public String getPrincipal() {
    return principal;
  }

  public String getClaimedPrincipal() {
    return claimedPrincipal;
  }

  public String getRemoteAddress() {
    return remoteAddress;
  }

  public String getAction() {
    return action;
  }

  public String getPath() {
    return path;
  }

  public Long getSize() {
    return size;
  }

  public String getSha256() {
    return sha256;
  }

  public int getStatus() {
    return status;
  }

  public String getProblemCode() {
    return problemCode;
  }
}

package dev.depot.files.boundary;

import dev.depot.access.control.AuditEntry;
import dev.depot.storage.control.StoragePaths;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one API request and its answer mean for the audit trail, as a pure function of what {@link
 * AuditFilter} sees: the method, the path segments below {@code /api}, the seed {@code /stream}'s
 * query, the status, the answer's entity (the resources' JSON records, or the problem document of
 * {@link ProblemMapper}) and the files the request stored.
 *
 * <ul>
 *   <li>Each stored file is a record of the endpoint's action with its path, size and SHA-256, and the
 *       request's status; a file stored by a request that then failed (a multipart whose later part
 *       was refused or broken keeps its earlier parts) gets 201, or 200 if it replaced a file, beside
 *       the failure's own record.
 *   <li>A delete ({@code 204}) and a signed link ({@code 201}) are a record each.
 *   <li>A refusal — any 401 or 403, and a 507 with code {@value #QUOTA_EXCEEDED} — is a record with the
 *       path the request named: the URL's, or else the one it was refused on (a multipart part's);
 *       reads are audited only when refused ({@code READ}). {@code GET /session} without credentials ({@code UNAUTHENTICATED}) is the exception: a
 *       page asking whether it is signed in is not an attempt to do anything; with wrong ones it is.
 *   <li>A refusal for wrong credentials ({@value #INVALID_CREDENTIALS}) carries the user name that
 *       {@code Basic} credentials or the sign-in form ({@code POST /session}) claimed, so that password
 *       guessing records whom it targets.
 *   <li>Everything else (reads, listings, other failures) is not recorded.
 * </ul>
 */
final class AuditedExchange {

  /** The quota problem's code, matched as text: it is a refusal to audit whichever build defines it. */
  static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";

  static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  static final String INVALID_CREDENTIALS = "INVALID_CREDENTIALS";

  /**
   * What the filter saw; {@code segments} are the decoded path segments below {@code /api}, {@code
   * authorization} the request's {@code Authorization} header if the caller is anonymous (else null),
   * {@code refusedPath} the path the request was refused on and {@code signInName} the user name a
   * refused sign-in form claimed ({@code RefusedInRequest}), or null.
   */
  record Exchange(
      String method, List<String> segments, String filedir, String filename, int status, Object entity, List<StoredInRequest.File> stored,
      String authorization, String refusedPath, String signInName) {}

  private AuditedExchange() {}

  static List<AuditEntry> entries(Exchange exchange) {
    List<String> segments = exchange.segments().stream().filter(s -> !s.isEmpty()).toList();
    String action = action(exchange.method(), segments);
    int status = exchange.status();
    boolean success = status >= 200 && status < 300;
    List<AuditEntry> entries = new ArrayList<>();
    for (StoredInRequest.File file : exchange.stored()) {
      int fileStatus = success ? status : file.created() ? 201 : 200;
      entries.add(new AuditEntry(action, file.path(), file.size(), file.sha256(), fileStatus, null));
    }
    String code = status >= 400 ? problemCode(exchange.entity()) : null;
    if (status == 401 || status == 403 || (status == 507 && QUOTA_EXCEEDED.equals(code))) {
      if (!(action.equals("SESSION") && exchange.method().equals("GET") && UNAUTHENTICATED.equals(code))) {
        String claimed = !INVALID_CREDENTIALS.equals(code) ? null
            : Optional.ofNullable(basicUser(exchange.authorization())).orElse(exchange.signInName());
        // A multipart part's path is in the body, not the URL: the refused one is what the policy or quota refused.
        String path = Optional.ofNullable(requestedPath(action, segments, exchange)).orElse(exchange.refusedPath());
        entries.add(new AuditEntry(action, path, null, null, status, code, claimed));
      }
    } else if (success && action.equals("DELETE")) {
      entries.add(new AuditEntry(action, requestedPath(action, segments, exchange), null, null, status, null));
    } else if (success && action.equals("LINK") && exchange.entity() instanceof LinksResource.LinkJson link) {
      entries.add(new AuditEntry(action, link.path(), null, null, status, null));
    }
    return entries;
  }

  /** The endpoint's action: the write kinds by name, {@code READ} for every read, else the first segment. */
  static String action(String method, List<String> segments) {
    String first = segments.isEmpty() ? "" : segments.get(0);
    boolean read = method.equals("GET") || method.equals("HEAD");
    return switch (first) {
      case "files" -> read ? "READ" : switch (method) {
        case "PUT" -> "PUT";
        case "DELETE" -> "DELETE";
        case "POST" -> segments.size() == 1 ? "MULTIPART" : method;
        default -> method;
      };
      case "metadata" -> read ? "READ" : method;
      case "upload" -> "UPLOAD";
      case "stream" -> "STREAM";
      case "links" -> "LINK";
      case "uploads" -> "RESUMABLE"; // a tus upload: its completing PATCH stores the file
      case "" -> method;
      default -> first.toUpperCase(Locale.ROOT);
    };
  }

  /** The stored path the request's URL names ({@code /files/…}, {@code /metadata/…}, {@code /stream}), or null. */
  private static String requestedPath(String action, List<String> segments, Exchange exchange) {
    if (action.equals("STREAM")) {
      if (exchange.filename() == null) {
        return null;
      }
      try {
        return StoragePaths.join(exchange.filedir(), exchange.filename());
      } catch (RuntimeException e) {
        return exchange.filedir() == null ? exchange.filename() : exchange.filedir() + "/" + exchange.filename();
      }
    }
    String first = segments.isEmpty() ? "" : segments.get(0);
    if (segments.size() < 2 || !(first.equals("files") || first.equals("metadata"))) {
      return null;
    }
    String raw = String.join("/", segments.subList(1, segments.size()));
    try {
      return StoragePaths.key(raw);
    } catch (RuntimeException e) {
      return raw; // refused before its path was judged (bad credentials): kept as the client sent it
    }
  }

  /**
   * The user name {@code Basic} credentials claim (RFC 7617: up to the first colon), or null if {@code
   * authorization} is none, another scheme, or not base64 of {@code name:password} with a name. Parsed
   * as {@code AccessFilter} does. The name is not verified: it is what the refused client claimed.
   */
  static String basicUser(String authorization) {
    if (authorization == null) {
      return null;
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length < 2 || !parts[0].equalsIgnoreCase("basic")) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(parts[1].strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon <= 0 ? null : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The {@code code} of a problem document (the one mapper's entity is its JSON text), or null. */
  static String problemCode(Object entity) {
    if (!(entity instanceof String text) || !text.startsWith("{")) {
      return null;
    }
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      JsonObject problem = reader.readObject();
      return problem.containsKey("code") && problem.get("code") instanceof jakarta.json.JsonString code ? code.getString() : null;
    } catch (JsonException | IllegalStateException | ClassCastException e) {
      return null;
    }
  }
}

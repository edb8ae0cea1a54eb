package dev.depot.access.control;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of {@code POST /session}: a random token in Depot's own cookie, the signed-in caller
 * and a CSRF token behind it. Depot keeps them itself rather than in the servlet container's {@code
 * HttpSession} because the session cookie must be {@code SameSite=Strict}, which Payara 6 does not set
 * from web.xml's {@code cookie-config} (checked on Payara Micro and Server 6.2025), and a cookie Depot
 * writes is the same on every server. Tokens are held by their SHA-256 only, so a heap dump does not
 * hand out live sessions. Sessions live in this JVM: they end at a restart and are not shared between
 * instances (each signs in again).
 */
@ApplicationScoped
public class BrowserSessions {

  /** Most sessions kept; beyond it the least recently used go first (a bound on memory, not a quota). */
  static final int MAX_SESSIONS = 100_000;

  /**
   * Most sessions of one user: a sign-in beyond it ends that user's least recently used one, so one
   * account cannot crowd everyone else out of {@link #MAX_SESSIONS}.
   */
  static final int MAX_PER_USER = 20;

  /**
   * However active, a session ends this long after sign-in: its groups were read from the realm then,
   * and a user removed from a group must not keep that group's rights for as long as the tab stays open.
   */
  static final java.time.Duration MAX_LIFETIME = java.time.Duration.ofHours(12);

  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject DepotSettings settings;

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  public BrowserSessions() {
    this(Clock.systemUTC());
  }

  BrowserSessions(Clock clock) {
    this.clock = clock;
  }

  /** A signed-in browser: who, and the token its unsafe requests must echo. */
  public record Session(Caller caller, String csrfToken) {}

  private record Entry(String name, java.util.Set<String> groups, String csrfToken, Instant started, Instant lastUsed) {}

  /** Starts a session; returns its cookie value (given to the browser once) and the session. */
  public Map.Entry<String, Session> start(Caller caller) {
    evictIfFull();
    evictOwnOldest(caller.name());
    String token = random();
    String csrf = random();
    Instant now = clock.instant();
    sessions.put(hash(token), new Entry(caller.name(), caller.groups(), csrf, now, now));
    return Map.entry(token, new Session(Caller.user(caller.name(), caller.groups(), Caller.Via.SESSION), csrf));
  }

  /** The live session of a cookie value; an idle one past {@code depot.session-timeout} is ended. */
  public Optional<Session> find(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    String key = hash(token);
    Entry entry = sessions.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (entry.lastUsed().plus(timeout()).isBefore(now) || !entry.started().plus(MAX_LIFETIME).isAfter(now)) {
      sessions.remove(key, entry);
      return Optional.empty();
    }
    sessions.replace(key, entry, new Entry(entry.name(), entry.groups(), entry.csrfToken(), entry.started(), now));
    return Optional.of(new Session(Caller.user(entry.name(), entry.groups(), Caller.Via.SESSION), entry.csrfToken()));
  }

  public void end(String token) {
    if (token != null && !token.isEmpty()) {
      sessions.remove(hash(token));
    }
  }

  private java.time.Duration timeout() {
    return settings == null ? java.time.Duration.ofMinutes(30) : settings.sessionTimeout();
  }

  private void evictIfFull() {
    if (sessions.size() < MAX_SESSIONS) {
      return;
    }
    Instant cutoff = clock.instant().minus(timeout());
    sessions.values().removeIf(e -> e.lastUsed().isBefore(cutoff));
    while (sessions.size() >= MAX_SESSIONS) {
      sessions.entrySet().stream().min(Map.Entry.comparingByValue(java.util.Comparator.comparing(Entry::lastUsed)))
          .ifPresent(oldest -> sessions.remove(oldest.getKey(), oldest.getValue()));
    }
  }

  private void evictOwnOldest(String name) {
    java.util.List<Map.Entry<String, Entry>> own = sessions.entrySet().stream().filter(e -> e.getValue().name().equals(name)).toList();
    if (own.size() >= MAX_PER_USER) {
      own.stream().min(Map.Entry.comparingByValue(java.util.Comparator.comparing(Entry::lastUsed)))
          .ifPresent(oldest -> sessions.remove(oldest.getKey(), oldest.getValue()));
    }
  }

  int size() {
    return sessions.size();
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String token) {
    try {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

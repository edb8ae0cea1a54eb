package dev.depot.files.control;

import dev.depot.storage.control.StoredFiles;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListingsTest {

  @Test
  void cursorRoundTripsAnyPathAndIsUrlSafe() {
    for (String path : List.of("a", "reports/2026/q1.pdf", "ünïcødé/名前.txt", "with space/and+plus?&=")) {
      String cursor = Listings.encode(path);
      assertFalse(cursor.matches(".*[+/=].*"), cursor);
      assertEquals(path, Listings.decode(cursor));
    }
  }

  @Test
  void foreignCursorsAreRejected() {
    assertProblem(Problem.INVALID_PARAMETER, () -> Listings.decode("not base64!"));
    assertProblem(Problem.INVALID_PARAMETER, () -> Listings.decode("_w")); // 0xFF: not UTF-8
  }

  @Test
  void prefixWildcardsMatchLiterally() {
    assertEquals("%", StoredFiles.likePrefix(""));
    assertEquals("a/b%", StoredFiles.likePrefix("a/b"));
    assertEquals("100!%!_off!!/%", StoredFiles.likePrefix("100%_off!/"));
  }

  @Test
  void limitBelowOneIsRejected() {
    Listings listings = new Listings();
    assertProblem(Problem.INVALID_PARAMETER, () -> listings.list("", 0, null));
  }

  @Test
  void aCallerWithGrantsOnPartOfThePrefixGetsOnlyWhatItMayReadPageByPage() {
    dev.depot.config.FixedSettings settings = new dev.depot.config.FixedSettings(java.nio.file.Path.of("/nonexistent"));
    settings.grants = "group:team-a r team-a/";
    dev.depot.storage.control.InMemoryStoredFiles rows = new dev.depot.storage.control.InMemoryStoredFiles();
    for (int i = 0; i < 2500; i++) {
      String path = (i % 10 == 0 ? "team-a/" : "team-b/") + String.format("%05d", i);
      rows.rows.put(path, new dev.depot.storage.entity.StoredFile(path, java.time.Instant.EPOCH));
    }
    Listings listings = new Listings();
    listings.storedFiles = rows;
    listings.access = dev.depot.access.control.AccessPolicy.forCaller(settings,
        dev.depot.access.control.Caller.user("alice", java.util.Set.of("team-a"), dev.depot.access.control.Caller.Via.BASIC));
    java.util.List<String> seen = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Listings.Page page = listings.list("team-", 100, cursor);
      page.items().forEach(f -> seen.add(f.getPath()));
      cursor = page.next().orElse(null);
      pages++;
    } while (cursor != null && pages < 100);
    assertEquals(250, seen.size(), "every team-a file, once");
    assertEquals(seen.stream().sorted().distinct().toList(), seen, "in order, none twice");
    assertTrue(seen.stream().allMatch(p -> p.startsWith("team-a/")), "nothing of team-b");
  }

  @Test
  void aPageThatEndsOnAnUnreadableRowHandsOutASealedCursorNotItsName() {
    dev.depot.config.FixedSettings settings = new dev.depot.config.FixedSettings(java.nio.file.Path.of("/nonexistent"));
    settings.grants = "group:team-a r team-a/";
    dev.depot.storage.control.InMemoryStoredFiles rows = new dev.depot.storage.control.InMemoryStoredFiles();
    for (int i = 0; i < Listings.MAX_SCANNED + 5; i++) {
      String path = "secret/" + String.format("%06d", i);
      rows.rows.put(path, new dev.depot.storage.entity.StoredFile(path, java.time.Instant.EPOCH));
    }
    rows.rows.put("team-a/z", new dev.depot.storage.entity.StoredFile("team-a/z", java.time.Instant.EPOCH));
    Listings listings = new Listings();
    listings.storedFiles = rows;
    listings.access = dev.depot.access.control.AccessPolicy.forCaller(settings,
        dev.depot.access.control.Caller.user("alice", java.util.Set.of("team-a"), dev.depot.access.control.Caller.Via.BASIC));

    Listings.Page first = listings.list("", 10, null);

    assertEquals(0, first.items().size());
    String cursor = first.next().orElseThrow();
    assertTrue(cursor.startsWith("~"), cursor);
    assertFalse(new String(java.util.Base64.getUrlDecoder().decode(cursor.substring(1)), java.nio.charset.StandardCharsets.ISO_8859_1).contains("secret"),
        "the cursor does not show the path");
    Listings.Page second = listings.list("", 10, cursor);
    assertEquals(List.of("team-a/z"), second.items().stream().map(f -> f.getPath()).toList(), "the listing goes on from the sealed cursor");
    assertProblem(Problem.INVALID_PARAMETER, () -> Listings.decode("~" + cursor.substring(2)));
  }
}

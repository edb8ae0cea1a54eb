package dev.depot.files.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.config.FixedSettings;
import dev.depot.problem.Problem;
import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.entity.StoredFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectoryListingsTest {

  private final FixedSettings settings = new FixedSettings(Path.of("/nonexistent"));
  private final InMemoryStoredFiles rows = new InMemoryStoredFiles();

  @Test
  void showsFilesRightBelowThePrefixAndEachDirectoryOnce() {
    store("a.txt", "docs/1.txt", "docs/2.txt", "docs/deep/3.txt", "docs0", "docs0.txt", "z/x", "zz");

    DirectoryListings.Page top = listing("alice", Set.of("depot-reader")).list("", 100, null);
    assertEquals(List.of("docs/", "z/"), top.directories());
    assertEquals(List.of("a.txt", "docs0", "docs0.txt", "zz"), paths(top.files()));
    assertTrue(top.next().isEmpty());

    DirectoryListings.Page docs = listing("alice", Set.of("depot-reader")).list("docs/", 100, null);
    assertEquals(List.of("docs/deep/"), docs.directories());
    assertEquals(List.of("docs/1.txt", "docs/2.txt"), paths(docs.files()));
  }

  @Test
  void pagesThroughDirectoriesAndFilesInPathOrderWithoutRepeats() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String name = String.format("d/%04d", i);
      if (i % 3 == 0) {
        store(name + "/inner-1", name + "/inner-2");
        expected.add(name + "/");
      } else {
        store(name);
        expected.add(name);
      }
    }
    DirectoryListings listings = listing("alice", Set.of("depot-reader"));
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DirectoryListings.Page page = listings.list("d/", 7, cursor);
      assertTrue(page.directories().size() + page.files().size() <= 7);
      List<String> entries = new ArrayList<>(page.directories());
      entries.addAll(paths(page.files()));
      entries.sort(null);
      seen.addAll(entries);
      cursor = page.next().orElse(null);
      pages++;
    } while (cursor != null && pages < 100);
    assertEquals(expected, seen);
    assertEquals(43, pages, "300 entries, 7 a page");
  }

  @Test
  void aDirectoryWithNothingTheCallerMayReadIsNotShown() {
    settings.grants = "group:team-a r team-a/; group:team-a r shared/team-a-only.txt";
    store("team-a/q1.pdf", "team-b/secret/plan.pdf", "shared/other.txt", "shared/team-a-only.txt", "top.txt");

    DirectoryListings.Page top = listing("alice", Set.of("team-a")).list("", 100, null);
    assertEquals(List.of("shared/", "team-a/"), top.directories(), "team-b/ holds nothing alice may read");
    assertEquals(List.of(), paths(top.files()));
    assertEquals(List.of("shared/team-a-only.txt"), paths(listing("alice", Set.of("team-a")).list("shared/", 100, null).files()));
  }

  @Test
  void aHugeDirectoryOfUnreadableFilesCostsBoundedWorkAndThePagesMoveOn() {
    settings.grants = "group:team-a r team-a/";
    for (int i = 0; i < Listings.MAX_SCANNED * 2 + 5; i++) {
      store(String.format("a-secret/%06d", i));
    }
    store("team-a/q1.pdf");
    DirectoryListings listings = listing("alice", Set.of("team-a"));
    List<String> directories = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DirectoryListings.Page page = listings.list("", 100, cursor);
      directories.addAll(page.directories());
      assertTrue(page.files().isEmpty());
      cursor = page.next().orElse(null);
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(List.of("team-a/"), directories);
    assertEquals(3, pages, "each page goes on where the last one stopped looking: two full budgets, then the rest");
  }

  @Test
  void manyDirectoriesInARowAreEachOneEntry() {
    for (int i = 0; i < 500; i++) {
      store(String.format("d%03d/a", i), String.format("d%03d/b", i));
    }
    DirectoryListings.Page page = listing("alice", Set.of("depot-reader")).list("", 1000, null);
    assertEquals(500, page.directories().size());
    assertTrue(page.next().isEmpty());
  }

  @Test
  void aForeignOrOtherPrefixCursorIsRejected() {
    store("a/1", "b/1");
    DirectoryListings listings = listing("alice", Set.of("depot-reader"));
    assertProblem(Problem.INVALID_PARAMETER, () -> listings.list("b/", 10, Listings.encode("a/1")));
    assertProblem(Problem.INVALID_PARAMETER, () -> listings.list("", 10, "not base64!"));
    assertProblem(Problem.INVALID_PARAMETER, () -> listings.list("", 0, null));
  }

  private void store(String... paths) {
    for (String path : paths) {
      rows.rows.put(path, new StoredFile(path, Instant.EPOCH));
    }
  }

  private DirectoryListings listing(String name, Set<String> groups) {
    DirectoryListings listings = new DirectoryListings();
    listings.storedFiles = rows;
    listings.access = AccessPolicy.forCaller(settings, Caller.user(name, groups, Caller.Via.BASIC));
    return listings;
  }

  private static List<String> paths(List<StoredFile> files) {
    return files.stream().map(StoredFile::getPath).toList();
  }
}

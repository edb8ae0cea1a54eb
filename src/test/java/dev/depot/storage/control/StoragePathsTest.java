package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoragePathsTest {

  @TempDir Path root;

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b/c.txt", "reports/2026/Q1 summary.pdf", "ünïcødé/文件.txt", ".hidden", "a..b", "...x"})
  void acceptsOrdinaryRelativePaths(String path) {
    assertEquals(path, StoragePaths.key(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "/etc/passwd", "../x", "a/../../x", "a/..", "./a", "a/./b", "a//b", "a/", "C:x", "c:\\x", "a\\b",
        "x\u0000y", "x\ny", "x\u007fy", "x\u0085y", "x\u200by", "x\u202ey", "\uff0e\uff0e/x", "a/\uff0e/b",
        "a\uff0fb", "\ud800", "con", "NUL.txt", "a/com1", "lpt9.log", "trailing.", "trailing ", " leading",
        "x\ufffdy", "\u2028"
      })
  void rejectsHostilePaths(String path) {
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.key(path));
  }

  @Test
  void rejectsOverlongPaths() {
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.key("a".repeat(256)));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.key(("a".repeat(200) + "/").repeat(6) + "x"));
    assertEquals("é".repeat(127), StoragePaths.key("é".repeat(127)));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.key("é".repeat(128)));
  }

  @Test
  void baseNameDropsClientDirectories() {
    assertEquals("a.txt", StoragePaths.baseName("C:\\Users\\me\\a.txt"));
    assertEquals("passwd", StoragePaths.baseName("../../etc/passwd"));
    assertEquals("x.bin", StoragePaths.baseName("x.bin"));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.baseName("dir/"));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.baseName(".."));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.baseName(null));
  }

  @Test
  void joinValidatesBothParts() {
    assertEquals("d/e/f.txt", StoragePaths.join("d/e", "f.txt"));
    assertEquals("d/f.txt", StoragePaths.join("d/", "f.txt"));
    assertEquals("f.txt", StoragePaths.join(null, "f.txt"));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.join("../d", "f.txt"));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.join("d", "a/b"));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.join("d", ""));
  }

  @Test
  void keysAreKeptInUnicodeNfcSoOneNameHasOneSpelling() {
    String nfd = "cafe\u0301/re\u0301sume\u0301.txt";
    String nfc = "caf\u00e9/r\u00e9sum\u00e9.txt";

    assertEquals(nfc, StoragePaths.key(nfd));
    assertEquals(nfc, StoragePaths.key(nfc));
    assertEquals("r\u00e9sum\u00e9.txt", StoragePaths.baseName("C:\\Users\\me\\re\u0301sume\u0301.txt"));
    assertEquals("d/caf\u00e9", StoragePaths.join("d", "cafe\u0301"));
  }

  @Test
  void depthIsCapped() {
    StoragePaths.checkDepth("a/b/c", 3);
    StoragePaths.checkDepth("x", 1);

    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.checkDepth("a/b/c/d", 3));
    assertProblem(Problem.INVALID_PATH, () -> StoragePaths.checkDepth("a/".repeat(511) + "x", 32));
  }
}

package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.control.WritePrecondition;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntityTagsTest {

  @Test
  void absentFieldIsNull() {
    assertNull(EntityTags.parse(null));
    assertNull(EntityTags.parse(List.of()));
  }

  @Test
  void listsAcrossLinesWithWeakTagsAndGarbage() {
    EntityTags tags = EntityTags.parse(List.of("\"aa\", W/\"bb\"", "junk, \"c,c\""));

    assertEquals(List.of(new EntityTags.Tag("aa", false), new EntityTags.Tag("bb", true), new EntityTags.Tag("c,c", false)), tags.tags());
    assertTrue(tags.matchesStrong("aa"));
    assertFalse(tags.matchesStrong("bb"));
    assertTrue(tags.matchesWeak("bb"));
    assertFalse(tags.matchesWeak("junk"));
    assertEquals(WritePrecondition.Versions.of(Set.of("aa", "c,c")), tags.strongVersions());
    assertEquals(WritePrecondition.Versions.of(Set.of("aa", "bb", "c,c")), tags.weakVersions());
  }

  @Test
  void starMatchesAnyVersion() {
    EntityTags star = EntityTags.parse(List.of("*"));

    assertTrue(star.any());
    assertTrue(star.matchesStrong("whatever"));
    assertEquals(WritePrecondition.Versions.ANY, star.strongVersions());
  }

  @Test
  void entityTagOfAFileIsItsQuotedSha256() {
    assertEquals("\"abc\"", EntityTags.of("abc"));
  }
}

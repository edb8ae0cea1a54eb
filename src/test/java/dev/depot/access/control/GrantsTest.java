package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantsTest {

  private static final Caller ALICE = Caller.user("alice", Set.of("team-a"), Caller.Via.BASIC);
  private static final Caller BOB = Caller.user("bob", Set.of(), Caller.Via.BASIC);
  private static final Caller WRITER = Caller.user("wendy", Set.of(Caller.ROLE_WRITER), Caller.Via.BEARER);
  private static final Caller READER = Caller.user("rita", Set.of(Caller.ROLE_READER), Caller.Via.BASIC);

  @Test
  void defaultsLetRolesDoTheirJobEverywhereAndNobodyElseAnything() {
    Grants grants = Grants.parse(Grants.DEFAULTS);
    assertTrue(grants.allows(WRITER, Permission.WRITE, "a/b.bin"));
    assertTrue(grants.allows(WRITER, Permission.DELETE, "a/b.bin"));
    assertTrue(grants.allows(READER, Permission.READ, "a/b.bin"));
    assertFalse(grants.allows(READER, Permission.WRITE, "a/b.bin"));
    assertFalse(grants.allows(BOB, Permission.READ, "a/b.bin"));
    assertFalse(grants.allows(Caller.ANONYMOUS, Permission.READ, "a/b.bin"));
  }

  @Test
  void nameVariableGivesEachUserTheirOwnDirectory() {
    Grants grants = Grants.parse("user:* rwd users/{name}/");
    assertTrue(grants.allows(ALICE, Permission.WRITE, "users/alice/x"));
    assertFalse(grants.allows(ALICE, Permission.WRITE, "users/bob/x"));
    assertFalse(grants.allows(ALICE, Permission.WRITE, "users/alice"));
    assertFalse(grants.allows(Caller.ANONYMOUS, Permission.READ, "users/alice/x"));
    assertTrue(grants.allowsSomewhere(BOB, Permission.WRITE));
    assertFalse(grants.allowsSomewhere(Caller.ANONYMOUS, Permission.WRITE));
  }

  @Test
  void nameThatIsNotOneSafeSegmentGetsNothingFromANameGrant() {
    Grants grants = Grants.parse("user:* rwd users/{name}/");
    Caller climber = Caller.user("..", Set.of(), Caller.Via.BEARER);
    Caller slashed = Caller.user("bob/../alice", Set.of(), Caller.Via.BEARER);
    assertFalse(grants.allows(climber, Permission.WRITE, "users/../x"));
    assertFalse(grants.allows(slashed, Permission.WRITE, "users/bob/../alice/x"));
    assertFalse(grants.allowsSomewhere(slashed, Permission.WRITE));
  }

  @Test
  void groupAndUserGrantsAddUp() {
    Grants grants = Grants.parse("group:team-a rw team-a/\nuser:bob r team-a/readme.txt\n# comment\n");
    assertTrue(grants.allows(ALICE, Permission.WRITE, "team-a/x"));
    assertFalse(grants.allows(ALICE, Permission.DELETE, "team-a/x"));
    assertFalse(grants.allows(ALICE, Permission.WRITE, "team-ab/x"));
    assertTrue(grants.allows(BOB, Permission.READ, "team-a/readme.txt"));
    assertFalse(grants.allows(BOB, Permission.READ, "team-a/readme.txt2"));
    assertEquals(2, grants.size());
  }

  @Test
  void listingBelowACoveredDirectoryNeedsNoRowChecks() {
    Grants grants = Grants.parse("group:team-a r team-a/; user:bob r team-a/readme.txt");
    assertTrue(grants.allowsAllBelow(ALICE, Permission.READ, "team-a/sub/"));
    assertFalse(grants.allowsAllBelow(ALICE, Permission.READ, ""));
    assertFalse(grants.allowsAllBelow(BOB, Permission.READ, "team-a/"));
    assertTrue(Grants.parse(Grants.DEFAULTS).allowsAllBelow(READER, Permission.READ, ""));
  }

  @Test
  void anonymousReadIsASwitchAndAnonymousMayNeverWrite() {
    Grants grants = Grants.parse(Grants.DEFAULTS).withAnonymousRead();
    assertTrue(grants.allows(Caller.ANONYMOUS, Permission.READ, "x"));
    assertFalse(grants.allows(Caller.ANONYMOUS, Permission.WRITE, "x"));
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("anonymous rw *"));
  }

  @Test
  void badGrantTextIsRefusedWithTheGrantItIsAbout() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grants.parse("group:a r *; bogus rw x/"));
    assertTrue(e.getMessage().startsWith("grant 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("group:a rx *"));
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("group:a r ../x/"));
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("group:a r a//b/"));
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("group:a r"));
    assertThrows(IllegalArgumentException.class, () -> Grants.parse("user: r *"));
  }

  @Test
  void aLinkCallerIsNotAnAdminWhateverItsIssuerIs() {
    Caller admin = Caller.user("root", Set.of(Caller.ROLE_ADMIN), Caller.Via.BASIC);
    assertTrue(admin.admin());
    assertEquals("root", admin.actor());
    assertEquals(null, Caller.ANONYMOUS.actor());
  }

  @Test
  void aCallerNamedStarIsNoWildcard() {
    Caller star = Caller.user("*", Set.of(), Caller.Via.BEARER);
    assertFalse(Grants.parse("user:* rw {name}").allows(star, Permission.WRITE, "x"));
    assertFalse(Grants.parse("user:* rw {name}/").allows(star, Permission.WRITE, "*/x"));
    assertFalse(Grants.parse("user:* rw {name}").allowsAllBelow(star, Permission.WRITE, ""));
  }

  @Test
  void namesThatCannotStandForACallerAreRefused() {
    assertTrue(Caller.usableName("alice"));
    assertTrue(Caller.usableName("Alice Smith (ops)"));
    assertFalse(Caller.usableName("bob (link)"), "would pass for bob's links");
    assertFalse(Caller.usableName("a\nb"));
    assertFalse(Caller.usableName(""));
    assertFalse(Caller.usableName(" "));
    assertFalse(Caller.usableName("x".repeat(Caller.MAX_NAME + 1)));
    assertTrue(Caller.usableName("x".repeat(Caller.MAX_NAME)));
  }
}

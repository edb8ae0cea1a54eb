package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  private static final Caller ALICE = Caller.user("alice", Set.of(), Caller.Via.BASIC);

  private static final DepotSettings SETTINGS = new DepotSettings() {
    @Override
    public Grants grants() {
      return Grants.parse("user:alice rw team-a/");
    }
  };

  @Test
  void aRefusedPathIsRememberedForTheAudit() {
    AccessPolicy cut = AccessPolicy.forCaller(SETTINGS, ALICE);
    cut.refused = new RefusedInRequest();
    cut.require(Permission.WRITE, "team-a/x");
    assertEquals(Optional.empty(), cut.refused.path(), "allowed: nothing to remember");

    assertThrows(DepotException.class, () -> cut.require(Permission.WRITE, "team-b/x"));
    assertEquals(Optional.of("team-b/x"), cut.refused.path());
  }

  @Test
  void aPolicyMadeWithoutCdiRefusesAsBefore() {
    AccessPolicy cut = AccessPolicy.forCaller(SETTINGS, ALICE);
    assertThrows(DepotException.class, () -> cut.require(Permission.WRITE, "team-b/x"));
    cut.refused("team-b/y"); // nowhere to remember it: no NullPointerException
  }
}

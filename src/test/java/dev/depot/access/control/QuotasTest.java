package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depot.config.FixedSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which quota applies to whom: user setting, else the largest of the groups', else the default. */
class QuotasTest {

  private final FixedSettings settings = new FixedSettings(Path.of("/unused"));
  private final Quotas cut = Quotas.of(settings);

  private static Caller user(String name, String... groups) {
    return Caller.user(name, Set.of(groups), Caller.Via.BASIC);
  }

  @Test
  void withNothingSetNoOneHasALimit() {
    assertEquals(Quota.NONE, cut.limitsFor(user("alice", "team-a")));
  }

  @Test
  void theDefaultAppliesToEveryUserWithoutASettingOfTheirOwnOrTheirGroups() {
    settings.quotaBytes = 1000;
    settings.quotaFiles = 10;
    assertEquals(new Quota(1000, 10), cut.limitsFor(user("alice", "team-a")));
  }

  @Test
  void aUsersOwnSettingWinsOverTheirGroupsAndTheDefaultEvenWhenSmaller() {
    settings.quotaBytes = 1000;
    settings.namedQuotas.put("depot.quota.group.team-a.bytes", "5000");
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "10");
    assertEquals(new Quota(10, Quota.UNLIMITED), cut.limitsFor(user("alice", "team-a")));
  }

  @Test
  void theLargestLimitAmongTheGroupsThatSetOneApplies() {
    settings.quotaBytes = 1000;
    settings.namedQuotas.put("depot.quota.group.team-a.bytes", "5000");
    settings.namedQuotas.put("depot.quota.group.team-b.bytes", "7000");
    settings.namedQuotas.put("depot.quota.group.small.bytes", "100");
    assertEquals(7000, cut.limitsFor(user("alice", "team-a", "team-b", "small", "no-setting")).bytes());
    assertEquals(100, cut.limitsFor(user("carol", "small")).bytes(), "a group may lower the default for its members");
    settings.namedQuotas.put("depot.quota.group.team-b.bytes", "unlimited");
    assertEquals(Quota.UNLIMITED, cut.limitsFor(user("alice", "team-a", "team-b")).bytes());
  }

  @Test
  void bytesAndFilesAreResolvedEachOnItsOwn() {
    settings.quotaBytes = 1000;
    settings.quotaFiles = 10;
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "20");
    settings.namedQuotas.put("depot.quota.group.team-a.files", "50");
    assertEquals(new Quota(20, 50), cut.limitsFor(user("alice", "team-a")));
  }

  @Test
  void adminsHaveNoQuotaButTheirLinksDo() {
    settings.quotaBytes = 1000;
    Caller admin = user("root", Caller.ROLE_ADMIN);
    assertEquals(Quota.NONE, cut.limitsFor(admin));
    Caller link = new Caller("root", Set.of(), Caller.Via.LINK, new LinkSigner.Link("PUT", "x", Instant.now(), null, "root"));
    assertEquals(new Quota(1000, Quota.UNLIMITED), cut.limitsFor(link));
  }

  @Test
  void aLinkIsLimitedByItsIssuersOwnSettingNotByGroupsItCannotKnow() {
    settings.quotaBytes = 1000;
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "3000");
    Caller link = new Caller("alice", Set.of(), Caller.Via.LINK, new LinkSigner.Link("PUT", "x", Instant.now(), null, "alice"));
    assertEquals(3000, cut.limitsFor(link).bytes());
  }

  @Test
  void anotherUsersLimitsWithoutTheirGroupsAreTheirOwnSettingOrTheDefault() {
    settings.quotaBytes = 1000;
    settings.namedQuotas.put("depot.quota.user.bob.files", "7");
    assertEquals(new Quota(1000, 7), cut.limitsOf("bob"));
  }

  @Test
  void aLinksWritesAreChargedToItsIssuer() {
    assertEquals("alice", Caller.owner("alice (link)"));
    assertEquals("alice", Caller.owner("alice"));
    assertEquals(java.util.List.of("alice", "alice (link)"), Caller.actorsOf("alice"));
  }
}

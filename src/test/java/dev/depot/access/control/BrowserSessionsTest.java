package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrowserSessionsTest {

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovingClock clock = new MovingClock();
  private final BrowserSessions cut = new BrowserSessions(clock);
  private final Caller alice = Caller.user("alice", Set.of("team-a"), Caller.Via.SESSION);

  @Test
  void aSessionIsFoundByItsTokenWithItsCallerAndCsrfToken() {
    var started = cut.start(alice);
    var found = cut.find(started.getKey()).orElseThrow();
    assertEquals("alice", found.caller().name());
    assertEquals(Set.of("team-a"), found.caller().groups());
    assertEquals(started.getValue().csrfToken(), found.csrfToken());
    assertTrue(cut.find(started.getKey() + "x").isEmpty());
    cut.end(started.getKey());
    assertTrue(cut.find(started.getKey()).isEmpty());
  }

  @Test
  void anIdleSessionEndsAfterTheTimeout() {
    String token = cut.start(alice).getKey();
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertTrue(cut.find(token).isPresent());
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    assertTrue(cut.find(token).isEmpty());
  }

  @Test
  void aSessionUsedEveryMinuteStillEndsAfterItsLifetime() {
    String token = cut.start(alice).getKey();
    for (int minute = 0; minute < 24 * 60; minute++) {
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      if (cut.find(token).isEmpty()) {
        assertEquals(BrowserSessions.MAX_LIFETIME.toMinutes(), minute + 1L, "ended at its lifetime, not before");
        return;
      }
    }
    throw new AssertionError("the session outlived a day of use");
  }

  @Test
  void oneUserCannotHoldMoreThanTheirShareOfSessions() {
    String bobs = cut.start(Caller.user("bob", Set.of(), Caller.Via.SESSION)).getKey();
    List<String> alices = new ArrayList<>();
    for (int i = 0; i < BrowserSessions.MAX_PER_USER + 5; i++) {
      clock.now = clock.now.plusSeconds(1);
      alices.add(cut.start(alice).getKey());
    }
    assertEquals(BrowserSessions.MAX_PER_USER + 1, cut.size());
    assertTrue(cut.find(bobs).isPresent(), "bob keeps his");
    assertTrue(cut.find(alices.get(0)).isEmpty(), "alice's oldest went");
    assertTrue(cut.find(alices.get(alices.size() - 1)).isPresent());
  }
}

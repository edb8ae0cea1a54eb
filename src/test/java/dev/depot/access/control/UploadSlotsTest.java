package dev.depot.access.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depot.config.FixedSettings;
import dev.depot.problem.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UploadSlotsTest {

  private final FixedSettings settings = new FixedSettings(Path.of("/unused"));
  private final UploadSlots cut = UploadSlots.of(settings);
  private final Caller alice = Caller.user("alice", Set.of(), Caller.Via.BASIC);

  @Test
  void refusesOneUploadBeyondTheCapAndTakesItOnceASlotIsBack() {
    settings.maxConcurrentUploads = 2;
    UploadSlots.Slot first = cut.acquire(alice);
    UploadSlots.Slot second = cut.acquire(alice);

    assertProblem(Problem.TOO_MANY_UPLOADS, () -> cut.acquire(alice));
    assertEquals(2, cut.inProgress("alice"));

    first.close();
    first.close(); // a second close gives nothing back twice
    assertEquals(1, cut.inProgress("alice"));
    cut.acquire(alice).close();
    second.close();
    assertEquals(0, cut.inProgress("alice"));
  }

  @Test
  void eachNameHasItsOwnCapAndAnIssuersLinksShareOneOfTheirOwn() {
    settings.maxConcurrentUploads = 1;
    Caller link = new Caller("alice", Set.of(), Caller.Via.LINK, new LinkSigner.Link("PUT", "x", Instant.now(), null, "alice"));
    Caller otherLink = new Caller("alice", Set.of(), Caller.Via.LINK, new LinkSigner.Link("PUT", "y", Instant.now(), null, "alice"));
    try (UploadSlots.Slot byLink = cut.acquire(link)) {
      // whoever holds alice's link cannot use up alice's own slots (security review of issue 13)
      cut.acquire(alice).close();
      assertProblem(Problem.TOO_MANY_UPLOADS, () -> cut.acquire(otherLink));
      cut.acquire(Caller.user("bob", Set.of(), Caller.Via.BASIC)).close();
    }
    try (UploadSlots.Slot own = cut.acquire(alice)) {
      assertProblem(Problem.TOO_MANY_UPLOADS, () -> cut.acquire(alice));
      cut.acquire(link).close();
    }
  }

  @Test
  void manyThreadsNeverHoldMoreThanTheCapAndGiveEverySlotBack() throws Exception {
    settings.maxConcurrentUploads = 4;
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      runs.add(pool.submit(() -> {
        try (UploadSlots.Slot slot = cut.acquire(alice)) {
          most.accumulateAndGet(holding.incrementAndGet(), Math::max);
          Thread.onSpinWait();
          holding.decrementAndGet();
        } catch (dev.depot.problem.DepotException e) {
          refused.incrementAndGet();
        }
      }));
    }
    for (Future<?> run : runs) {
      run.get();
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    assertEquals(true, most.get() <= 4, "at most the cap at once: " + most.get());
    assertEquals(0, cut.inProgress("alice"));
  }

  @Test
  void theCapCanBeLifted() {
    settings.maxConcurrentUploads = Integer.MAX_VALUE;
    for (int i = 0; i < 100; i++) {
      cut.acquire(alice);
    }
    assertEquals(100, cut.inProgress("alice"));
  }
}

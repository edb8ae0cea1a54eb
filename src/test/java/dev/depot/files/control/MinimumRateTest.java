package dev.depot.files.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MinimumRateTest {

  private final AtomicLong now = new AtomicLong();
  private final MinimumRate cut = new MinimumRate(1024, Duration.ofSeconds(60), now::get);

  @Test
  void aTransferAboveTheRateIsNeverCutOff() {
    for (int second = 1; second <= 600; second++) {
      now.set(second * 1_000_000_000L);
      assertFalse(cut.tooSlowAfter(1100), "second " + second);
    }
  }

  @Test
  void aTrickleIsCutOffAtTheEndOfAWindow() {
    boolean cutOff = false;
    int second = 0;
    while (!cutOff && second < 200) {
      second += 20;
      now.set(second * 1_000_000_000L);
      cutOff = cut.tooSlowAfter(1); // one byte every 20 s
    }
    assertEquals(60, second, "cut off when the first window ends");
  }

  @Test
  void aPauseIsFineWhileTheWindowsAverageHolds() {
    now.set(10_000_000_000L);
    assertFalse(cut.tooSlowAfter(64 * 1024)); // more than a window needs, early on
    now.set(61_000_000_000L);
    assertFalse(cut.tooSlowAfter(1), "then 50 s of silence: the window's average still holds");
  }

  @Test
  void zeroTurnsTheCheckOff() {
    InputStream body = new ByteArrayInputStream(new byte[1]);
    OutputStream out = new ByteArrayOutputStream();

    assertSame(body, MinimumRate.guard(body, 0, Duration.ofSeconds(1)));
    assertSame(out, MinimumRate.guard(out, 0, Duration.ofSeconds(1)));
  }

  @Test
  void aSlowUploadIsUploadTooSlowAndASlowDownloadBreaksTheConnection() throws Exception {
    InputStream slowBody = new InputStream() {
      @Override
      public int read() throws IOException {
        sleep();
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        sleep();
        b[off] = 'x';
        return 1;
      }
    };
    InputStream guarded = MinimumRate.guard(slowBody, 1 << 20, Duration.ofMillis(100));
    assertProblem(Problem.UPLOAD_TOO_SLOW, () -> guarded.readNBytes(100));

    OutputStream slowClient = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        sleep();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        sleep();
      }
    };
    OutputStream out = MinimumRate.guard(slowClient, 1 << 20, Duration.ofMillis(100));
    IOException broken = assertThrows(IOException.class, () -> {
      for (int i = 0; i < 100; i++) {
        out.write(new byte[10], 0, 10);
      }
    });
    assertTrue(broken.getMessage().contains("more slowly"), broken.getMessage());
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
  }
}

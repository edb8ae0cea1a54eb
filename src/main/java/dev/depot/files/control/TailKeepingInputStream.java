package dev.depot.files.control;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Remembers the last bytes read through it, so that after a multipart parse the caller can check that
 * the body really ended with its close delimiter ({@code --boundary--}): fileupload2 treats a stream
 * that ends right after an ordinary boundary line as a complete body, which would accept a truncated
 * upload.
 */
final class TailKeepingInputStream extends FilterInputStream {

  private final byte[] tail;
  private int filled;

  /** @param keep how many trailing bytes to keep: more than the parser's read-ahead plus a delimiter */
  TailKeepingInputStream(InputStream in, int keep) {
    super(in);
    this.tail = new byte[keep];
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      remember(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      remember(b, off, n);
    }
    return n;
  }

  /** True if the kept tail holds {@code text} (ASCII). */
  boolean tailContains(String text) {
    byte[] needle = text.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + needle.length <= filled; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (tail[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void remember(byte[] b, int off, int n) {
    if (n >= tail.length) {
      System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
      filled = tail.length;
      return;
    }
    int keep = Math.min(filled, tail.length - n);
    System.arraycopy(tail, filled - keep, tail, 0, keep);
    System.arraycopy(b, off, tail, keep, n);
    filled = keep + n;
  }
}

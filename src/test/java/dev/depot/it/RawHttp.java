package dev.depot.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client on a bare socket, for what ordinary clients will not do: stop sending in the middle
 * of a body (or of its headers) and vanish with a reset; send headers that contradict each other; send
 * {@code Expect: 100-continue} and then hold the body back to see what the server answers, and when.
 */
public final class RawHttp {

  private RawHttp() {}

  /**
   * Sends {@code head} (request line and headers, ending in a blank line) and the first {@code cut}
   * bytes of {@code body} framed as the head says (chunked if it says so), then resets the connection.
   * With {@code cut} inside the head, only that much of the head goes out.
   */
  public static void sendAndAbort(URI server, String head, byte[] body, int cut, boolean chunked) {
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoLinger(true, 0); // close() sends RST: the client vanishes, it does not finish
      OutputStream out = socket.getOutputStream();
      if (cut < headBytes.length) {
        out.write(headBytes, 0, cut);
      } else {
        out.write(headBytes);
        int n = Math.min(body.length, cut - headBytes.length);
        if (chunked && n > 0) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write(body, 0, n);
      }
      out.flush();
      Thread.sleep(5); // let the server start on it
    } catch (IOException e) {
      // the server may already have answered and closed: that is fine for an abort
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a whole request and returns the status code of the answer. */
  public static int send(URI server, byte[] request) {
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** {@code body} as one chunked message body (RFC 9112 §7.1), in chunks of at most 8 KiB. */
  public static byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 8192) {
      int n = Math.min(8192, body.length - at);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  /** One response as it came off the wire; header names in lower case, repeated ones joined by ", ". */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + text();
    }
  }

  /**
   * One connection, read a response at a time, each read bounded by a timeout: shows interim {@code 1xx}
   * answers, answers that come before the body was sent, and whether the server then closes.
   */
  public static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public Connection(URI server, Duration readTimeout) throws IOException {
      socket = new Socket(server.getHost(), server.getPort());
      socket.setSoTimeout((int) readTimeout.toMillis());
      in = new BufferedInputStream(socket.getInputStream());
    }

    public void send(String text) throws IOException {
      send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    }

    /**
     * The next response (a {@code 100 Continue} is one too), or null when the server has closed the
     * connection (end of stream or reset) before sending one.
     *
     * @throws SocketTimeoutException if nothing arrives within the read timeout
     */
    public Response next() throws IOException {
      String statusLine;
      try {
        statusLine = line();
      } catch (SocketException reset) {
        return null;
      }
      if (statusLine == null) {
        return null;
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not a status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
      }
      return new Response(status, headers, body(status, headers));
    }

    /**
     * True when the server closes the connection within {@code wait}, false when it keeps it open and
     * silent; an answer instead fails the test (something sent after the last response was read as a
     * request).
     */
    public boolean closesWithoutAnswer(Duration wait) throws IOException {
      int readTimeout = socket.getSoTimeout();
      socket.setSoTimeout((int) wait.toMillis());
      try {
        Response more = next();
        if (more != null) {
          throw new AssertionError("the server answered what it should not have read as a request: " + more);
        }
        return true;
      } catch (SocketTimeoutException open) {
        return false;
      } finally {
        socket.setSoTimeout(readTimeout);
      }
    }

    private byte[] body(int status, Map<String, String> headers) throws IOException {
      if (status < 200 || status == 204 || status == 304) {
        return new byte[0];
      }
      String te = headers.get("transfer-encoding");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = chunkSize(); n > 0; n = chunkSize()) {
          out.writeBytes(in.readNBytes(n));
          line();
        }
        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
          // trailer fields are read past
        }
        return out.toByteArray();
      }
      String length = headers.get("content-length");
      return length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
    }

    private int chunkSize() throws IOException {
      String size = line();
      return Integer.parseInt(size.split(";", 2)[0].trim(), 16);
    }

    /** A line without its CRLF, or null at the end of the stream. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return c == -1 && line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

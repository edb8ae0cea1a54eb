package dev.depot.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client on a bare socket, for what ordinary clients will not do: stop sending in the middle
 * of a body (or of its headers) and vanish with a reset.
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
}

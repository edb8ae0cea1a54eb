package dev.depot.it;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Builds a streamed multipart/form-data body, so tests can send parts far larger than their heap. */
public final class Multipart {

  private final String boundary = "depot-" + UUID.randomUUID();
  private final List<Supplier<InputStream>> pieces = new ArrayList<>();
  private long length;

  public Multipart field(String name, String value) {
    text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    return this;
  }

  public Multipart file(String name, String filename, byte[] content) {
    return file(name, filename, "application/octet-stream", () -> new ByteArrayInputStream(content), content.length);
  }

  public Multipart file(String name, String filename, String contentType, Supplier<InputStream> content, long size) {
    return file(name, filename, contentType, "", content, size);
  }

  /** A file part with extra part headers, e.g. {@code "Content-MD5: …\r\n"}. */
  public Multipart file(String name, String filename, byte[] content, String extraHeaders) {
    return file(name, filename, "application/octet-stream", extraHeaders, () -> new ByteArrayInputStream(content), content.length);
  }

  private Multipart file(
      String name, String filename, String contentType, String extraHeaders, Supplier<InputStream> content, long size) {
    text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: " + contentType + "\r\n" + extraHeaders + "\r\n");
    pieces.add(content);
    length += size;
    text("\r\n");
    return this;
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  public long length() {
    return length + ("--" + boundary + "--\r\n").length();
  }

  public HttpRequest.BodyPublisher publisher() {
    List<Supplier<InputStream>> all = new ArrayList<>(pieces);
    byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    all.add(() -> new ByteArrayInputStream(end));
    HttpRequest.BodyPublisher streamed =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> new SequenceInputStream(Collections.enumeration(all.stream().map(Supplier::get).toList())));
    return HttpRequest.BodyPublishers.fromPublisher(streamed, length());
  }

  /** The body streamed without a declared length: the client sends it chunked. */
  public HttpRequest.BodyPublisher chunkedPublisher() {
    List<Supplier<InputStream>> all = new ArrayList<>(pieces);
    byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    all.add(() -> new ByteArrayInputStream(end));
    return HttpRequest.BodyPublishers.ofInputStream(
        () -> new SequenceInputStream(Collections.enumeration(all.stream().map(Supplier::get).toList())));
  }

  /** The whole body in memory: for small bodies a test wants to cut or corrupt. */
  public byte[] toBytes() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      for (Supplier<InputStream> piece : pieces) {
        try (InputStream in = piece.get()) {
          in.transferTo(out);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private void text(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    pieces.add(() -> new ByteArrayInputStream(bytes));
    length += bytes.length;
  }

}

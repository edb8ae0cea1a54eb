package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentDispositionTest {

  @Test
  void plainNamesAreKept() {
    assertEquals("attachment; filename=\"q1.pdf\"; filename*=UTF-8''q1.pdf", ContentDisposition.attachment("reports/2026/q1.pdf"));
  }

  @Test
  void unsafeAndNonAsciiCharactersAreEncoded() {
    assertEquals(
        "attachment; filename=\"r_sum_ ___;.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22%5C%25%3B.txt",
        ContentDisposition.attachment("dir/résumé \"\\%;.txt"));
    assertEquals("attachment; filename=\"__.txt\"; filename*=UTF-8''%E5%90%8D%E5%89%8D.txt", ContentDisposition.attachment("名前.txt"));
  }

  @Test
  void headerInjectionIsImpossible() {
    String header = ContentDisposition.attachment("a\r\nSet-Cookie: x=1");
    assertEquals(-1, header.indexOf('\r'));
    assertEquals(-1, header.indexOf('\n'));
  }
}

package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentLengthTest {

  @Test
  void aContentLengthAloneIsTheDeclaredLength() {
    assertEquals(1000, ContentLength.declared("1000", null));
    assertEquals(0, ContentLength.declared(" 0 ", null));
  }

  @Test
  void noUsableContentLengthIsUnknown() {
    assertEquals(-1, ContentLength.declared(null, null));
    assertEquals(-1, ContentLength.declared(" ", null));
    assertEquals(-1, ContentLength.declared("ten", null));
  }

  @Test
  void aTransferEncodingOverridesAnyContentLength() {
    // RFC 9112 §6.3 rule 3: a bogus length, larger or smaller than the chunked body, is never used.
    assertEquals(-1, ContentLength.declared("1099511627776", "chunked"));
    assertEquals(-1, ContentLength.declared("10", "chunked"));
    assertEquals(-1, ContentLength.declared("10", "Chunked"));
    assertEquals(-1, ContentLength.declared("10", "gzip, chunked"));
    assertEquals(-1, ContentLength.declared(null, "chunked"));
    assertEquals(-1, ContentLength.declared("10", "")); // malformed, but present: the length is still not trusted
  }
}
